import Core
import Foundation

/// The analytic anatomy of the thorax phantom (patient supine, head first).
///
/// Shapes are defined in *anatomy coordinates* (u, v, s) in mm: u = x / scaleX (patient's left
/// positive), v = y / scaleY (posterior positive), s = z + 140 (height above the lowest slice, 0…280).
/// The scale factors make the body a little wider or deeper from seed to seed; the couch and pad
/// are defined directly in world mm.
struct ThoraxAnatomy: Sendable {
    /// Extent of the field of view: 540 mm in x and y, 280 mm in z (z from −140 to +140 mm).
    static let inPlaneExtentMM = 540.0, zExtentMM = 280.0
    /// World y of the centre of the field of view (the body centre is at y = 0, the couch below it).
    static let fieldCentreYMM = 30.0

    // Reference outlines (anatomy mm): body half-width, anterior and posterior half-depths.
    static let body = Outline(a: 165, anterior: 110, posterior: 110)
    static let fatInner = Outline(a: 153, anterior: 98, posterior: 101)
    static let cavity = Outline(a: 135, anterior: 82, posterior: 78)
    /// Arm semi-axes, centre depth v, and the torso half-width at that depth.
    static let armA = 38.0, armB = 46.0, armV = 61.0
    static let torsoHalfWidthAtArm = body.halfWidth(atV: armV)

    enum TubeKind: Sendable { case airway, artery, vein }

    /// Trachea + main bronchi, contrast-filled aorta and branches, superior vena cava.
    let mediastinalTubes: [(tube: Tube, kind: TubeKind)]
    /// Intrapulmonary vessels (painted only inside the lungs).
    let lungVessels: [Tube]
    let bowelGas: [Ellipsoid]
    let stomach = Ellipsoid(cu: 62, cv: -22, cs: 56, ru: 38, rv: 32, rs: 26)
    let spleen = Ellipsoid(cu: 82, cv: 48, cs: 55, ru: 26, rv: 22, rs: 38)
    let kidneys = [Ellipsoid(cu: -72, cv: 45, cs: 5, ru: 26, rv: 24, rs: 45),
                   Ellipsoid(cu: 72, cv: 45, cs: 12, ru: 26, rv: 24, rs: 45)]
    /// Lung texture: plane waves (ku, kv, ks in rad/mm, phase).
    let textureWaves: [(Double, Double, Double, Double)]

    let scaleX: Double, scaleY: Double
    /// Phase (mm of s) of the arm–torso gap oscillation, and of the intervertebral discs.
    let armPhaseMM: Double, discPhaseMM: Double
    /// Height s where the two lungs touch anteriorly (over ±7 mm).
    let junctionLevelMM: Double
    let contrastHeart: Bool
    /// The gross tumour volume (inside one lung); nil only while it is being placed.
    var tumour: Ellipsoid?

    /// Draws the seed-dependent anatomy; the tumour is placed by rejection sampling inside a lung.
    init(seed: UInt64, contrastHeart: Bool) {
        var rng = RandomStream(seed: seed, stream: 0)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.uniform() }
        scaleX = uniform(0.95, 1.05)
        scaleY = uniform(0.95, 1.05)
        armPhaseMM = uniform(0, 170)
        discPhaseMM = uniform(0, 26)
        junctionLevelMM = uniform(186, 200)
        self.contrastHeart = contrastHeart
        textureWaves = (0..<4).map { _ in
            let k = 2 * Double.pi / uniform(18, 45)
            let th = uniform(0, Double.pi), ph = uniform(0, 2 * Double.pi)
            return (k * cos(th), k * sin(th) * 0.8, k * uniform(-0.6, 0.6), uniform(0, 2 * Double.pi) + ph)
        }
        mediastinalTubes = Self.makeMediastinalTubes()
        var vessels: [Tube] = []
        for side in [-1.0, 1.0] {
            let root = (side * 50, -12.0, 168.0)
            for _ in 0..<10 {
                var d = (side * uniform(0.5, 1.0), uniform(-0.9, 0.9), uniform(-1.1, 0.9))
                let n = (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot()
                d = (d.0 / n, d.1 / n, d.2 / n)
                let length = uniform(60, 100)
                let end = (root.0 + d.0 * length, root.1 + d.1 * length, root.2 + d.2 * length)
                vessels.append(Tube(from: root, to: end, r0: 5.5, r1: 2.5, reachMM: 0))
                for _ in 0..<3 {
                    let t = uniform(0.3, 0.8)
                    let start = (root.0 + d.0 * length * t, root.1 + d.1 * length * t, root.2 + d.2 * length * t)
                    let e = (d.0 + uniform(-0.8, 0.8), d.1 + uniform(-0.8, 0.8), d.2 + uniform(-0.8, 0.8))
                    let l2 = uniform(30, 55) / (e.0 * e.0 + e.1 * e.1 + e.2 * e.2).squareRoot()
                    vessels.append(Tube(from: start, to: (start.0 + e.0 * l2, start.1 + e.1 * l2, start.2 + e.2 * l2),
                                        r0: 3.0, r1: 1.6, reachMM: 0))
                }
            }
        }
        lungVessels = vessels
        bowelGas = (0..<3).map { _ in
            Ellipsoid(cu: uniform(-70, 70), cv: uniform(-62, -25), cs: uniform(10, 30),
                      ru: uniform(8, 14), rv: uniform(7, 11), rs: uniform(8, 14))
        }
        tumour = nil
        tumour = placeTumour(&rng)
    }

    /// Trachea (lumen r 8.5 mm) bifurcating at the carina (s = 203 mm) into right and left main
    /// bronchi; ascending aorta, arch (quadratic Bézier passing left of the trachea), descending
    /// aorta and three arch branches (all contrast-filled); superior vena cava.
    private static func makeMediastinalTubes() -> [(tube: Tube, kind: TubeKind)] {
        let carina = (0.0, -9.0, 203.0)
        var tubes: [(tube: Tube, kind: TubeKind)] = [
            (Tube(from: carina, to: (0, -16, 300), r0: 8.5, r1: 8.5, reachMM: 4), .airway),
            (Tube(from: carina, to: (-64, 0, 176), r0: 6.5, r1: 5.5, reachMM: 4), .airway),
            (Tube(from: carina, to: (64, -4, 170), r0: 6.0, r1: 5.0, reachMM: 4), .airway),
            (Tube(from: (-10, -40, 150), to: (-10, -40, 212), r0: 14, r1: 14, reachMM: 4), .artery),
            (Tube(from: (28, 20, -40), to: (28, 20, 212), r0: 12, r1: 12, reachMM: 4), .artery),
            (Tube(from: (-32, -22, 160), to: (-32, -22, 300), r0: 9, r1: 9, reachMM: 4), .vein),
        ]
        func arch(_ t: Double) -> (Double, Double, Double) {
            let a = (1 - t) * (1 - t), b = 2 * t * (1 - t), c = t * t
            return (a * -10 + b * 38 + c * 28, a * -40 + b * -42 + c * 20, 212 + 22 * sin(Double.pi * t))
        }
        let pieces = 8
        for i in 0..<pieces {
            let t0 = Double(i) / Double(pieces), t1 = Double(i + 1) / Double(pieces)
            tubes.append((Tube(from: arch(t0), to: arch(t1), r0: 14 - 2 * t0, r1: 14 - 2 * t1, reachMM: 4), .artery))
        }
        for (t, top, r) in [(0.2, (-14.0, -30.0, 300.0), 7.0), (0.4, (8, -36, 300), 5), (0.6, (26, -20, 300), 6)] {
            tubes.append((Tube(from: arch(t), to: top, r0: r, r1: r, reachMM: 4), .artery))
        }
        return tubes
    }

    /// Chooses a tumour (semi-axes 10–17 mm) whose surface grown by 3 mm lies in one lung in 26
    /// directions; falls back to a fixed right-lung position if 2000 draws fail.
    private func placeTumour(_ rng: inout RandomStream) -> Ellipsoid {
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.uniform() }
        var directions: [(Double, Double, Double)] = []
        for a in -1...1 { for b in -1...1 { for c in -1...1 where a != 0 || b != 0 || c != 0 {
            let n = Double(a * a + b * b + c * c).squareRoot()
            directions.append((Double(a) / n, Double(b) / n, Double(c) / n))
        } } }
        for _ in 0..<2000 {
            let side: Double = rng.uniform() < 0.5 ? -1 : 1
            let r = uniform(10, 17)
            let e = Ellipsoid(cu: side * uniform(35, 120), cv: uniform(-60, 55), cs: uniform(115, 235),
                              ru: r * uniform(0.85, 1.15), rv: r * uniform(0.85, 1.15), rs: r * uniform(0.85, 1.15))
            let wanted: ThoraxLabels = side > 0 ? .lungLeft : .lungRight
            let fits = ([(0.0, 0.0, 0.0)] + directions).allSatisfy { d in
                let u = e.cu + d.0 * (e.ru + 3), v = e.cv + d.1 * (e.rv + 3), s = e.cs + d.2 * (e.rs + 3)
                return sample(slice(at: s), u: u, v: v).labels.contains(wanted)
            }
            if fits { return e }
        }
        return Ellipsoid(cu: -85, cv: 0, cs: 175, ru: 12, rv: 12, rs: 12)
    }
}

/// A torso-like outline: an ellipse anteriorly (v < 0) and a superellipse of exponent 4
/// posteriorly (flat back, steep sides), with half-width `a` and half-depths per side.
struct Outline: Sendable {
    let a: Double, anterior: Double, posterior: Double

    /// Implicit level: ≤ 1 inside.
    @inline(__always) func level(_ u: Double, _ v: Double) -> Double {
        let x = u / a
        if v < 0 {
            let y = v / anterior
            return x * x + y * y
        }
        let x2 = x * x, y = v / posterior, y2 = y * y
        return x2 * x2 + y2 * y2
    }

    /// The outline grown by `mm` on every side.
    func grown(by mm: Double) -> Outline { Outline(a: a + mm, anterior: anterior + mm, posterior: posterior + mm) }

    /// Half-width at posterior depth v (0 ≤ v ≤ posterior).
    func halfWidth(atV v: Double) -> Double {
        let y = v / posterior
        return a * (1 - y * y * y * y).squareRoot().squareRoot()
    }
}
