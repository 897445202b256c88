import Core

/// An in-plane rectangle (all slices) of a larger grid: where a label map kept on its
/// foreground's columns and rows lies. The position is read back from the grids' origins.
struct PlaneRect: Equatable {
    /// First column and row in the larger grid, and the rectangle's columns and rows.
    let x: Int, y: Int, width: Int, height: Int

    /// The rectangle of `sub` inside `grid` (same spacing and slices; `sub`'s origin on `grid`'s lattice).
    init(_ sub: Grid, in grid: Grid) {
        x = Int(((sub.originMM.x - grid.originMM.x) / grid.spacingMM.x).rounded())
        y = Int(((sub.originMM.y - grid.originMM.y) / grid.spacingMM.y).rounded())
        width = sub.nx
        height = sub.ny
    }

    init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }

    /// The sub-grid of `grid` (all its slices) covering the rectangle.
    func grid(in grid: Grid) -> Grid {
        try! Grid(nx: width, ny: height, nz: grid.nz, spacingMM: grid.spacingMM,
                  originMM: grid.originMM + SIMD3(Double(x), Double(y), 0) * grid.spacingMM)
    }

    /// The smallest rectangle holding both.
    func union(_ other: PlaneRect) -> PlaneRect {
        let x0 = min(x, other.x), y0 = min(y, other.y)
        return PlaneRect(x: x0, y: y0, width: max(x + width, other.x + other.width) - x0,
                         height: max(y + height, other.y + other.height) - y0)
    }
}
