import Dose
import Foundation
import Store

/// Pencil-beam kernels kept in the data directory (`store/kernels/<sha256 of the key>.h5`), so a job whose kernel run
/// has the same parameters as an earlier one (bixel, focal spot, SAD, SSD, layout, histories and seed) reads the
/// table instead of simulating it again. The kernel is a pure function of those parameters and of the engine's physics
/// (spectrum, calibration, transport settings and code), which the key covers through ``physicsVersion``: so a cached
/// table is the same bits as a new run. Each file is a result-layout HDF5 file (readable with h5py): `/kernel/values`
/// float32 [depth, |v|, |u|] and the key and layout as root attributes. A file that cannot be read, or whose key
/// differs, is a miss: the kernel is simulated and the file replaced (atomically).
struct KernelCache: Sendable {
    /// Where the files live.
    let directory: URL

    /// What happened to the job's kernel, recorded as the result attribute `kernel_cache`.
    enum Outcome: Equatable {
        /// Read from the cache.
        case hit
        /// Simulated and written to the cache.
        case stored
        /// Simulated; the cache file could not be written (the reason).
        case notStored(String)

        var attribute: String {
            switch self {
            case .hit: return "hit"
            case .stored: return "stored"
            case .notStored(let reason): return "not stored: " + reason
            }
        }
    }

    /// Version of the key text and file layout.
    static let layoutVersion = 1
    /// Version of everything a kernel run depends on besides its parameters: the photon spectrum, the dose calibration,
    /// the default transport settings and the transport and kernel-simulation code. **Raise it with any change there**:
    /// older cache files then miss and are simulated again.
    static let physicsVersion = 1

    /// The canonical text of every parameter the kernel depends on.
    static func key(_ s: PencilBeamKernelSimulation) -> String {
        let numbers = [s.bixelMM, s.focalSpotSigmaMM, s.sadMM, s.ssdMM, s.depthSpacingMM, s.maximumDepthMM, s.lateralSpacingMM, s.lateralExtentMM]
        return "pencil-beam kernel v\(layoutVersion), physics v\(physicsVersion); " + numbers.map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
            + "; histories \(s.histories); seed \(s.seed); partitions \(s.partitionCount)"
    }

    /// The file of `simulation`'s kernel.
    func fileURL(_ simulation: PencilBeamKernelSimulation) -> URL {
        directory.appendingPathComponent(SHA256.hex(of: Array(Self.key(simulation).utf8)) + ".h5")
    }

    /// The cached kernel of `simulation`, or nil (no file, unreadable, another key or an invalid table).
    func kernel(for simulation: PencilBeamKernelSimulation) -> PencilBeamKernel? {
        let url = fileURL(simulation)
        guard FileManager.default.fileExists(atPath: url.path),
              let file = try? ResultFile.read(path: url.path),
              file.attributes["kernel_key"] == .string(Self.key(simulation)),
              case .int(let depthCount)? = file.attributes["depth_count"], case .int(let lateralCount)? = file.attributes["lateral_count"],
              case .float32(let values)? = file.arrays["/kernel/values"]?.values else { return nil }
        return try? PencilBeamKernel(bixelMM: simulation.bixelMM, focalSpotSigmaMM: simulation.focalSpotSigmaMM, sadMM: simulation.sadMM,
                                     depthSpacingMM: simulation.depthSpacingMM, lateralSpacingMM: simulation.lateralSpacingMM,
                                     depthCount: depthCount, lateralCount: lateralCount, histories: simulation.histories, valuesGy: values)
    }

    /// Writes `kernel` as the cache file of `simulation`; returns what happened (a failure does not fail the job).
    func store(_ kernel: PencilBeamKernel, for simulation: PencilBeamKernelSimulation) -> Outcome {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let table = try ResultArray(shape: [kernel.depthCount, kernel.lateralCount, kernel.lateralCount], values: .float32(kernel.valuesGy))
            let file = ResultFile(arrays: ["/kernel/values": table], attributes: [
                "kernel_key": .string(Self.key(simulation)), "depth_count": .int(kernel.depthCount), "lateral_count": .int(kernel.lateralCount),
                "depth_spacing_mm": .double(kernel.depthSpacingMM), "lateral_spacing_mm": .double(kernel.lateralSpacingMM),
                "bixel_mm": .double(kernel.bixelMM), "focal_spot_sigma_mm": .double(kernel.focalSpotSigmaMM), "sad_mm": .double(kernel.sadMM),
                "histories": .int(kernel.histories), "seed": .string(String(simulation.seed))])
            try file.write(to: fileURL(simulation).path)
            return .stored
        } catch {
            return .notStored(String(describing: error))
        }
    }
}
