/// The last m correction pairs (s, y) of L-BFGS and the two-loop recursion on them.
struct CorrectionMemory {
    let capacity: Int
    private var s: [[Double]] = []
    private var y: [[Double]] = []
    private var rho: [Double] = []

    init(capacity: Int) { self.capacity = capacity }

    var isEmpty: Bool { s.isEmpty }

    mutating func clear() { s.removeAll(); y.removeAll(); rho.removeAll() }

    /// Stores a pair when its curvature sᵀy is safely positive, dropping the oldest beyond capacity.
    mutating func append(s newS: [Double], y newY: [Double]) {
        let sy = BLASVector.dot(newS, newY), yy = BLASVector.dot(newY, newY)
        guard sy > 1e-10 * yy, sy.isFinite else { return }
        if s.count == capacity { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
        s.append(newS); y.append(newY); rho.append(1 / sy)
    }

    /// −H g on the free variables (0 on the fixed ones), H the L-BFGS inverse-Hessian approximation.
    func direction(gradient g: [Double], free: [Bool]) -> [Double] {
        var q = g
        for i in q.indices where !free[i] { q[i] = 0 }
        var alpha = [Double](repeating: 0, count: s.count)
        for k in s.indices.reversed() {
            alpha[k] = rho[k] * BLASVector.dot(s[k], q)
            BLASVector.axpy(-alpha[k], y[k], &q)
        }
        if let sl = s.last, let yl = y.last {
            BLASVector.scale(BLASVector.dot(sl, yl) / BLASVector.dot(yl, yl), &q)
        }
        for k in s.indices {
            let beta = rho[k] * BLASVector.dot(y[k], q)
            BLASVector.axpy(alpha[k] - beta, s[k], &q)
        }
        for i in q.indices { q[i] = free[i] ? -q[i] : 0 }
        return q
    }
}
