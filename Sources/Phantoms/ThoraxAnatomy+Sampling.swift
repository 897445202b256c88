import Foundation

/// CT numbers (HU, before noise) of the tissues of the thorax phantom.
enum ThoraxHU {
    static let air = -1000.0, fat = -100.0, mediastinalFat = -80.0, muscle = 40.0, softTissue = 35.0
    static let padFoam = -800.0, couchCore = -950.0, couchShell = 250.0
    static let lung = -860.0, lungVessel = 15.0, tumour = 30.0
    static let heart = 40.0, heartContrast = 130.0, contrastBlood = 280.0, vein = 45.0
    static let cortical = 850.0, marrow = 250.0, arch = 750.0, rib = 800.0, ribMarrow = 350.0
    static let humerusCortex = 1100.0, humerusMarrow = 150.0, sternum = 700.0, sternumMarrow = 350.0
    static let cartilage = 110.0, disc = 80.0, csf = 30.0
    static let liver = 58.0, spleen = 48.0, kidney = 32.0, stomachWall = 40.0, stomachContent = 15.0, abdomen = 20.0
}

extension ThoraxAnatomy {
    /// CT number and labels at world position (x, y) of slice `c` (z = c.s − 140 mm).
    func sample(_ c: ThoraxSlice, x: Double, y: Double) -> VoxelSample {
        sample(c, u: x / scaleX, v: y / scaleY, worldX: x, worldY: y)
    }

    /// CT number and labels at anatomy coordinates (u, v) of slice `c`.
    func sample(_ c: ThoraxSlice, u: Double, v: Double) -> VoxelSample {
        sample(c, u: u, v: v, worldX: u * scaleX, worldY: v * scaleY)
    }

    private func sample(_ c: ThoraxSlice, u: Double, v: Double, worldX: Double, worldY: Double) -> VoxelSample {
        if Self.body.level(u, v) <= 1 {
            if Self.fatInner.level(u, v) > 1 { return .tissue(ThoraxHU.fat) }
            return torsoInterior(c, u, v)
        }
        if let arm = armSample(c, u, v) { return arm }
        return outsideBody(worldX, worldY)
    }

    /// Immobilisation pad (8 mm foam, 1 mm below the back) and couch (40 mm, 5 mm below the pad,
    /// carbon-fibre shells around a foam core); air elsewhere. None of it is body.
    private func outsideBody(_ x: Double, _ y: Double) -> VoxelSample {
        let back = Self.body.posterior * scaleY
        let d = y - back
        if d >= 1, d <= 9, abs(x) <= 230 { return VoxelSample(hu: ThoraxHU.padFoam, labels: []) }
        if d >= 14, d <= 54, abs(x) <= 245 {
            let shell = d < 17 || d > 51 || abs(x) > 242
            return VoxelSample(hu: shell ? ThoraxHU.couchShell : ThoraxHU.couchCore, labels: [])
        }
        return .air
    }

    /// Arms beside the torso: elliptical (38 × 46 mm), 7 mm fat, muscle, humerus (r 11 mm, 3 mm cortex).
    private func armSample(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample? {
        let du = abs(u) - c.armCentreU, dv = v - Self.armV
        let a = du / Self.armA, b = dv / Self.armB
        guard a * a + b * b <= 1 else { return nil }
        let ia = du / (Self.armA - 7), ib = dv / (Self.armB - 7)
        if ia * ia + ib * ib > 1 { return .tissue(ThoraxHU.fat) }
        let r = (du * du + (dv + 3) * (dv + 3)).squareRoot()
        if r <= 11 { return VoxelSample(hu: r > 8 ? ThoraxHU.humerusCortex : ThoraxHU.humerusMarrow, labels: [.body, .bones]) }
        return .tissue(ThoraxHU.muscle)
    }

    private func torsoInterior(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample {
        if let spine = spineSample(c, u, v) { return spine }
        if Self.cavity.level(u, v) > 1 { return chestWall(c, u, v) }
        let floor = diaphragmHeight(u, v)
        if c.s < floor - 4 { return abdomen(c, u, v) }
        if c.s < floor { return .tissue(ThoraxHU.muscle) }
        return thoracicCavity(c, u, v)
    }

    /// Vertebra: body (19 × 15 mm, 2.5 mm cortex, marrow; disc every 26 mm), arch around the
    /// spinal canal (9 × 8 mm), spinous and transverse processes.
    private func spineSample(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample? {
        let au = abs(u)
        guard au <= 30, v >= 20, v <= 93 else { return nil }
        let cu = u / 9, cv = (v - 66) / 8
        if cu * cu + cv * cv <= 1 { return VoxelSample(hu: ThoraxHU.csf, labels: [.body, .spinalCanal]) }
        let bu = u / 19, bv = (v - 36) / 15
        if bu * bu + bv * bv <= 1 {
            if c.discLevel { return .tissue(ThoraxHU.disc) }
            let mu = u / 16.5, mv = (v - 36) / 12.5
            return VoxelSample(hu: mu * mu + mv * mv <= 1 ? ThoraxHU.marrow : ThoraxHU.cortical, labels: [.body, .bones])
        }
        let ar = (u * u + (v - 66) * (v - 66)) / (17 * 17)
        let spinous = au <= 4.5 && v >= 66
        let transverse = !c.discLevel && v >= 57 && v <= 68
        if ar <= 1 || spinous || transverse { return VoxelSample(hu: ThoraxHU.arch, labels: [.body, .bones]) }
        return nil
    }

    /// Chest wall between the fat and the pleural cavity: ribs (descending anteriorly, every 24 mm,
    /// 11 mm high), costal cartilage, sternum, intercostal muscle.
    private func chestWall(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample {
        let cav = Self.cavity
        guard cav.grown(by: 3).level(u, v) > 1, cav.grown(by: 12).level(u, v) <= 1 else { return .tissue(ThoraxHU.muscle) }
        let core = cav.grown(by: 5.5).level(u, v) > 1 && cav.grown(by: 9.5).level(u, v) <= 1
        let s = c.s
        if abs(u) < 16, v < 0 {
            guard s >= 105, s <= 262 else { return .tissue(ThoraxHU.muscle) }
            return VoxelSample(hu: core ? ThoraxHU.sternumMarrow : ThoraxHU.sternum, labels: [.body, .bones])
        }
        let theta = atan2(abs(u), v)
        guard theta >= 0.4 else { return .tissue(ThoraxHU.muscle) }
        let t = s + 55 * (theta / Double.pi) * (theta / Double.pi) - 75
        let k = (t / 24).rounded()
        let dz = abs(t - 24 * k)
        guard k >= 0, k <= 9, dz < 5.5 else { return .tissue(ThoraxHU.muscle) }
        if theta > 2.6 { return .tissue(ThoraxHU.cartilage) }
        return VoxelSample(hu: core && dz < 3 ? ThoraxHU.ribMarrow : ThoraxHU.rib, labels: [.body, .bones])
    }

    /// Height of the diaphragm: right dome 108 mm, left dome 98 mm, falling to a floor of 48 mm.
    func diaphragmHeight(_ u: Double, _ v: Double) -> Double {
        let dv = (v + 5) * (v + 5) / (85 * 85)
        let right = 108 - 45 * ((u + 65) * (u + 65) / (85 * 85) + dv)
        let left = 98 - 45 * ((u - 65) * (u - 65) / (85 * 85) + dv)
        return max(48, right, left)
    }

    /// Upper abdomen: bowel gas, stomach with an anterior gas cap (supine: gas rises anteriorly),
    /// spleen, kidneys, liver on the right, abdominal aorta.
    private func abdomen(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample {
        let s = c.s
        for gas in bowelGas where gas.contains(u, v, s) { return .tissue(ThoraxHU.air) }
        for t in c.tubes where t.kind == .artery && t.tube.excess(u, v, s) <= 0 { return .tissue(ThoraxHU.contrastBlood) }
        if stomach.contains(u, v, s) {
            guard stomach.grown(by: -4).contains(u, v, s) else { return .tissue(ThoraxHU.stomachWall) }
            return .tissue(v < stomach.cv - 8 ? ThoraxHU.air : ThoraxHU.stomachContent)
        }
        if spleen.contains(u, v, s) { return .tissue(ThoraxHU.spleen) }
        for k in kidneys where k.contains(u, v, s) { return .tissue(ThoraxHU.kidney) }
        if u < 25 - 0.3 * v { return .tissue(ThoraxHU.liver) }
        return .tissue(ThoraxHU.abdomen)
    }

    /// Inside the pleural cavity above the diaphragm: airways, great vessels, heart, lungs,
    /// mediastinal tissue.
    private func thoracicCavity(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> VoxelSample {
        let s = c.s
        var keepOff = false
        for t in c.tubes {
            let e = t.tube.excess(u, v, s)
            switch t.kind {
            case .airway:
                if e <= 0 { return VoxelSample(hu: ThoraxHU.air, labels: [.body, .trachea]) }
                if e <= 2 { return .tissue(ThoraxHU.softTissue) }
                if e <= 3.5 { keepOff = true }
            case .artery:
                if e <= 0 { return .tissue(ThoraxHU.contrastBlood) }
                if e <= 3 { keepOff = true }
            case .vein:
                if e <= 0 { return .tissue(ThoraxHU.vein) }
                if e <= 3 { keepOff = true }
            }
        }
        let h = heartLevel(u, v, s, grownBy: 0)
        if h <= 1 { return VoxelSample(hu: contrastHeart ? ThoraxHU.heartContrast : ThoraxHU.heart, labels: [.body, .heart]) }
        if !keepOff, heartLevel(u, v, s, grownBy: 3) > 1, let lung = lungSide(c, u, v) {
            return lungSample(c, u, v, lung)
        }
        if v < -45, abs(u) < 40 { return .tissue(ThoraxHU.mediastinalFat) }
        return .tissue(ThoraxHU.softTissue)
    }

    /// Heart: ellipsoid (60 × 42 × 48 mm, grown by `g`) centred at (20, −38, 135), long axis turned
    /// towards the patient's left-anterior.
    private func heartLevel(_ u: Double, _ v: Double, _ s: Double, grownBy g: Double) -> Double {
        let du = u - 20, dv = v + 38, ds = s - 135
        let p1 = 0.8 * du - 0.6 * dv, p2 = 0.6 * du + 0.8 * dv
        let a = p1 / (60 + g), b = p2 / (42 + g), cz = ds / (48 + g)
        return a * a + b * b + cz * cz
    }

    /// Which lung contains (u, v) once airways, vessels and heart are excluded: below the apex dome,
    /// lateral to the mediastinum (half-width 22–26 mm, ≈ 1 mm at the anterior junction) and away
    /// from the vertebral body and the paraspinal muscles (two ellipses). Patient's left (u > 0) is the left lung.
    private func lungSide(_ c: ThoraxSlice, _ u: Double, _ v: Double) -> ThoraxLabels? {
        let au = abs(u)
        let ad = au - 62, vd = v + 5
        guard c.s < 266 - 0.008 * (ad * ad + vd * vd) else { return nil }
        let w = v < -45 ? c.anteriorHalfWidth : (v < 28 ? 22 : 26)
        guard au > w else { return nil }
        let bu = u / 26, bv = (v - 36) / 22, pu = u / 58, pv = (v - 82) / 30
        guard bu * bu + bv * bv > 1, pu * pu + pv * pv > 1 else { return nil }
        return u > 0 ? .lungLeft : .lungRight
    }

    /// Lung parenchyma (−860 HU, denser posteriorly, plane-wave texture), vessels, tumour.
    private func lungSample(_ c: ThoraxSlice, _ u: Double, _ v: Double, _ lung: ThoraxLabels) -> VoxelSample {
        let s = c.s
        var texture = 0.0
        for w in textureWaves { texture += sin(w.0 * u + w.1 * v + w.2 * s + w.3) }
        texture /= Double(textureWaves.count)
        if let t = c.tumour, t.contains(u, v, s) {
            return VoxelSample(hu: ThoraxHU.tumour + 6 * texture, labels: [.body, lung, .gtv])
        }
        for vessel in c.vessels where vessel.excess(u, v, s) <= 0 {
            return VoxelSample(hu: ThoraxHU.lungVessel, labels: [.body, lung])
        }
        return VoxelSample(hu: ThoraxHU.lung + 0.3 * v + 25 * texture, labels: [.body, lung])
    }
}
