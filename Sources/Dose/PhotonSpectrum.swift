import Core

/// A bremsstrahlung photon spectrum as energy bins (uniform sampling inside a bin).
///
/// ``mohan6MV`` holds the 6 MV spectrum of Mohan, Chui & Lidofsky, "Energy and angular
/// distributions of photons from medical linear accelerators", Med Phys 12:595 (1985), as
/// distributed with EGSnrc (`mohan6.spectrum`): 24 bins of 0.25 MeV, weights in counts per MeV.
public struct PhotonSpectrum: Sendable, Hashable {
    /// Upper bin edges in MeV, increasing; the first bin starts at ``lowestEdgeMeV``.
    public let upperEdgesMeV: [Double]
    /// Lower edge of the first bin in MeV.
    public let lowestEdgeMeV: Double
    /// Probability of each bin (normalised to 1).
    public let binProbabilities: [Double]
    let cumulative: [Double]

    /// A spectrum from bin edges and weights per MeV (multiplied by bin width and normalised).
    public init(lowestEdgeMeV: Double, upperEdgesMeV: [Double], weightsPerMeV: [Double]) throws {
        guard !upperEdgesMeV.isEmpty, upperEdgesMeV.count == weightsPerMeV.count,
              lowestEdgeMeV >= 0, zip([lowestEdgeMeV] + upperEdgesMeV, upperEdgesMeV).allSatisfy({ $0 < $1 }),
              weightsPerMeV.allSatisfy({ $0 >= 0 && $0.isFinite }), weightsPerMeV.contains(where: { $0 > 0 }) else {
            throw DoseError.invalidParameter("spectrum needs increasing bin edges and non-negative weights, not all zero")
        }
        let widths = zip([lowestEdgeMeV] + upperEdgesMeV, upperEdgesMeV).map { $1 - $0 }
        let p = zip(widths, weightsPerMeV).map { $0 * $1 }
        let total = p.reduce(0, +)
        self.lowestEdgeMeV = lowestEdgeMeV
        self.upperEdgesMeV = upperEdgesMeV
        self.binProbabilities = p.map { $0 / total }
        var c: [Double] = []
        var s = 0.0
        for q in binProbabilities { s += q; c.append(s) }
        c[c.count - 1] = 1
        self.cumulative = c
    }

    /// A single energy (a zero-width spectrum), for validation.
    public static func monoenergetic(_ energyMeV: Double) throws -> PhotonSpectrum {
        guard energyMeV > 0, energyMeV.isFinite else { throw DoseError.invalidParameter("photon energy must be positive, got \(energyMeV) MeV") }
        return try PhotonSpectrum(lowestEdgeMeV: energyMeV * (1 - 1e-12), upperEdgesMeV: [energyMeV], weightsPerMeV: [1])
    }

    /// Mohan et al. 1985 6 MV spectrum (Med Phys 12:595), counts per MeV in 0.25 MeV bins up to 6 MeV.
    public static let mohan6MV: PhotonSpectrum = try! PhotonSpectrum(
        lowestEdgeMeV: 0,
        upperEdgesMeV: (1...24).map { Double($0) * 0.25 },
        weightsPerMeV: [0.004107824, 0.1295177, 0.4609022, 0.4609022, 0.4435880, 0.4084962, 0.4084962, 0.2496504,
                        0.2367691, 0.1867142, 0.1382681, 0.1304545, 0.1484442, 0.09496227, 0.1246583, 0.09773248,
                        0.08891984, 0.05154921, 0.04184013, 0.04803306, 0.01624749, 0.02715377, 0.01199324, 0.01573713])

    /// Mean energy in MeV (bin midpoints weighted by bin probability).
    public var meanEnergyMeV: Double {
        zip([lowestEdgeMeV] + upperEdgesMeV, upperEdgesMeV).enumerated().reduce(0) { $0 + binProbabilities[$1.offset] * ($1.element.0 + $1.element.1) / 2 }
    }

    /// Samples an energy: a bin by its probability, then uniformly inside the bin.
    public func sampleEnergyMeV(using rng: inout RandomStream) -> Double {
        let u = rng.uniform()
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        let low = lo == 0 ? lowestEdgeMeV : upperEdgesMeV[lo - 1]
        return low + (upperEdgesMeV[lo] - low) * rng.uniform()
    }
}
