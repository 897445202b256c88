// Segmentation benchmark: accuracy of the slab pipeline against reference masks and its release
// timings. Usage:
//   SegmentationBench phantom SIZE [SEED] [SLABS]   thorax phantom: Dice / HD95 per structure, time per step and per structure
//   SegmentationBench nifti CT.nii.gz LABELS.nii.gz  real CT: body coverage of the labelled voxels, lungs found, bones Dice / HD95
import Core
import Foundation
import Phantoms
import Segmentation
import Store

/// Wall-clock seconds of `body`.
func seconds<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let r = try body()
    return (r, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
}

/// Runs the pipeline like `SegmentationPipeline.run`, timing each step.
func timedRun(_ ct: CTVolume, _ request: SegmentationRequest, slabs: Int) throws -> (SegmentationOutput, [(String, Double)]) {
    let pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
    var state = SegmentationState(ct: ct)
    var times: [(String, Double)] = []
    for step in pipeline.steps {
        switch step {
        case .local(let id):
            let (_, t) = try seconds {
                let split = try SlabDecomposition(nz: ct.grid.nz, parts: slabs, halo: pipeline.haloSlices(forStep: id))
                let outputs = try split.slabs.map { try SegmentationPipeline.runLocal(step: id, input: pipeline.slabInput(step: id, slab: $0, state: state)) }
                try pipeline.absorb(step: id, outputs: outputs, into: &state)
            }
            times.append(("local " + id.rawValue, t))
        case .global(let id):
            let (_, t) = try seconds { try pipeline.runGlobal(step: id, state: &state) }
            times.append(("global " + id.rawValue, t))
        }
    }
    let (out, t) = seconds { pipeline.finish(state: state) }
    times.append(("finish", t))
    return (out, times)
}

func format(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

func phantom(_ args: [String]) throws {
    let size = try PhantomSize(parsing: args.first ?? "standard")
    let seed = args.count > 1 ? UInt64(args[1])! : 1
    let slabs = args.count > 2 ? Int(args[2])! : 1
    let p = try PhantomFactory.thorax(seed: seed, size: size)
    let mvox = Double(p.grid.voxelCount) / 1e6
    print("## Thorax phantom \(size) seed \(seed), \(slabs) slab(s), \(p.grid)\n")
    let (out, times) = try timedRun(p.ct, SegmentationRequest(), slabs: slabs)
    print("| structure | Dice | HD95 mm | volume cm³ | reference cm³ |\n|---|---|---|---|---|")
    for s in SegmentationStructure.allCases {
        let m = out.masks[s.rawValue]!, r = p.mask(named: s.rawValue)!
        print("| \(s.rawValue) | \(format(SegmentationMetrics.dice(m, r), 4)) | \(format(SegmentationMetrics.hausdorff95MM(m, r), 1)) | \(format(out.volumesCC[s.rawValue]!, 1)) | \(format(p.structure(named: s.rawValue)!.volumeCC, 1)) |")
    }
    let total = times.reduce(0) { $0 + $1.1 }
    print("\n| step (all structures) | s | Mvox/s |\n|---|---|---|")
    for (name, t) in times { print("| \(name) | \(format(t)) | \(format(mvox / t, 0)) |") }
    print("| **total** | \(format(total)) | \(format(mvox / total, 1)) |")
    print("\n| request | s | Mvox/s |\n|---|---|---|")
    let requests: [(String, [SegmentationStructure])] = [
        ("body", [.body]), ("body + trachea", [.body, .trachea]), ("body + lungs (incl. airway)", [.body, .lungLeft, .lungRight]),
        ("body + bones", [.body, .bones]), ("body + spinal_canal (incl. bones)", [.body, .spinalCanal]),
        ("all six", SegmentationStructure.allCases),
    ]
    for (name, structures) in requests {
        let (_, t) = try seconds { try SegmentationPipeline.run(ct: p.ct, request: SegmentationRequest(structures: structures), slabCount: slabs) }
        print("| \(name) | \(format(t)) | \(format(mvox / t, 1)) |")
    }
}

func nifti(_ args: [String]) throws {
    guard args.count == 2 else { throw CoreError.invalidGrid("usage: nifti CT.nii.gz LABELS.nii.gz") }
    let ct = try NIfTIImport.readCT(path: args[0])
    let labels = try NIfTIImport.readCT(path: args[1])
    guard labels.grid.nx == ct.grid.nx, labels.grid.ny == ct.grid.ny, labels.grid.nz == ct.grid.nz,
          (0..<3).allSatisfy({ abs(labels.grid.originMM[$0] - ct.grid.originMM[$0]) < 0.01 && abs(labels.grid.spacingMM[$0] - ct.grid.spacingMM[$0]) < 0.001 }) else {
        throw CoreError.invalidGrid("label map \(labels.grid) is not on the CT grid \(ct.grid)")
    }
    print("## Real CT \(args[0]): \(ct.grid)\n")
    let (out, t) = try seconds { try SegmentationPipeline.run(ct: ct, request: SegmentationRequest(), slabCount: 1) }
    // TotalSegmentator v2 bones: sacrum 25, vertebrae 26–50, humeri 69–70, scapulae 71–72,
    // claviculae 73–74, femurs 75–76, hips 77–78, skull 91, ribs 92–115, sternum 116.
    let boneLabels = Set<Int16>([25] + Array(26...50) + Array(69...78) + [91] + Array(92...116))
    let lungLabels = Set<Int16>(Array(10...14))
    var labelled = 0, covered = 0, refLung = 0
    var refBones = MaskVolume(grid: ct.grid)
    let body = out.masks["body"]!
    for i in 0..<ct.grid.voxelCount {
        let l = labels.voxels[i]
        if l > 0 { labelled += 1; if body.voxels[i] != 0 { covered += 1 } }
        if lungLabels.contains(l) { refLung += 1 }
        if boneLabels.contains(l) { refBones.withUnsafeMutableBufferPointer { $0[i] = 1 } }
    }
    let bones = out.masks["bones"]!
    if let dump = ProcessInfo.processInfo.environment["SEGMENTATION_DUMP"] {
        // Label map and reference bone mask as raw uint8 [z][y][x] for visual checks.
        try Data(out.labels.voxels).write(to: URL(fileURLWithPath: dump + "/labels.u8"))
        try Data(refBones.voxels).write(to: URL(fileURLWithPath: dump + "/refbones.u8"))
    }
    print("| quantity | value |\n|---|---|")
    print("| time, all six structures (s) | \(format(t)) |")
    print("| reference labelled voxels inside body | \(covered) / \(labelled) = \(format(100 * Double(covered) / Double(max(labelled, 1)), 2)) % |")
    print("| body volume cm³ | \(format(out.volumesCC["body"]!, 1)) |")
    print("| lung found (left + right) cm³ | \(format(out.volumesCC["lung_left"]! + out.volumesCC["lung_right"]!, 2)) (reference lung voxels: \(refLung)) |")
    print("| trachea cm³ | \(format(out.volumesCC["trachea"]!, 2)) |")
    print("| spinal canal cm³ | \(format(out.volumesCC["spinal_canal"]!, 2)) |")
    print("| bones Dice vs. reference bone labels | \(format(SegmentationMetrics.dice(bones, refBones), 4)) |")
    print("| bones HD95 mm | \(format(SegmentationMetrics.hausdorff95MM(bones, refBones), 1)) |")
    print("| bones volume cm³ (reference) | \(format(out.volumesCC["bones"]!, 1)) (\(format(Double(refBones.voxels.reduce(0) { $0 + Int($1) }) * ct.grid.voxelVolumeCC, 1))) |")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "phantom": try phantom(Array(arguments.dropFirst()))
    case "nifti": try nifti(Array(arguments.dropFirst()))
    default:
        print("usage: SegmentationBench phantom SIZE [SEED] [SLABS] | nifti CT.nii.gz LABELS.nii.gz")
        exit(2)
    }
} catch {
    FileHandle.standardError.write("SegmentationBench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
