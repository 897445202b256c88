import Testing
@testable import Report

/// Fluence maps from a result's `/plan/*` arrays: grouping, checks, the CSV and the picture's pixels.
@Suite struct FluenceMapTests {
    /// Two beams at 0° and 90° with 5 mm bixels: beam 0 has (0, 0) weight 2 and (5, 0) weight 1, beam 1 has (0, 5)
    /// weight 0; the rows are not sorted by beam (beamlet 1 belongs to beam 1).
    static let beams: [Double] = [0, 0, 1000, 2, 90, 0, 1000, 1]
    static let beamlets: [Double] = [0, 0, 0, 5, 1, 0, 5, 5, 0, 5, 0, 5]
    static let weights: [Double] = [2, 0, 1]

    @Test func mapsGroupBixelsByBeamInResultOrder() throws {
        let maps = try FluenceMap.maps(beams: Self.beams, beamlets: Self.beamlets, weights: Self.weights)
        #expect(maps.map(\.gantryDeg) == [0, 90] && maps.map(\.bixelMM) == [5, 5])
        #expect(maps[0].bixels == [.init(beamlet: 0, uMM: 0, vMM: 0, weight: 2), .init(beamlet: 2, uMM: 5, vMM: 0, weight: 1)])
        #expect(maps[1].bixels == [.init(beamlet: 1, uMM: 0, vMM: 5, weight: 0)])
        // Rows in the result's beamlet order, whatever the beams.
        #expect(FluenceMap.csv(maps) == """
            beamlet,beam,gantry_deg,u_mm,v_mm,width_mm,weight
            0,0,0.0,0.0,0.0,5.0,2.0
            1,1,90.0,0.0,5.0,5.0,0.0
            2,0,0.0,5.0,0.0,5.0,1.0

            """)
    }

    @Test func inconsistentArraysAreRefusedNamingTheProblem() {
        func message(beams: [Double] = Self.beams, beamlets: [Double] = Self.beamlets, weights: [Double] = Self.weights) -> String? {
            do { _ = try FluenceMap.maps(beams: beams, beamlets: beamlets, weights: weights); return nil } catch {
                return (error as? ReportError)?.message
            }
        }
        #expect(message() == nil)
        #expect(message(weights: [2, 1])?.contains("12 values for 2 weights") == true)
        #expect(message(weights: [2, -1, 0])?.contains("/plan/weights[1] = -1.0") == true)
        #expect(message(weights: [2, .nan, 0])?.contains("/plan/weights[1]") == true)
        #expect(message(beamlets: [0, 0, 0, 5, 2, 0, 5, 5, 0, 5, 0, 5])?.contains("beam index 2.0") == true)
        #expect(message(beamlets: [0, 0, 0, 5, 1, 0, 5, 3, 0, 5, 0, 5])?.contains("width 3.0 mm differs") == true)
        #expect(message(beamlets: [0, 0, 0, 5, 1, 0, .infinity, 5, 0, 5, 0, 5])?.contains("row 1") == true)
        #expect(message(beams: [0, 0, 1000, 3, 90, 0, 1000, 1])?.contains("counts 3.0 beamlets") == true)
        #expect(message(beams: [.nan, 0, 1000, 2, 90, 0, 1000, 1])?.contains("gantry angle nan") == true)
        #expect(message(beams: [0, 0, 1000])?.contains("not rows of 4") == true)
        #expect(message(beams: Array(repeating: [0, 0, 1000, 0], count: 65).flatMap { $0 }, beamlets: [], weights: [])?
            .contains("65 beams") == true)
    }

    @Test func mosaicPlacesEachBixelOnTheCommonLatticeWithVUp() throws {
        let maps = try FluenceMap.maps(beams: Self.beams, beamlets: Self.beamlets, weights: Self.weights)
        let image = try #require(FluenceMap.mosaic(maps))
        // Lattice 2 × 2 bixels (u 0…5, v 0…5), 12 pixels each (few bixels); two tiles side by side, 6-pixel gaps.
        #expect(image.width == 2 * 24 + 3 * 6 && image.height == 24 + 2 * 6)
        func centre(tile: Int, column: Int, row: Int) -> RGBColour { image[6 + tile * 30 + column * 12 + 6, 6 + row * 12 + 6] }
        // v = 0 is the lower row; u = 0 the left column.
        #expect(centre(tile: 0, column: 0, row: 1) == RGBColour.jet(1))
        #expect(centre(tile: 0, column: 1, row: 1) == RGBColour.jet(0.5))
        #expect(centre(tile: 0, column: 0, row: 0) == RGBColour(90, 90, 90))
        #expect(centre(tile: 1, column: 0, row: 0) == RGBColour.jet(0))
        #expect(centre(tile: 1, column: 1, row: 1) == RGBColour(90, 90, 90))
        #expect(image[2, 2] == RGBColour(255, 255, 255))
    }

    @Test func aMapWiderThanThePictureKeepsItsCSVButHasNoPicture() throws {
        // 1 mm bixels from u = 0 to 400 mm: 401 bixels across.
        let maps = try FluenceMap.maps(beams: [0, 0, 1000, 2], beamlets: [0, 0, 0, 1, 0, 400, 0, 1], weights: [1, 1])
        #expect(FluenceMap.mosaic(maps) == nil)
        var input = ResultBundleTests.input(withDose: true)
        input.fluence = maps
        let files = try ResultBundle.make(input)
        #expect(files.contains { $0.name == "fluence.csv" } && !files.contains { $0.name == "fluence.png" })
        #expect(try ResultBundleTests.file(files, "report.html").contains("span more than 400 bixels along an axis: no picture"))
        let narrower = try FluenceMap.maps(beams: [0, 0, 1000, 2], beamlets: [0, 0, 0, 1, 0, 399, 0, 1], weights: [1, 1])
        #expect(FluenceMap.mosaic(narrower)?.width == 400 + 12)
    }

    @Test func bundleHasFluenceFilesAndSectionOnlyWithBeams() throws {
        var input = ResultBundleTests.input(withDose: true)
        #expect(try !ResultBundle.make(input).contains { $0.name.hasPrefix("fluence") })
        input.fluence = try FluenceMap.maps(beams: Self.beams, beamlets: Self.beamlets, weights: Self.weights)
        let files = try ResultBundle.make(input)
        #expect(try ResultBundleTests.file(files, "fluence.csv").split(separator: "\n").count == 4)
        #expect(files.first { $0.name == "fluence.png" }?.bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        let html = try ResultBundleTests.file(files, "report.html")
        #expect(html.contains("<h2>Fluence</h2>") && html.contains("gantry 0°, 90°"))
        #expect(html.components(separatedBy: "data:image/png;base64,").count == 5)
    }
}
