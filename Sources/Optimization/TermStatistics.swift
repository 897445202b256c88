/// Global quantities a term needs beyond its own voxels' doses.
struct TermStatistics {
    /// Voxels of the term on this rank.
    let localCount: Int
    /// Voxels of the term over all ranks (n).
    let count: Int
    /// Σ d over all ranks (mean dose) or Σ d^a (EUD); 0 otherwise.
    var sum = 0.0
    /// Dose at the term's DVH volume (min/max-DVH terms), Gy.
    var doseAtVolumeGy = 0.0

    init(localCount: Int, count: Int) {
        self.localCount = localCount
        self.count = count
    }
}
