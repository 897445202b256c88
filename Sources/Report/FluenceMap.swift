/// One beam's fluence as a physicist reads it: the weight of each bixel, placed at its centre on the isocentre plane in
/// the beam's-eye view (u: IEC X, to the right; v: IEC Y, towards the gantry, drawn upwards).
public struct FluenceMap: Sendable, Equatable {
    /// A beamlet: its row in the result (`/plan/beamlets`, `/plan/weights`), its bixel centre (mm) and its weight.
    public struct Bixel: Sendable, Equatable {
        public let beamlet: Int
        public let uMM: Double, vMM: Double, weight: Double
    }

    /// Position of the beam in the result (0-based).
    public let beamIndex: Int
    /// Gantry angle in degrees.
    public let gantryDeg: Double
    /// Bixel width on the isocentre plane, mm.
    public let bixelMM: Double
    /// The beam's bixels in the result's beamlet order.
    public let bixels: [Bixel]

    /// Most bixels the picture spans along u or v (2 m at 5 mm bixels, 40 cm at 1 mm); wider maps get no picture.
    public static let maxSpan = 400
    /// Most beams (a job has at most 36).
    public static let maxBeams = 64

    /// The per-beam maps of a result: `beams` is `/plan/beams` row by row ([gantry°, couch°, SAD mm, beamlet count]),
    /// `beamlets` is `/plan/beamlets` ([beam index, u mm, v mm, width mm]) and `weights` is `/plan/weights`.
    /// - Throws: ``ReportError`` naming the first inconsistency (shapes, counts, indices, angles, positions, widths, a
    ///   weight that is negative or not a number, more than ``maxBeams`` beams).
    public static func maps(beams: [Double], beamlets: [Double], weights: [Double]) throws -> [FluenceMap] {
        guard !beams.isEmpty, beams.count % 4 == 0 else { throw ReportError("/plan/beams holds \(beams.count) values, not rows of 4") }
        guard beamlets.count == 4 * weights.count else {
            throw ReportError("/plan/beamlets holds \(beamlets.count) values for \(weights.count) weights (4 per beamlet)")
        }
        let beamCount = beams.count / 4
        guard beamCount <= maxBeams else { throw ReportError("/plan/beams holds \(beamCount) beams, more than the \(maxBeams) a fluence map shows") }
        var bixels = [[Bixel]](repeating: [], count: beamCount)
        var width: Double?
        for n in weights.indices {
            let row = Array(beamlets[(4 * n)..<(4 * n + 4)])
            guard let b = Int(exactly: row[0]), (0..<beamCount).contains(b) else {
                throw ReportError("/plan/beamlets row \(n): beam index \(row[0]) is not one of the \(beamCount) beams")
            }
            guard row[1].isFinite, row[2].isFinite, row[3].isFinite, row[3] > 0 else {
                throw ReportError("/plan/beamlets row \(n): position (\(row[1]), \(row[2])) mm or width \(row[3]) mm is not valid")
            }
            guard width == nil || width == row[3] else {
                throw ReportError("/plan/beamlets row \(n): width \(row[3]) mm differs from the other bixels' \(width!) mm")
            }
            width = row[3]
            guard weights[n].isFinite, weights[n] >= 0 else { throw ReportError("/plan/weights[\(n)] = \(weights[n]) is not a weight") }
            bixels[b].append(Bixel(beamlet: n, uMM: row[1], vMM: row[2], weight: weights[n]))
        }
        return try (0..<beamCount).map { b -> FluenceMap in
            guard beams[4 * b].isFinite else { throw ReportError("/plan/beams row \(b): gantry angle \(beams[4 * b]) is not a number") }
            guard Double(bixels[b].count) == beams[4 * b + 3] else {
                throw ReportError("/plan/beams row \(b) counts \(beams[4 * b + 3]) beamlets, /plan/beamlets holds \(bixels[b].count)")
            }
            return FluenceMap(beamIndex: b, gantryDeg: beams[4 * b], bixelMM: width ?? 1, bixels: bixels[b])
        }
    }

    /// `fluence.csv`: one row per beamlet in the result's order, `beamlet` being its row in `/plan/beamlets` and
    /// `/plan/weights` (`beamlet,beam,gantry_deg,u_mm,v_mm,width_mm,weight`).
    public static func csv(_ maps: [FluenceMap]) -> String {
        let rows = maps.flatMap { map in map.bixels.map { (map, $0) } }.sorted { $0.1.beamlet < $1.1.beamlet }.map { map, x in
            "\(x.beamlet),\(map.beamIndex),\(map.gantryDeg),\(x.uMM),\(x.vMM),\(map.bixelMM),\(x.weight)"
        }
        return (["beamlet,beam,gantry_deg,u_mm,v_mm,width_mm,weight"] + rows).joined(separator: "\n") + "\n"
    }

    /// All maps as one picture, tiles in beam order left to right and top to bottom (3 per row, more when there are
    /// more than 9 beams), on one common (u, v) lattice so that the isocentre sits at the same place in every tile;
    /// colour `jet(weight / largest weight)`, grey where a beam has no bixel, white between tiles. Each bixel is a square
    /// of 1–12 pixels (larger for fewer bixels; at most about 3300 pixels across). Nil when there is no bixel, the maps'
    /// widths differ, or the bixels span more than ``maxSpan`` along an axis.
    static func mosaic(_ maps: [FluenceMap]) -> RGBImage? {
        guard let lattice = Lattice(maps) else { return nil }
        let across = max(1, min(maps.count, max(3, Int(Double(maps.count).squareRoot().rounded(.up)))))
        let down = (maps.count + across - 1) / across
        let span = max(lattice.columns, lattice.rows)
        let pixels = max(1, min(12, 240 / span, 2400 / (across * span)))
        let tileWidth = lattice.columns * pixels, tileHeight = lattice.rows * pixels, gap = 6
        var image = RGBImage(width: across * tileWidth + (across + 1) * gap, height: down * tileHeight + (down + 1) * gap,
                             fill: RGBColour(255, 255, 255))
        let largest = maps.flatMap { $0.bixels.map(\.weight) }.max() ?? 0
        for (t, map) in maps.enumerated() {
            let left = gap + (t % across) * (tileWidth + gap), top = gap + (t / across) * (tileHeight + gap)
            for y in 0..<tileHeight { for x in 0..<tileWidth { image[left + x, top + y] = RGBColour(90, 90, 90) } }
            for bixel in map.bixels {
                let (column, row) = lattice.cell(bixel)
                let colour = RGBColour.jet(largest > 0 ? bixel.weight / largest : 0)
                for y in 0..<pixels { for x in 0..<pixels { image[left + column * pixels + x, top + row * pixels + y] = colour } }
            }
        }
        return image
    }

    /// The common lattice of a set of maps: bixel columns from the smallest u, rows from the largest v (drawn on top).
    struct Lattice {
        let bixelMM: Double, uMin: Double, vMax: Double
        let columns: Int, rows: Int

        /// Nil without bixels, with differing widths, or when the bixels span more than ``maxSpan`` along an axis.
        init?(_ maps: [FluenceMap]) {
            let all = maps.flatMap(\.bixels)
            guard let w = maps.first?.bixelMM, maps.allSatisfy({ $0.bixelMM == w }), !all.isEmpty else { return nil }
            let u = all.map(\.uMM), v = all.map(\.vMM)
            let columns = (u.max()! - u.min()!) / w + 1, rows = (v.max()! - v.min()!) / w + 1
            guard columns <= Double(FluenceMap.maxSpan), rows <= Double(FluenceMap.maxSpan) else { return nil }
            bixelMM = w
            uMin = u.min()!
            vMax = v.max()!
            self.columns = Int(columns.rounded())
            self.rows = Int(rows.rounded())
        }

        /// The (column, row) of a bixel's centre, clamped to the lattice.
        func cell(_ bixel: Bixel) -> (Int, Int) {
            let column = min(max(((bixel.uMM - uMin) / bixelMM).rounded(), 0), Double(columns - 1))
            let row = min(max(((vMax - bixel.vMM) / bixelMM).rounded(), 0), Double(rows - 1))
            return (Int(column), Int(row))
        }
    }
}
