import Core
import Testing
@testable import Phantoms

@Suite struct ThoraxPhantomTests {
    let p = Fixtures.thorax

    @Test func structuresHaveTheDocumentedNamesInOrder() {
        #expect(p.structureNames == ["body", "lung_left", "lung_right", "trachea", "bones", "spinal_canal", "heart", "gtv", "ptv"])
        #expect(p.structureNames == PhantomFactory.thoraxStructureNames)
        #expect(p.kind == "thorax")
        #expect(p.structures.allSatisfy { s in s.mask.voxels.allSatisfy { $0 <= 1 } })
    }

    @Test func gridCoversTheDocumentedFieldOfView() {
        let g = p.grid
        #expect(abs(g.spacingMM.x - 540.0 / 96) < 1e-9 && abs(g.spacingMM.z - 280.0 / 48) < 1e-9)
        #expect(abs(g.position(0, 0, 0).x + g.position(95, 0, 0).x) < 1e-9)  // centred in x
        #expect(abs(g.position(0, 0, 0).z + g.position(0, 0, 47).z) < 1e-9)  // centred in z
    }

    @Test func ctIsWithinTheClampRange() {
        #expect(p.ct.voxels.allSatisfy { $0 >= -1024 && $0 <= 3071 })
    }

    @Test func masksAreMutuallyConsistent() {
        let body = p.m("body")
        for name in p.structureNames { #expect(outside(p.m(name), body) == 0, "\(name) ⊄ body") }
        #expect(overlap(p.m("lung_left"), p.m("lung_right")) == 0)
        #expect(overlap(p.m("lung_left"), p.m("trachea")) == 0)
        #expect(overlap(p.m("lung_right"), p.m("trachea")) == 0)
        #expect(overlap(p.m("bones"), p.m("spinal_canal")) == 0)
        #expect(overlap(p.m("heart"), p.m("lung_left")) + overlap(p.m("heart"), p.m("lung_right")) == 0)
        #expect(outside(p.m("gtv"), p.m("ptv")) == 0)
        // The tumour lies inside exactly one lung.
        let gtvInLeft = overlap(p.m("gtv"), p.m("lung_left")), gtvInRight = overlap(p.m("gtv"), p.m("lung_right"))
        #expect(min(gtvInLeft, gtvInRight) == 0 && max(gtvInLeft, gtvInRight) == Structure(name: "", mask: p.m("gtv")).voxelCount)
    }

    /// Mean HU per structure with 15 HU noise; tolerances are the documented tissue ranges.
    @Test func huStatisticsMatchTheTissues() {
        let ranges: [(String, ClosedRange<Double>)] = [
            ("lung_left", -900 ... -750), ("lung_right", -900 ... -750), ("trachea", -1010 ... -950),
            ("bones", 300...1000), ("spinal_canal", 15...45), ("heart", 25...55), ("gtv", 15...45),
        ]
        for (name, range) in ranges {
            let mean = meanHU(p.ct, p.m(name))
            #expect(range.contains(mean), "\(name) mean \(mean) HU outside \(range)")
        }
        // Noise level: the standard deviation of air far from the patient (first 4 rows) ≈ 15 HU.
        let g = p.grid
        let air = (0..<(4 * g.nx)).map { Double(p.ct.voxels[$0]) }
        let mean = air.reduce(0, +) / Double(air.count)
        let sd = (air.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(air.count - 1)).squareRoot()
        #expect(abs(mean + 1000) < 3 && abs(sd - 15) < 1.5, "air \(mean) ± \(sd) HU")
    }

    @Test func anatomyFollowsTheLPSConvention() throws {
        let left = try #require(PhantomFactory.centreOfMass(p.m("lung_left")))
        let right = try #require(PhantomFactory.centreOfMass(p.m("lung_right")))
        let heart = try #require(PhantomFactory.centreOfMass(p.m("heart")))
        let canal = try #require(PhantomFactory.centreOfMass(p.m("spinal_canal")))
        let trachea = try #require(PhantomFactory.centreOfMass(p.m("trachea")))
        #expect(left.x > 40 && right.x < -40)            // left lung on the patient's left (+x)
        #expect(heart.x > 0)                             // heart towards the patient's left
        #expect(canal.y > heart.y + 50)                  // spine posterior (larger y) to the heart
        #expect(abs(canal.x) < 1 && abs(trachea.x) < 10) // midline
        #expect(trachea.z > heart.z)                     // trachea superior to the heart
    }

    /// Volumes in cm³ (physical dimensions do not depend on the voxel count).
    @Test func structureVolumesArePlausible() {
        let ranges: [(String, ClosedRange<Double>)] = [
            ("body", 15_000...25_000), ("lung_left", 1_000...3_000), ("lung_right", 1_000...3_000),
            ("trachea", 15...80), ("bones", 600...2_000), ("spinal_canal", 30...90), ("heart", 300...900), ("gtv", 3...30),
        ]
        for (name, range) in ranges {
            let v = p.structure(named: name)!.volumeCC
            #expect(range.contains(v), "\(name) \(v) cm³ outside \(range)")
        }
        #expect(p.structure(named: "ptv")!.volumeCC > 1.5 * p.structure(named: "gtv")!.volumeCC)
    }

    /// Couch and pad are outside the body and entirely posterior to it.
    @Test func couchIsOutsideTheBody() {
        let g = p.grid, body = p.m("body")
        let bodyMaxY = voxels(body).map { $0.1 }.max()!
        var couch = 0, pad = 0
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where body[x, y, z] == 0 {
            let h = p.ct[x, y, z]
            if h > -300 { couch += 1; #expect(y > bodyMaxY, "dense voxel outside body at (\(x), \(y), \(z))") }
            if h > -870, h < -730 { pad += 1 }
        } } }
        #expect(couch > g.nx * g.nz && pad > g.nx * g.nz / 2)
    }

    /// PTV = GTV grown by the margin (voxel-centre distances in mm), clipped to the body: checked
    /// against a brute-force distance over every GTV voxel.
    @Test func ptvIsTheGtvGrownByTheMargin() {
        let g = p.grid, s = g.spacingMM
        let gtv = voxels(p.m("gtv")), ptv = p.m("ptv"), body = p.m("body")
        #expect(!gtv.isEmpty)
        let lo = (gtv.map { $0.0 }.min()! - 2, gtv.map { $0.1 }.min()! - 2, gtv.map { $0.2 }.min()! - 2)
        let hi = (gtv.map { $0.0 }.max()! + 2, gtv.map { $0.1 }.max()! + 2, gtv.map { $0.2 }.max()! + 2)
        var maxDistance = 0.0
        for z in lo.2...hi.2 { for y in lo.1...hi.1 { for x in lo.0...hi.0 {
            let d = gtv.map { v -> Double in
                let a = Double(x - v.0) * s.x, b = Double(y - v.1) * s.y, c = Double(z - v.2) * s.z
                return (a * a + b * b + c * c).squareRoot()
            }.min()!
            let expected = d <= Fixtures.marginMM + 1e-9 && body[x, y, z] != 0
            #expect((ptv[x, y, z] != 0) == expected, "voxel (\(x), \(y), \(z)) at \(d) mm")
            if ptv[x, y, z] != 0 { maxDistance = max(maxDistance, d) }
        } } }
        // The farthest PTV voxel lies within one voxel spacing of the margin.
        #expect(maxDistance <= Fixtures.marginMM && maxDistance > Fixtures.marginMM - s.max(), "max distance \(maxDistance) mm")
        #expect(voxels(ptv).allSatisfy { $0.0 >= lo.0 && $0.0 <= hi.0 && $0.1 >= lo.1 && $0.1 <= hi.1 && $0.2 >= lo.2 && $0.2 <= hi.2 })
        let iso = PhantomFactory.centreOfMass(ptv)!
        #expect(iso == p.isocentreMM)
    }

    /// The main bronchi reach lateral to the medial border of each lung, and the trachea is a
    /// single midline tube above the carina.
    @Test func tracheaBifurcatesIntoBothLungs() {
        let g = p.grid, tr = voxels(p.m("trachea"))
        let xs = tr.map { g.position($0.0, $0.1, $0.2).x }
        #expect(xs.min()! < -30 && xs.max()! > 30)
        let top = tr.filter { $0.2 == g.nz - 1 }.map { g.position($0.0, $0.1, $0.2).x }
        #expect(!top.isEmpty && top.allSatisfy { abs($0) < 12 })
        for (lung, sign) in [("lung_left", 1.0), ("lung_right", -1.0)] {
            let lungVoxels = voxels(p.m(lung))
            let reachesIn = tr.contains { t in
                let tx = sign * g.position(t.0, t.1, t.2).x
                let medial = lungVoxels.filter { $0.2 == t.2 }.map { sign * g.position($0.0, $0.1, $0.2).x }.min()
                return medial.map { tx > $0 } ?? false
            }
            #expect(reachesIn, "bronchus does not enter \(lung)")
        }
    }

    /// The lungs touch across the anterior junction in a few slices only.
    @Test func lungsTouchAnteriorlyInAFewSlices() {
        let g = p.grid, left = p.m("lung_left"), right = p.m("lung_right")
        var slices = Set<Int>()
        let heartY = PhantomFactory.centreOfMass(p.m("heart"))!.y
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<(g.nx - 1) where right[x, y, z] != 0 && left[x + 1, y, z] != 0 {
            slices.insert(z)
            #expect(g.position(x, y, z).y < heartY, "lungs touch posteriorly at (\(x), \(y), \(z))")
        } } }
        let lungSlices = (0..<g.nz).filter { z in (0..<g.sliceCount).contains { left.voxels[z * g.sliceCount + $0] != 0 } }
        #expect(slices.count >= 1 && slices.count <= 5, "touching in \(slices.sorted())")
        #expect(lungSlices.count > 25)
    }

    /// Gas below the diaphragm (stomach, bowel) is in the body but in neither lung nor trachea.
    @Test func abdominalGasLiesBelowTheThorax() {
        let g = p.grid, body = p.m("body"), heartZ = PhantomFactory.centreOfMass(p.m("heart"))!.z
        let airways = [p.m("lung_left"), p.m("lung_right"), p.m("trachea")]
        var gas = 0
        for z in 0..<g.nz { for y in 0..<g.ny { for x in 0..<g.nx where body[x, y, z] != 0 && p.ct[x, y, z] < -900 {
            guard airways.allSatisfy({ $0[x, y, z] == 0 }) else { continue }
            gas += 1
            #expect(g.position(x, y, z).z < heartZ - 20)
        } } }
        #expect(gas > 20)
    }
}
