import ArgumentParser
import Foundation
import Phantoms
import Store

/// `rtcluster phantom water|thorax --out FILE`: synthetic CT cases with ground-truth structures.
struct PhantomCommand: ReportingCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Write a synthetic CT case (HDF5) with ground-truth structures, for tests, demos and benchmarks.",
        discussion: helpText("""
        - thorax: patient supine with arms, couch and pad, lungs, trachea and bronchi, vertebrae with
        spinal canal, ribs, heart, a lung tumour (gtv) and its ptv; realistic HU and noise.
        - water: a water cylinder in air (or --box for a flat water tank), for dose checks.
        - slab: a 300×300×300 mm water tank with lung (0.26 g/cm³, −749 HU) from 5 to 15 cm depth below
        its anterior face (water 0–5 cm / lung 5–15 cm / water 15–30 cm), for heterogeneity checks.

        Sizes: small (64x64x40), standard (128x128x64), large (256x256x120) or NXxNYxNZ.
        Examples:
          rtcluster phantom thorax --out thorax.h5 --seed 7
          rtcluster phantom water --box --out tank.h5 --size 64x64x64
          rtcluster phantom slab --out slab.h5
        """)
    )
    enum Kind: String, ExpressibleByArgument, CaseIterable { case water, thorax, slab }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Phantom kind: water, thorax or slab.") var kind: Kind
    @Option(help: ArgumentHelp("Output case file (.h5).", valueName: "file")) var out: String
    @Option(help: "Random seed (tumour position, anatomy variations, noise).") var seed: UInt64 = 1
    @Option(help: "Grid size: small, standard, large or NXxNYxNZ.") var size = "standard"
    @Option(help: "Standard deviation of the image noise in HU.") var noiseHU: Double?
    @Flag(help: "water only: a flat 300×300×300 mm water tank instead of a 200 mm cylinder.") var box = false

    func validate() throws {
        if let noiseHU, !(noiseHU.isFinite && noiseHU >= 0 && noiseHU <= 500) {
            throw ValidationError("--noise-hu must be between 0 and 500")
        }
        if box && kind != .water { throw ValidationError("--box applies to the water phantom only") }
        do { _ = try PhantomSize(parsing: size) } catch { throw ValidationError("--size: \(error)") }
        guard out.lowercased().hasSuffix(".h5") || out.lowercased().hasSuffix(".hdf5") else {
            throw ValidationError("--out must name an .h5 file")
        }
    }

    func execute() throws {
        // Not into the data directory: it would replace a registered case file under its recorded fingerprint.
        try global.dataDirectory.refuseOutput(out, option: "--out")
        let gridSize = try PhantomSize(parsing: size)
        let phantom: Phantom
        switch kind {
        case .thorax:
            phantom = try PhantomFactory.thorax(seed: seed, size: gridSize, noiseHU: noiseHU ?? 15)
        case .water:
            let shape: WaterShape = box ? .box(sizeMM: [300, 300, 300]) : .cylinder(diameterMM: 200)
            phantom = try PhantomFactory.water(shape: shape, size: gridSize, spacingMM: tankSpacing(gridSize), noiseHU: noiseHU ?? 0, seed: seed)
        case .slab:
            phantom = try PhantomFactory.slab(size: gridSize, spacingMM: tankSpacing(gridSize), noiseHU: noiseHU ?? 0, seed: seed)
        }
        let caseFile = try CaseFile(ct: phantom.ct, structures: phantom.structures.map { Store.Structure(name: $0.name, mask: $0.mask) })
        try PathFailure.prepareDirectory(forOutputFile: out, option: "--out")
        try caseFile.write(to: out)
        let summary = PhantomSummary(
            file: out, kind: phantom.kind, seed: seed, dims: [phantom.grid.nx, phantom.grid.ny, phantom.grid.nz],
            spacingMM: [phantom.grid.spacingMM.x, phantom.grid.spacingMM.y, phantom.grid.spacingMM.z],
            isocentreMM: [phantom.isocentreMM.x, phantom.isocentreMM.y, phantom.isocentreMM.z],
            structures: Dictionary(uniqueKeysWithValues: phantom.structures.map { ($0.name, ($0.volumeCC * 10).rounded() / 10) })
        )
        if global.json { return try Output.json(summary) }
        print("\(phantom.kind) phantom written to \(out): \(phantom.grid)")
        for s in phantom.structures {
            print("  " + s.name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: "%9.1f cm³", s.volumeCC))
        }
    }
}

extension PhantomCommand {
    /// Voxel size that spreads `size` over a 320 mm cube (the water and slab tanks are 300 mm).
    func tankSpacing(_ size: PhantomSize) -> SIMD3<Double> {
        SIMD3(320 / Double(size.nx), 320 / Double(size.ny), 320 / Double(size.nz))
    }
}

/// JSON shape of `phantom --json`.
struct PhantomSummary: Encodable {
    let file: String
    let kind: String
    let seed: UInt64
    let dims: [Int]
    let spacingMM: [Double]
    let isocentreMM: [Double]
    let structures: [String: Double]
    enum CodingKeys: String, CodingKey {
        case file, kind, seed, dims, structures
        case spacingMM = "spacing_mm", isocentreMM = "isocentre_mm"
    }
}
