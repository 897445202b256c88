import Jobs
import Testing
@testable import Planning

/// Objectives stored with the case (`objectives_json`).
@Suite struct PlanObjectivesTests {
    @Test func readsMatRadClassesAsInTheTG119Case() throws {
        let o = try PlanObjectives.parse(json: #"[{"className": "DoseObjectives.matRad_SquaredOverdosing", "parameters": 25, "penalty": 300}]"#,
                                         structure: "Core")
        #expect(o == [ObjectiveSpec(structure: "Core", type: .squaredOverdose, doseGy: 25, penalty: 300)])
        let dvh = try PlanObjectives.parse(json: #"[{"className": "DoseObjectives.matRad_MaxDVH", "parameters": [20, 30], "penalty": 5}]"#,
                                           structure: "lung")
        #expect(dvh == [ObjectiveSpec(structure: "lung", type: .maxDVH, doseGy: 20, volumePct: 30, penalty: 5)])
    }

    @Test func readsTheSpecForm() throws {
        let o = try PlanObjectives.parse(json: #"{"type": "eud", "dose_gy": 10, "eud_a": 8}"#, structure: "cord")
        #expect(o == [ObjectiveSpec(structure: "cord", type: .eud, doseGy: 10, eudA: 8, penalty: 1)])
    }

    /// 0 and 1 are numbers (they had been read as Booleans and dropped: a mean dose of 0 Gy was refused, a penalty of 0
    /// became 1); `true` is not a number.
    @Test func zeroAndOneAreNumbersAndBooleansAreNot() throws {
        #expect(try PlanObjectives.parse(json: #"[{"type": "mean_dose", "dose_gy": 0, "penalty": 1}]"#, structure: "heart")
                == [ObjectiveSpec(structure: "heart", type: .meanDose, doseGy: 0, penalty: 1)])
        #expect(try PlanObjectives.parse(json: #"[{"className": "DoseObjectives.matRad_MeanDose", "parameters": [0]}]"#, structure: "heart")
                == [ObjectiveSpec(structure: "heart", type: .meanDose, doseGy: 0, penalty: 1)])
        #expect(try PlanObjectives.parse(json: #"[{"type": "max_dvh", "dose_gy": 1.0, "volume_pct": 0, "penalty": 2}]"#, structure: "cord")
                == [ObjectiveSpec(structure: "cord", type: .maxDVH, doseGy: 1, volumePct: 0, penalty: 2)])
        #expect(try PlanObjectives.parse(json: #"[{"type": "eud", "dose_gy": 10, "eud_a": 1}]"#, structure: "cord")
                == [ObjectiveSpec(structure: "cord", type: .eud, doseGy: 10, eudA: 1, penalty: 1)])
        #expect { _ = try PlanObjectives.parse(json: #"[{"type": "mean_dose", "dose_gy": 5, "penalty": 0}]"#, structure: "x") }
            throws: { "\($0)".contains("penalty") }
        #expect { _ = try PlanObjectives.parse(json: #"[{"type": "mean_dose", "dose_gy": true}]"#, structure: "x") }
            throws: { "\($0)".contains("dose_gy") }
        #expect { _ = try PlanObjectives.parse(json: #"[{"type": "mean_dose", "dose_gy": 5, "penalty": true}]"#, structure: "x") }
            throws: { "\($0)".contains("penalty") && "\($0)".contains("not a number") }
    }

    @Test(arguments: [
        (#"[{"className": "DoseObjectives.matRad_Unknown", "parameters": 1}]"#, "matRad_Unknown"),
        (#"[{"className": "DoseObjectives.matRad_MinDVH", "parameters": 50}]"#, "needs 2 parameter"),
        (#"[{"type": "squared_overdose", "dose_gy": 500}]"#, "outside [0, 200]"),
        (#"[{"dose": 50}]"#, "\"type\""),
        ("not json", "not valid JSON"),
    ])
    func rejectsBadStoredObjectives(json: String, fragment: String) {
        #expect {
            _ = try PlanObjectives.parse(json: json, structure: "x")
        } throws: { "\($0)".contains(fragment) && "\($0)".contains("\"x\"") }
    }

    @Test func fromCaseCollectsEveryStructure() throws {
        let f = try #require(WaterPlanFixture.shared)
        var stored = f.structures
        stored[2].objectivesJSON = #"[{"className": "DoseObjectives.matRad_SquaredDeviation", "parameters": 60, "penalty": 1000}]"#
        stored[1].objectivesJSON = #"[{"className": "DoseObjectives.matRad_SquaredOverdosing", "parameters": 5, "penalty": 300}]"#
        let s = try DoseGridStructures(stored, doseGrid: f.doseGrid.grid)
        #expect(try PlanObjectives.resolve(.fromCase, structures: s) == [f.oarObjective, f.targetObjective])
        #expect(throws: PlanningError.self) { try PlanObjectives.resolve(.fromCase, structures: f.doseGrid) }
    }
}
