import Core
#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The 'lite' coupled photon–electron transport through one patient model (see the module README).
///
/// Photons: Woodcock (delta) tracking with the majorant μ_max(E) = max(ρ·f) · μ_water(E), the maximum taken
/// inside and outside the patient's bounding box separately (``MajorantBox``), flights drawn by the ziggurat;
/// Compton (Klein–Nishina), photoelectric absorption and pair production. Charged particles:
/// straight CSDA steps through the voxels (exact voxel traversal) with a Highland multiple-scattering
/// deflection between steps. Cross-sections, ranges and the Highland factor come from ``TransportTables``. Energy goes to the ``DoseScorer``; the ``EnergyBookkeeping`` closes the balance.
struct ParticleTransport: Sendable {
    struct Photon: Sendable {
        var positionMM: SIMD3<Double>
        var direction: SIMD3<Double>
        var energyMeV: Double
        var primary: Bool
        /// Statistical weight (1 without variance reduction; 1/p after surviving roulette).
        var weight: Double = 1
    }

    let nx: Int, ny: Int, nz: Int
    let spacingMM: SIMD3<Double>
    let inverseSpacing: SIMD3<Double>
    let lowerMM: SIMD3<Double>
    let grid: AxisAlignedBox
    let majorant: MajorantBox
    /// 10 / majorant factor inside and outside the body box (∞ when nothing is outside): × 1/μ_water → mm.
    let insideFlightFactor: Double
    let outsideFlightFactor: Double
    let exponential = ExponentialZiggurat.shared
    let settings: TransportSettings
    let localDepositionMM: Double
    var rng = RandomStream(seed: 0)
    var scorer: DoseScorer
    var tally = EnergyBookkeeping()
    var stack: [Photon] = []
    let tables = TransportTables.shared
    /// Statistical weight of the particle being transported: the photon starting or taking its step and the charged
    /// particles it sets in motion (transport is synchronous within a step). Deposits and escapes are weighted by it.
    var weight: Double = 1
    /// Scattered photons below this energy play roulette (0 when roulette is off: no draw, no weight changes).
    let rouletteBelowMeV: Double
    /// Factor on every energy given to the scorer (not on the energy balance): 1 for a column; a forward dose of several
    /// beamlets scores beamlet j's deposits × w_j·(Gy per MeV per history)/N_j, so one tally holds their weighted sum.
    var tallyScale: Double = 1

    init(patient: PatientModel, settings: TransportSettings) {
        let g = patient.grid
        nx = g.nx; ny = g.ny; nz = g.nz
        spacingMM = g.spacingMM
        inverseSpacing = 1 / g.spacingMM
        lowerMM = g.originMM - g.spacingMM / 2
        grid = AxisAlignedBox(lowerMM: lowerMM, upperMM: lowerMM + g.spacingMM * SIMD3(Double(g.nx), Double(g.ny), Double(g.nz)))
        self.settings = settings
        localDepositionMM = settings.localDepositionFraction * g.spacingMM.min()
        rouletteBelowMeV = settings.rouletteEnabled ? settings.rouletteBelowMeV : 0
        scorer = DoseScorer(attenuationScale: patient.attenuationScale, materials: patient.materials)
        let cells = scorer.cells
        majorant = MajorantBox(scale: { Double(cells[$0].scale) }, nx: g.nx, ny: g.ny, nz: g.nz, spacingMM: g.spacingMM, gridLowerMM: lowerMM)
        insideFlightFactor = 10 / majorant.insideMaxScale
        outsideFlightFactor = majorant.outsideMaxScale > 0 ? 10 / majorant.outsideMaxScale : .infinity
    }

    /// Linear index of the voxel containing `p`, or −1 outside the grid.
    @inline(__always) func voxel(_ p: SIMD3<Double>) -> Int {
        let q = (p - lowerMM) * inverseSpacing
        guard q.x >= 0, q.y >= 0, q.z >= 0 else { return -1 }
        let i = Int(q.x), j = Int(q.y), k = Int(q.z)
        guard i < nx, j < ny, k < nz else { return -1 }
        return (k &* ny &+ j) &* nx &+ i
    }

    /// Deposits `energyMeV` × the current ``weight`` in voxel `v`.
    @inline(__always) mutating func deposit(_ v: Int, _ energyMeV: Double) {
        guard energyMeV > 0 else { return }
        let weighted = energyMeV * weight
        scorer.deposit(v, weighted * tallyScale)
        tally.depositedMeV += weighted
    }

    /// A photon in flight and its next tentative (Woodcock) collision site, with the water coefficients
    /// at its energy (fields ordered so that the struct stays small: the pool moves it around).
    struct Flight {
        var direction: SIMD3<Double>
        var siteMM: SIMD3<Double>
        var energyMeV: Double
        /// 1 / μ_water,total (g/cm²), and the Compton and Compton + photoelectric shares of μ_total.
        var inverseMuTotal: Double
        var comptonShare: Double
        var comptonPlusPhotoelectricShare: Double
        /// Attenuation scale at the site (loaded by the gather pass) and the site's voxel (−1 outside the grid).
        var siteScale: Double
        var siteVoxel: Int32
        var unscattered: Bool
        /// Whether the flight is inside the body box (its majorant) or outside it.
        var inside: Bool
        /// Whether the photon has played roulette (it plays at most once).
        var rouletted: Bool
        /// Statistical weight.
        var weight: Double

        /// Sets the energy and the water coefficients at it.
        @inline(__always) mutating func setEnergy(_ e: Double, tables: TransportTables) {
            let mu = tables.photon(energyMeV: e)
            energyMeV = e
            inverseMuTotal = 1 / mu.total
            comptonShare = mu.compton * inverseMuTotal
            comptonPlusPhotoelectricShare = mu.comptonPlusPhotoelectric * inverseMuTotal
        }
    }

    /// How many photons are tracked side by side (see ``runBatch(histories:source:spectrum:)``).
    static let photonsInFlight = 16

    /// Simulates `histories` primary photons of `source` with energies from `spectrum`, and everything they
    /// set in motion.
    ///
    /// Up to ``photonsInFlight`` photons (primaries and annihilation photons) are tracked side by side: a gather
    /// pass loads the attenuation scale of every photon's tentative site — independent loads whose cache misses
    /// overlap — then each photon takes one step (a virtual collision, or a real interaction with its charged
    /// particles, whose first voxel is then already cached). The random draws follow a fixed order, so the
    /// result is a pure function of the stream; each photon's physics is that of one-at-a-time tracking.
    mutating func runBatch(histories: Int, source: BeamletSource, spectrum: PhotonSpectrum) {
        var pending = histories
        var pool: [Flight] = []
        pool.reserveCapacity(Self.photonsInFlight)
        while true {
            while pool.count < Self.photonsInFlight {
                if let photon = stack.popLast() {
                    if let f = start(photon) { pool.append(f) }
                } else if pending > 0 {
                    pending -= 1
                    let ray = source.sample(using: &rng)
                    let e = spectrum.sampleEnergyMeV(using: &rng)
                    tally.emittedMeV += e
                    tally.histories += 1
                    if let f = start(Photon(positionMM: ray.positionMM, direction: ray.direction, energyMeV: e, primary: true)) {
                        pool.append(f)
                    }
                } else {
                    break
                }
            }
            if pool.isEmpty { return }
            for i in pool.indices {
                let v = Int(pool[i].siteVoxel)
                pool[i].siteScale = v >= 0 ? scorer.scale(v) : 0
            }
            var i = 0
            while i < pool.count {
                if step(&pool[i]) {
                    i += 1
                } else {
                    pool[i] = pool[pool.count - 1]
                    pool.removeLast()
                }
            }
        }
    }

    /// `energyMeV` × the current ``weight`` leaves the grid.
    mutating func escape(_ energyMeV: Double, unscatteredPrimary: Bool) {
        tally.escapedMeV += energyMeV * weight
        if unscatteredPrimary { tally.unscatteredPrimaries += 1 }
    }

    /// Brings `photon` onto the grid and draws its first tentative site; nil when it misses the grid or is
    /// below the photon cut-off (its energy is then tallied).
    mutating func start(_ photon: Photon) -> Flight? {
        var p = photon.positionMM
        let d = photon.direction, e = photon.energyMeV
        weight = photon.weight
        if voxel(p) < 0 {
            guard let t = grid.entryDistance(p, d) else {
                escape(e, unscatteredPrimary: photon.primary)
                return nil
            }
            p += d * (t + 1e-9)
        }
        if e < settings.photonCutoffMeV {
            let v = voxel(p)
            if v >= 0 { deposit(v, e) } else { escape(e, unscatteredPrimary: false) }
            return nil
        }
        var f = Flight(direction: d, siteMM: p, energyMeV: 0, inverseMuTotal: 0, comptonShare: 0, comptonPlusPhotoelectricShare: 0,
                       siteScale: 0, siteVoxel: -1, unscattered: photon.primary, inside: majorant.body.contains(p),
                       rouletted: false, weight: photon.weight)
        f.setEnergy(e, tables: tables)
        fly(&f, from: p)
        return f
    }

    /// Draws the next tentative site of `f` from `p` (exponential flight of the majorant mean free path).
    @inline(__always) mutating func fly(_ f: inout Flight, from p: SIMD3<Double>) {
        guard f.inside else {
            flyAcross(&f, from: p, insideDistanceMM: nil)
            return
        }
        let s = exponential.sample(using: &rng) * f.inverseMuTotal * insideFlightFactor
        let site = p + f.direction * s
        if majorant.body.contains(site) {
            f.siteMM = site
            f.siteVoxel = Int32(truncatingIfNeeded: voxel(site))
        } else {
            flyAcross(&f, from: p, insideDistanceMM: s)
        }
    }

    /// A flight from `start` that leaves the body box (its drawn length `insideDistanceMM` reaches beyond the
    /// box) or starts outside it: cut at the box surface and resampled with the other region's majorant
    /// (memoryless, so unbiased) until a site lies in the flight's region. With nothing outside the box, a
    /// flight outside it enters the box or escapes without a draw.
    mutating func flyAcross(_ f: inout Flight, from start: SIMD3<Double>, insideDistanceMM first: Double?) {
        var p = start, pending = first
        let d = f.direction
        while true {
            if f.inside {
                let s = pending ?? exponential.sample(using: &rng) * f.inverseMuTotal * insideFlightFactor
                pending = nil
                let site = p + d * s
                if majorant.body.contains(site) {
                    f.siteMM = site
                    f.siteVoxel = Int32(truncatingIfNeeded: voxel(site))
                    return
                }
                if majorant.outsideMaxScale == 0 {
                    // Nothing outside, and a straight ray does not come back into a convex box: it escapes.
                    f.siteMM = site
                    f.siteVoxel = -1
                    return
                }
                p += d * (majorant.body.exitDistance(p, d) + 1e-9)
                f.inside = false
            } else {
                let entry = majorant.body.entryDistance(p, d)
                if majorant.outsideMaxScale > 0 {
                    let s = exponential.sample(using: &rng) * f.inverseMuTotal * outsideFlightFactor
                    if entry.map({ s < $0 }) ?? true {
                        f.siteMM = p + d * s
                        f.siteVoxel = Int32(truncatingIfNeeded: voxel(f.siteMM))
                        return
                    }
                }
                guard let t = entry else {
                    f.siteMM = p
                    f.siteVoxel = -1
                    return
                }
                p += d * (t + 1e-9)
                f.inside = true
            }
        }
    }

    /// One step of `f` at its tentative site: escape, a virtual collision, or a real interaction
    /// (Compton, photoelectric, pair). False when the photon is gone.
    mutating func step(_ f: inout Flight) -> Bool {
        let v = Int(f.siteVoxel)
        weight = f.weight
        if v < 0 {
            escape(f.energyMeV, unscatteredPrimary: f.unscattered)
            return false
        }
        let p = f.siteMM
        if rng.uniform() * (f.inside ? majorant.insideMaxScale : majorant.outsideMaxScale) >= f.siteScale {
            fly(&f, from: p)
            return true
        }
        f.unscattered = false
        let e = f.energyMeV, d = f.direction
        let r = rng.uniform()
        if r < f.comptonShare {
            let (ratio, cosTheta) = KleinNishina.sample(energyMeV: e, using: &rng)
            let scattered = rotate(d, cosTheta: cosTheta, azimuth: azimuth())
            let eOut = e * ratio
            let electron = e * d - eOut * scattered
            let norm = (electron * electron).sum().squareRoot()
            _ = transportCharged(from: p, direction: norm > 0 ? electron * (1 / norm) : d, energyMeV: e - eOut)
            if eOut < settings.photonCutoffMeV {
                deposit(v, eOut)
                return false
            }
            if eOut < rouletteBelowMeV && !f.rouletted {
                f.rouletted = true
                guard survivesRoulette(&f.weight, energyMeV: eOut) else { return false }
            }
            f.setEnergy(eOut, tables: tables)
            f.direction = scattered
            fly(&f, from: p)
            return true
        } else if r < f.comptonPlusPhotoelectricShare {
            _ = transportCharged(from: p, direction: d, energyMeV: e)
            return false
        } else {
            pairProduction(at: p, direction: d, energyMeV: e)
            return false
        }
    }

    /// Russian roulette of a photon of `energyMeV` and weight `w`: it survives with probability p (weight w/p; the
    /// balance gains (w/p − w)·E), or is killed (the balance loses w·E). Unbiased: the expected weight stays w.
    mutating func survivesRoulette(_ w: inout Double, energyMeV e: Double) -> Bool {
        let p = settings.rouletteSurvival
        guard rng.uniform() < p else {
            tally.rouletteRemovedMeV += w * e
            return false
        }
        let survivor = w / p
        tally.rouletteAddedMeV += (survivor - w) * e
        w = survivor
        return true
    }

    /// Pair production: the kinetic energy E − 2mc² is shared uniformly between electron and positron,
    /// both emitted along the photon; the positron annihilates at rest at the end of its track.
    mutating func pairProduction(at p: SIMD3<Double>, direction d: SIMD3<Double>, energyMeV e: Double) {
        let mc2 = KleinNishina.electronMassMeV
        let kinetic = e - 2 * mc2
        let share = rng.uniform()
        _ = transportCharged(from: p, direction: d, energyMeV: kinetic * share)
        guard let end = transportCharged(from: p, direction: d, energyMeV: kinetic * (1 - share), positron: true) else {
            tally.escapedMeV += 2 * mc2 * weight
            return
        }
        let cosTheta = 2 * rng.uniform() - 1
        let dir = rotate(SIMD3(0, 0, 1), cosTheta: cosTheta, azimuth: azimuth())
        stack.append(Photon(positionMM: end, direction: dir, energyMeV: mc2, primary: false, weight: weight))
        stack.append(Photon(positionMM: end, direction: -dir, energyMeV: mc2, primary: false, weight: weight))
    }

    /// Transports an electron or positron of kinetic energy `energyMeV` from `p` (inside the grid);
    /// returns where it stopped, or nil when it left the grid (its remaining energy escapes).
    ///
    /// An electron whose residual range fits in the ball around it inside its voxel cannot leave the voxel
    /// whatever its later deflections: it deposits its energy there at once (exact). A positron is tracked to
    /// its end, where it annihilates.
    mutating func transportCharged(from start: SIMD3<Double>, direction: SIMD3<Double>, energyMeV: Double,
                                   positron: Bool = false) -> SIMD3<Double>? {
        guard energyMeV > 0 else { return start }
        let v0 = voxel(start)
        var residual = tables.range(energyMeV: energyMeV)
        if residual * 10 / scorer.scale(v0) < localDepositionMM {
            deposit(v0, energyMeV)
            return start
        }
        var p = start, d = direction, e = energyMeV
        let minimumStep = settings.electronMinimumStepGPerCM2
        while true {
            if !positron, let v = voxelHolding(p, rangeGPerCM2: residual) {
                deposit(v, e)
                return p
            }
            let step = residual > 2 * minimumStep ? max(residual * settings.electronStepFraction, minimumStep) : residual
            let eStart = e
            if !walk(&p, d, step, &residual, &e) {
                tally.escapedMeV += e * weight
                return nil
            }
            if residual <= 0 { return p }
            d = rotate(d, cosTheta: multipleScatteringCosine(energyMeV: (eStart + e) / 2, stepGPerCM2: step), azimuth: azimuth())
        }
    }

    /// The voxel of `p` (inside the grid) when the ball of `rangeGPerCM2` (water-equivalent) around `p` lies in it.
    @inline(__always) func voxelHolding(_ p: SIMD3<Double>, rangeGPerCM2 r: Double) -> Int? {
        let q = (p - lowerMM) * inverseSpacing
        guard q.x >= 0, q.y >= 0, q.z >= 0 else { return nil }
        let i = Int(q.x), j = Int(q.y), k = Int(q.z)
        guard i < nx, j < ny, k < nz else { return nil }
        let f = q - SIMD3(Double(i), Double(j), Double(k))
        let faceMM = min(min(f.x, 1 - f.x) * spacingMM.x, min(f.y, 1 - f.y) * spacingMM.y, min(f.z, 1 - f.z) * spacingMM.z)
        let v = (k &* ny &+ j) &* nx &+ i
        return faceMM * scorer.scale(v) * 0.1 >= r ? v : nil
    }

    /// Cosine of the polar deflection after a step: a Rayleigh-distributed angle θ with the Highland width
    /// θ0 = 13.6 MeV/(βcp)·√(x/X0)·(1 + 0.038 ln(x/X0)), limited to π; θ² = θ0²·2·Exp(1).
    @inline(__always) mutating func multipleScatteringCosine(energyMeV t: Double, stepGPerCM2 x: Double) -> Double {
        let mc2 = KleinNishina.electronMassMeV
        let betaPC = t * (t + 2 * mc2) / (t + mc2)
        let theta0 = 13.6 / betaPC * tables.highland(stepGPerCM2: x)
        return HalfAngleCosine.cosine(angleSquared: theta0 * theta0 * 2 * exponential.sample(using: &rng))
    }

    /// Moves a charged particle `stepGPerCM2` (water-equivalent areal length) along `d`, depositing
    /// in every voxel crossed the CSDA energy lost there; false when it leaves the grid.
    ///
    /// Voxels are traversed exactly (Amanatides–Woo): the distances to the next x, y and z faces are
    /// advanced by the per-voxel increments, so a crossing costs a comparison and an addition.
    mutating func walk(_ p: inout SIMD3<Double>, _ d: SIMD3<Double>, _ stepGPerCM2: Double,
                       _ residual: inout Double, _ e: inout Double) -> Bool {
        let q = (p - lowerMM) * inverseSpacing
        guard q.x >= 0, q.y >= 0, q.z >= 0 else { return false }
        var i = Int(q.x), j = Int(q.y), k = Int(q.z)
        guard i < nx, j < ny, k < nz else { return false }
        // Distance (mm along d) to the next face on each axis and between successive faces; ∞ when d is parallel.
        var tNext = SIMD3<Double>(repeating: .infinity), tDelta = SIMD3<Double>(repeating: .infinity)
        let cell = SIMD3(Double(i), Double(j), Double(k))
        for a in 0..<3 where d[a] != 0 {
            let face = d[a] > 0 ? cell[a] + 1 : cell[a]
            tNext[a] = (face - q[a]) * spacingMM[a] / d[a]
            tDelta[a] = spacingMM[a] / abs(d[a])
        }
        let si = d.x > 0 ? 1 : -1, sj = d.y > 0 ? 1 : -1, sk = d.z > 0 ? 1 : -1
        let sliceStride = nx &* ny
        var v = (k &* ny &+ j) &* nx &+ i
        var t = 0.0, remaining = stepGPerCM2
        while true {
            let s = scorer.scale(v)
            let tExit = min(tNext.x, min(tNext.y, tNext.z))
            let areal = s * (tExit - t) * 0.1
            let last = areal >= remaining
            let used = last ? remaining : areal
            remaining -= used
            residual -= used
            if residual < 1e-12 { residual = 0 }
            let eNew = min(e, tables.energy(rangeGPerCM2: residual))
            deposit(v, e - eNew)
            e = eNew
            if last {
                p += d * (t + used * 10 / s)
                return true
            }
            t = tExit
            if tNext.x <= tNext.y && tNext.x <= tNext.z {
                i &+= si
                if i < 0 || i >= nx { return false }
                tNext.x += tDelta.x
                v &+= si
            } else if tNext.y <= tNext.z {
                j &+= sj
                if j < 0 || j >= ny { return false }
                tNext.y += tDelta.y
                v &+= sj &* nx
            } else {
                k &+= sk
                if k < 0 || k >= nz { return false }
                tNext.z += tDelta.z
                v &+= sk &* sliceStride
            }
        }
    }

    /// A uniform azimuth as (cos φ, sin φ) without trigonometric calls: a point (x, y) uniform in the
    /// unit disk has a uniform polar angle α, so φ = 2α is uniform and cos φ = (x² − y²)/r², sin φ = 2xy/r².
    @inline(__always) mutating func azimuth() -> SIMD2<Double> {
        while true {
            let x = 2 * rng.uniform() - 1, y = 2 * rng.uniform() - 1
            let r2 = x * x + y * y
            if r2 <= 1 && r2 > 1e-300 { return SIMD2(x * x - y * y, 2 * x * y) / r2 }
        }
    }

    /// `d` turned by polar angle acos(cosTheta) and the azimuth given as (cos φ, sin φ).
    @inline(__always) func rotate(_ d: SIMD3<Double>, cosTheta c: Double, azimuth: SIMD2<Double>) -> SIMD3<Double> {
        let s = max(0, 1 - c * c).squareRoot()
        let cp = azimuth.x, sp = azimuth.y
        let t = max(0, 1 - d.z * d.z).squareRoot()
        if t < 1e-10 {
            return SIMD3(s * cp, s * sp, d.z < 0 ? -c : c)
        }
        let st = s / t
        return SIMD3(d.x * c + st * (d.x * d.z * cp - d.y * sp),
                     d.y * c + st * (d.y * d.z * cp + d.x * sp),
                     d.z * c - s * cp * t)
    }
}
