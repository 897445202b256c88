extension InfluenceMatrix {
    /// Dose of the block's voxels, `d = D w` (Gy), accumulated in Double.
    public func dose(weights: [Double]) -> [Double] {
        var d = [Double](repeating: 0, count: rowCount)
        dose(weights: weights, into: &d)
        return d
    }

    /// Writes `D w` into `doseGy` (length `rowCount`); `weights` has length `beamletCount`.
    public func dose(weights: [Double], into doseGy: inout [Double]) {
        precondition(weights.count == beamletCount && doseGy.count == rowCount, "dose: \(weights.count) weights for \(beamletCount) beamlets, \(doseGy.count) outputs for \(rowCount) rows")
        rowOffsets.withUnsafeBufferPointer { off in
            beamletIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    weights.withUnsafeBufferPointer { w in
                        doseGy.withUnsafeMutableBufferPointer { d in
                            for r in 0..<rowCount {
                                var sum = 0.0
                                var e = off[r]
                                let end = off[r &+ 1]
                                while e < end {
                                    sum += Double(val[e]) * w[Int(col[e])]
                                    e &+= 1
                                }
                                d[r] = sum
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes `Dᵀ v` into `result` (length `beamletCount`, overwritten); `v` has length `rowCount`.
    /// On a row block this is the block's partial gradient when `v = ∂f/∂d`.
    public func transposeProduct(_ v: [Double], into result: inout [Double]) {
        precondition(v.count == rowCount && result.count == beamletCount, "transposeProduct: \(v.count) inputs for \(rowCount) rows, \(result.count) outputs for \(beamletCount) beamlets")
        rowOffsets.withUnsafeBufferPointer { off in
            beamletIndices.withUnsafeBufferPointer { col in
                values.withUnsafeBufferPointer { val in
                    v.withUnsafeBufferPointer { x in
                        result.withUnsafeMutableBufferPointer { g in
                            for j in 0..<g.count { g[j] = 0 }
                            for r in 0..<rowCount {
                                let xr = x[r]
                                if xr == 0 { continue }
                                var e = off[r]
                                let end = off[r &+ 1]
                                while e < end {
                                    g[Int(col[e])] += Double(val[e]) * xr
                                    e &+= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
