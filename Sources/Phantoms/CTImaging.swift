import Core

/// Imaging effects applied to a noise-free HU image: in-plane blur, Gaussian noise, quantisation.
enum CTImaging {
    /// Lowest and highest CT number stored (12-bit CT range).
    static let minimumHU = -1024.0, maximumHU = 3071.0

    /// In-plane binomial blur [1, 2, 1]/4 along x then y (edges replicate), a mild
    /// partial-volume effect of about one voxel.
    static func blurInPlane(_ hu: inout [Double], grid g: Grid) {
        var tmp = hu
        for z in 0..<g.nz {
            for y in 0..<g.ny {
                for x in 0..<g.nx {
                    let l = hu[g.index(max(x - 1, 0), y, z)], r = hu[g.index(min(x + 1, g.nx - 1), y, z)]
                    tmp[g.index(x, y, z)] = 0.25 * l + 0.5 * hu[g.index(x, y, z)] + 0.25 * r
                }
            }
        }
        for z in 0..<g.nz {
            for y in 0..<g.ny {
                for x in 0..<g.nx {
                    let a = tmp[g.index(x, max(y - 1, 0), z)], b = tmp[g.index(x, min(y + 1, g.ny - 1), z)]
                    hu[g.index(x, y, z)] = 0.25 * a + 0.5 * tmp[g.index(x, y, z)] + 0.25 * b
                }
            }
        }
    }

    /// Adds N(0, sigmaHU²) to every voxel (stream 1 of `seed`, z-major order), rounds to the
    /// nearest integer and clamps to [-1024, 3071].
    static func quantise(_ hu: [Double], grid: Grid, noiseSigmaHU sigma: Double, seed: UInt64) -> CTVolume {
        var rng = RandomStream(seed: seed, stream: 1)
        var out = [Int16](repeating: 0, count: hu.count)
        for i in hu.indices {
            let value = sigma > 0 ? hu[i] + sigma * rng.normal() : hu[i]
            out[i] = Int16(min(maximumHU, max(minimumHU, value.rounded())))
        }
        // The voxel count matches the grid by construction.
        return try! CTVolume(grid: grid, voxels: out)
    }

    /// Checks a noise level: finite, 0…500 HU.
    static func validateNoise(_ sigma: Double) throws {
        guard sigma.isFinite, sigma >= 0, sigma <= 500 else {
            throw PhantomError.invalidParameter("noise sigma must be within 0…500 HU, got \(sigma)")
        }
    }
}
