import Foundation
import Jobs

/// The objectives of a plan from its `ObjectiveSource`: the spec's own list, or the case's stored
/// `objectives_json` of every structure (`from_case`).
///
/// A stored objective is either matRad's form, `{"className": "DoseObjectives.matRad_SquaredOverdosing",
/// "parameters": 30, "penalty": 100}` (parameters a number or a list: dose; dose and volume % for
/// min/max DVH; dose and exponent for EUD), or the spec's form, `{"type": "squared_overdose",
/// "dose_gy": 30, "penalty": 100}` (with `volume_pct` / `eud_a` where the type needs them).
public enum PlanObjectives {
    /// The objectives of `source`, every structure name checked against `structures`.
    /// - Throws: ``PlanningError`` naming an unknown structure or a stored objective that cannot be read.
    public static func resolve(_ source: ObjectiveSource, structures: DoseGridStructures) throws -> [ObjectiveSpec] {
        switch source {
        case .listed(let list):
            for (i, o) in list.enumerated() { _ = try structures.rows(named: o.structure, for: "objectives[\(i)]") }
            return list
        case .fromCase:
            var out: [ObjectiveSpec] = []
            for name in structures.names {
                guard let text = structures.contoured[name]?.objectivesJSON else { continue }
                out += try parse(json: text, structure: name)
            }
            guard !out.isEmpty else { throw PlanningError("objectives: from_case, but no structure of the case stores objectives_json") }
            return out
        }
    }

    /// matRad objective class names (after the last ".") and the objective types they stand for.
    static let matRadClasses: [String: ObjectiveType] = [
        "matRad_SquaredDeviation": .squaredDeviation, "matRad_SquaredOverdosing": .squaredOverdose,
        "matRad_SquaredUnderdosing": .squaredUnderdose, "matRad_MinDVH": .minDVH, "matRad_MaxDVH": .maxDVH,
        "matRad_MeanDose": .meanDose, "matRad_EUD": .eud,
    ]

    /// The objectives stored as `json` for `structure`.
    public static func parse(json: String, structure: String) throws -> [ObjectiveSpec] {
        let origin = "objectives_json of \"\(structure)\""
        guard let data = json.data(using: .utf8), let root = try? JSONSerialization.jsonObject(with: data) else {
            throw PlanningError("\(origin) is not valid JSON")
        }
        let items: [Any] = (root as? [Any]) ?? [root]
        return try items.enumerated().map { i, item in
            guard let o = item as? [String: Any] else { throw PlanningError("\(origin)[\(i)] is not an object") }
            let spec = try (o["className"] != nil ? matRad(o, structure: structure) : specForm(o, structure: structure))
            try check(spec, at: "\(origin)[\(i)]")
            return spec
        }
    }

    /// A JSON number; nil for anything else, `true`/`false` included. On Linux every JSON number bridges to `Bool`
    /// (`is Bool` holds for 0 and 1), so a Boolean is told by its type encoding: "c", where numbers are "i", "q" or "d".
    private static func number(_ value: Any?) -> Double? {
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.doubleValue
    }

    private static func matRad(_ o: [String: Any], structure: String) throws -> ObjectiveSpec {
        let className = String(describing: o["className"]!)
        let short = className.split(separator: ".").last.map(String.init) ?? className
        guard let type = matRadClasses[short] else {
            throw PlanningError("objectives_json of \"\(structure)\": unknown objective class \"\(className)\"; known: \(matRadClasses.keys.sorted().joined(separator: ", "))")
        }
        let parameters: [Double] = (o["parameters"] as? [Any])?.compactMap(number) ?? number(o["parameters"]).map { [$0] } ?? []
        let needed = type.needsVolume || type.needsEUDExponent ? 2 : 1
        guard parameters.count >= needed else {
            throw PlanningError("objectives_json of \"\(structure)\": \(short) needs \(needed) parameter(s), got \(parameters.count)")
        }
        return ObjectiveSpec(structure: structure, type: type, doseGy: parameters[0],
                             volumePct: type.needsVolume ? parameters[1] : nil, eudA: type.needsEUDExponent ? parameters[1] : nil,
                             penalty: try penalty(o, structure: structure))
    }

    /// The stored penalty, 1 when absent; anything but a number is refused (it had silently become 1).
    private static func penalty(_ o: [String: Any], structure: String) throws -> Double {
        guard let value = o["penalty"] else { return 1 }
        guard let p = number(value) else { throw PlanningError("objectives_json of \"\(structure)\": penalty \(value) is not a number") }
        return p
    }

    private static func specForm(_ o: [String: Any], structure: String) throws -> ObjectiveSpec {
        guard let raw = o["type"] as? String, let type = ObjectiveType(rawValue: raw) else {
            throw PlanningError("objectives_json of \"\(structure)\": needs \"className\" or a \"type\" among \(ObjectiveType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let dose = number(o["dose_gy"]) else { throw PlanningError("objectives_json of \"\(structure)\": \(raw) needs dose_gy") }
        return ObjectiveSpec(structure: structure, type: type, doseGy: dose, volumePct: number(o["volume_pct"]),
                             eudA: number(o["eud_a"]), penalty: try penalty(o, structure: structure))
    }

    /// The ranges the spec parser enforces for listed objectives.
    private static func check(_ s: ObjectiveSpec, at place: String) throws {
        guard s.doseGy.isFinite, s.doseGy >= 0, s.doseGy <= 200 else { throw PlanningError("\(place): dose \(s.doseGy) Gy outside [0, 200]") }
        guard s.penalty.isFinite, s.penalty > 0, s.penalty <= 1e6 else { throw PlanningError("\(place): penalty \(s.penalty) outside (0, 1e6]") }
        if s.type.needsVolume {
            guard let v = s.volumePct, v >= 0, v <= 100 else { throw PlanningError("\(place): \(s.type.rawValue) needs volume_pct in [0, 100]") }
        }
        if s.type.needsEUDExponent {
            guard let a = s.eudA, a.isFinite, a != 0, abs(a) <= 100 else { throw PlanningError("\(place): eud needs eud_a in [-100, 100] without 0") }
        }
    }
}
