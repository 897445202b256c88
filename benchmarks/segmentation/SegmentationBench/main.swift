// Segmentation benchmark: accuracy of the slab pipeline against reference masks and its release
// timings. Usage:
//   SegmentationBench phantom SIZE [SEED] [SLABS]   thorax phantom: Dice / HD95 per structure, time per step and per structure
//   SegmentationBench nifti CT.nii.gz LABELS.nii.gz  real CT: body coverage of the labelled voxels, lungs found, bones Dice / HD95
//   SegmentationBench speed SOURCE [REPEATS] [CONFIGS] [STRUCTURES]
//                                                   throughput on a large CT, SOURCE = phantom:NXxNYxNZ or nifti:CT.nii.gz:NZ
//                                                   (the series tiled along z to NZ slices), STRUCTURES = comma-separated
//                                                   names (default all six); SEGMENTATION_DUMP=DIR writes
//                                                   ct.i16, body.u8 and grid.txt there for the plastimatch peer
//   SegmentationBench result SOURCE [REPEATS]        the end of a segment job on its coordinator, alternated: finish on the full
//                                                   grid + result write of full volumes against finish on the body box + the
//                                                   boxed result write (the same file contents, checked)
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

/// The split of local step `id` into `slabs` slabs: balanced on the slice work like `SegmentationPipeline.run`
/// (SEGMENTATION_EVEN_SPLIT=1: equal slice counts, the split before the balanced one, for comparisons).
func decomposition(_ pipeline: SegmentationPipeline, _ id: LocalStepID, _ slabs: Int, _ work: [Int64]) throws -> SlabDecomposition {
    if ProcessInfo.processInfo.environment["SEGMENTATION_EVEN_SPLIT"] == "1" {
        return try SlabDecomposition(nz: pipeline.grid.nz, parts: slabs, halo: pipeline.haloSlices(forStep: id))
    }
    return try pipeline.decomposition(step: id, parts: slabs, sliceWork: work)
}

/// Runs the pipeline like `SegmentationPipeline.run`, timing each step.
func timedRun(_ ct: CTVolume, _ request: SegmentationRequest, slabs: Int) throws -> (SegmentationOutput, [(String, Double)]) {
    let pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
    var state = SegmentationState(ct: ct)
    var times: [(String, Double)] = []
    let (work, tWork) = seconds { slabs > 1 ? pipeline.sliceWork(ct) : Array(repeating: 1, count: ct.grid.nz) }
    times.append(("slice work (split)", tWork))
    for step in pipeline.steps {
        switch step {
        case .local(let id):
            let (_, t) = try seconds {
                let split = try decomposition(pipeline, id, slabs, work)
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
    var labelled = 0, covered = 0, refLung = 0, cord = 0, cordInCanal = 0
    var refBones = MaskVolume(grid: ct.grid)
    let body = out.masks["body"]!
    for i in 0..<ct.grid.voxelCount {
        let l = labels.voxels[i]
        if l > 0 { labelled += 1; if body.voxels[i] != 0 { covered += 1 } }
        if lungLabels.contains(l) { refLung += 1 }
        if l == 79 { cord += 1; if out.masks["spinal_canal"]!.voxels[i] != 0 { cordInCanal += 1 } }
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
    print("| reference spinal cord (label 79) inside the canal | \(cordInCanal) / \(cord) |")
    print("| bones Dice vs. reference bone labels | \(format(SegmentationMetrics.dice(bones, refBones), 4)) |")
    print("| bones HD95 mm | \(format(SegmentationMetrics.hausdorff95MM(bones, refBones), 1)) |")
    print("| bones volume cm³ (reference) | \(format(out.volumesCC["bones"]!, 1)) (\(format(Double(refBones.voxels.reduce(0) { $0 + Int($1) }) * ct.grid.voxelVolumeCC, 1))) |")
}

/// CPU seconds used by this process so far (all threads).
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall time, this thread's CPU time and its minor page faults and involuntary context switches.
struct ThreadSample {
    var wall = 0.0, cpu = 0.0, minorFaults = 0, preempted = 0

    /// The counters of the calling thread now.
    static func now() -> ThreadSample {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        var u = rusage()
        getrusage(__rusage_who_t(1), &u)  // RUSAGE_THREAD (Linux; not exported by Glibc)
        return ThreadSample(wall: Double(DispatchTime.now().uptimeNanoseconds) / 1e9, cpu: Double(t.tv_sec) + Double(t.tv_nsec) / 1e9,
                            minorFaults: u.ru_minflt, preempted: u.ru_nivcsw)
    }

    static func - (a: ThreadSample, b: ThreadSample) -> ThreadSample {
        ThreadSample(wall: a.wall - b.wall, cpu: a.cpu - b.cpu, minorFaults: a.minorFaults - b.minorFaults, preempted: a.preempted - b.preempted)
    }

    /// "wall/cpu s, faults k, preempted n".
    var text: String { "\(format(wall))/\(format(cpu)) s \(minorFaults) flt \(preempted) pre" }
}

/// Steal time of the machine so far (all CPUs, clock ticks of /proc/stat): time the hypervisor ran
/// something else on this VM's virtual CPUs, which a thread's CPU clock counts as its own.
func stealTicks() -> Int {
    guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = stat.split(separator: "\n").first else { return 0 }
    let fields = line.split(separator: " ")
    return fields.count > 8 ? Int(fields[8]) ?? 0 : 0
}

/// The counters of `body` on the calling thread.
func measured<R>(_ body: () throws -> R) rethrows -> (R, ThreadSample) {
    let s0 = ThreadSample.now()
    let r = try body()
    return (r, ThreadSample.now() - s0)
}

/// Whether two outputs are equal, the volumes compared with `memcmp` (the synthesised `==`
/// compares bytes through generic value witnesses, seconds per run).
func sameOutput(_ a: SegmentationOutput, _ b: SegmentationOutput) -> Bool {
    func same(_ x: MaskVolume, _ y: MaskVolume) -> Bool {
        x.grid == y.grid && x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 } }
    }
    return a.volumesCC == b.volumesCC && same(a.labels, b.labels) && a.masks.keys.sorted() == b.masks.keys.sorted()
        && a.masks.allSatisfy { same($0.value, b.masks[$0.key]!) }
}

/// The volume of a `speed` SOURCE and, for the phantom, its ground truth.
func speedSource(_ source: String) throws -> (CTVolume, Phantom?) {
    let parts = source.split(separator: ":").map(String.init)
    if parts.first == "phantom", parts.count == 2 {
        let p = try PhantomFactory.thorax(seed: 1, size: try PhantomSize(parsing: parts[1]))
        return (p.ct, p)
    }
    guard parts.first == "nifti", parts.count == 3, let nz = Int(parts[2]), nz > 0 else {
        throw CoreError.invalidGrid("SOURCE must be phantom:NXxNYxNZ or nifti:CT.nii.gz:NZ, got '\(source)'")
    }
    let series = try NIfTIImport.readCT(path: parts[1])
    let g = series.grid
    let grid = try Grid(nx: g.nx, ny: g.ny, nz: nz, spacingMM: g.spacingMM, originMM: g.originMM)
    var voxels = [Int16]()
    voxels.reserveCapacity(grid.voxelCount)
    for z in 0..<nz {
        // Tiled back and forth (0…19, 19…0, …) so that neighbouring slices stay continuous.
        let period = z / g.nz, k = z % g.nz
        let src = period % 2 == 0 ? k : g.nz - 1 - k
        voxels += series.voxels[(src * g.sliceCount)..<((src + 1) * g.sliceCount)]
    }
    return (try CTVolume(grid: grid, voxels: voxels), nil)
}

/// Runs the pipeline with `threads` workers taking the slabs of each local step (the coordinator's
/// global steps in between run on the calling thread), timing each step.
/// SEGMENTATION_STEP_DETAIL=1: each local step's serial parts (slab inputs, absorb) and per-slab times on stderr.
func threadedRun(_ ct: CTVolume, _ request: SegmentationRequest, slabs: Int, threads: Int) throws -> (SegmentationOutput, [(String, Double)]) {
    let detail = ProcessInfo.processInfo.environment["SEGMENTATION_STEP_DETAIL"] == "1"
    if threads == 1 && !detail { return try timedRun(ct, request, slabs: slabs) }
    let pipeline = try SegmentationPipeline(request: request, grid: ct.grid)
    var state = SegmentationState(ct: ct)
    var times: [(String, Double)] = []
    let (work, tWork) = seconds { slabs > 1 ? pipeline.sliceWork(ct, threads: threads) : Array(repeating: 1, count: ct.grid.nz) }
    times.append(("slice work (split)", tWork))
    for step in pipeline.steps {
        switch step {
        case .local(let id):
            let (_, t) = try seconds {
                let split = try decomposition(pipeline, id, slabs, work)
                let results = ResultBox(count: split.slabs.count)
                let snapshot = state
                // Each worker cuts its slab's input itself (as a rank receives its task), then runs the step.
                let steal0 = stealTicks()
                let (_, tRun) = seconds {
                    DispatchQueue.concurrentPerform(iterations: threads) { worker in
                        for k in stride(from: worker, to: split.slabs.count, by: threads) {
                            let (input, sIn) = measured { Result { try pipeline.slabInput(step: id, slab: split.slabs[k], state: snapshot) } }
                            let (r, sk) = measured { Result { try SegmentationPipeline.runLocal(step: id, input: try input.get()) } }
                            results.set(k, r, sample: sk, inputSample: sIn, thread: worker)
                        }
                    }
                }
                let steal = stealTicks() - steal0
                let (_, sAbsorb) = try measured { try pipeline.absorb(step: id, outputs: try results.values(), into: &state) }
                if detail {
                    let each = zip(results.inputSamples, results.samples).enumerated().map { k, s in
                        "slab \(k) thread \(results.threads[k]): input \(s.0.text) + step \(s.1.text)"
                    }.joined(separator: "; ")
                    let cores = split.slabs.map { "\($0.core.lowerBound)..<\($0.core.upperBound)" }.joined(separator: " ")
                    FileHandle.standardError.write("\(id.rawValue): cores \(cores); slabs in parallel \(format(tRun)) s, steal \(steal) ticks (each input + step: \(each)), absorb \(sAbsorb.text)\n".data(using: .utf8)!)
                }
            }
            times.append(("local " + id.rawValue, t))
        case .global(let id):
            let (_, t) = try seconds { try pipeline.runGlobal(step: id, state: &state) }
            times.append(("global " + id.rawValue, t))
        }
    }
    let (out, t) = seconds { pipeline.finish(state: state, threads: threads) }
    times.append(("finish", t))
    return (out, times)
}

/// Slab outputs written by worker threads (each slot by one thread).
final class ResultBox: @unchecked Sendable {
    private var slots: [Result<SlabStepOutput, any Error>?]
    /// Counters of each slab's local step and of cutting its input, and the worker that ran it.
    private(set) var samples: [ThreadSample], inputSamples: [ThreadSample], threads: [Int]
    private let lock = NSLock()
    init(count: Int) {
        slots = Array(repeating: nil, count: count)
        samples = Array(repeating: ThreadSample(), count: count)
        inputSamples = samples
        threads = Array(repeating: 0, count: count)
    }
    func set(_ k: Int, _ r: Result<SlabStepOutput, any Error>, sample: ThreadSample, inputSample: ThreadSample, thread: Int) {
        lock.lock()
        slots[k] = r
        samples[k] = sample
        inputSamples[k] = inputSample
        threads[k] = thread
        lock.unlock()
    }
    func values() throws -> [SlabStepOutput] { try slots.map { try $0!.get() } }
}

func speed(_ args: [String]) throws {
    let (ct, truth) = try speedSource(args.first ?? "phantom:512x512x160")
    let repeats = args.count > 1 ? Int(args[1])! : 3
    // SLABSxTHREADS configurations, e.g. "1x1,2x2".
    let configs = (args.count > 2 ? args[2] : "1x1,2x1,2x2").split(separator: ",").map { c in
        let p = c.split(separator: "x").map { Int($0)! }
        return (p[0], p[1])
    }
    let structures = try (args.count > 3 ? args[3].split(separator: ",").map(String.init) : SegmentationStructure.allCases.map(\.rawValue)).map { name in
        guard let s = SegmentationStructure(rawValue: name) else { throw CoreError.invalidGrid("unknown structure '\(name)'") }
        return s
    }
    let mvox = Double(ct.grid.voxelCount) / 1e6
    print("## Speed: \(args.first ?? "phantom:512x512x160"), \(ct.grid), best of \(repeats), \(structures.map(\.rawValue).joined(separator: " + "))\n")
    let request = SegmentationRequest(structures: structures)
    var reference: SegmentationOutput?
    for (slabs, threads) in configs {
        var runs: [[(String, Double)]] = []
        var cpu: [Double] = []
        for _ in 0..<repeats {
            let c0 = processCPUSeconds()
            let (out, times) = try threadedRun(ct, request, slabs: slabs, threads: threads)
            cpu.append(processCPUSeconds() - c0)
            if let r = reference {
                guard sameOutput(r, out) else { throw CoreError.invalidGrid("\(slabs) slabs on \(threads) threads differ from 1 slab") }
            } else { reference = out }
            runs.append(times)
        }
        print("### \(slabs) slab(s), \(threads) thread(s)\n\n| step | best s | spread s | Mvox/s (best) |\n|---|---|---|---|")
        for (k, (name, _)) in runs[0].enumerated() {
            let ts = runs.map { $0[k].1 }
            print("| \(name) | \(format(ts.min()!)) | \(format(ts.min()!))–\(format(ts.max()!)) | \(format(mvox / ts.min()!, 0)) |")
        }
        let totals = runs.map { $0.reduce(0) { $0 + $1.1 } }
        print("| **total** | \(format(totals.min()!)) | \(format(totals.min()!))–\(format(totals.max()!)) | \(format(mvox / totals.min()!, 1)) |")
        print("| process CPU time (all threads) | \(format(cpu.min()!)) | \(format(cpu.min()!))–\(format(cpu.max()!)) | \(format(mvox / cpu.min()!, 1)) |\n")
    }
    if let out = reference {
        // Fingerprint of every mask and the label map, to check that a change keeps the output bit for bit.
        var hash = SHA256()
        for name in out.masks.keys.sorted() { hash.update(out.masks[name]!.voxels) }
        hash.update(out.labels.voxels)
        print("Output SHA-256 (masks in name order, then the label map): \(hash.finalizeHex())\n")
    }
    if let p = truth, let out = reference {
        print("| structure | Dice |\n|---|---|")
        for s in structures {
            print("| \(s.rawValue) | \(format(SegmentationMetrics.dice(out.masks[s.rawValue]!, p.mask(named: s.rawValue)!), 4)) |")
        }
        print()
    }
    if let dump = ProcessInfo.processInfo.environment["SEGMENTATION_DUMP"], let out = reference {
        let g = ct.grid
        try ct.voxels.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: dump + "/ct.i16")) }
        try Data(out.masks["body"]!.voxels).write(to: URL(fileURLWithPath: dump + "/body.u8"))
        let text = "\(g.nx) \(g.ny) \(g.nz) \(g.spacingMM.x) \(g.spacingMM.y) \(g.spacingMM.z) \(g.originMM.x) \(g.originMM.y) \(g.originMM.z)\n"
        try text.write(toFile: dump + "/grid.txt", atomically: true, encoding: .utf8)
    }
}

/// The end of a segment job as its coordinator runs it, both ways: `finish` (full-grid volumes) and the result
/// write of those, against `finishBoxed` and the boxed write; alternated, REPEATS rounds; both files read back equal.
func result(_ args: [String]) throws {
    let (ct, _) = try speedSource(args.first ?? "phantom:512x512x160")
    let repeats = args.count > 1 ? Int(args[1])! : 5
    let threads = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    let pipeline = try SegmentationPipeline(request: SegmentationRequest(), grid: ct.grid)
    var state = SegmentationState(ct: ct)
    let work = pipeline.sliceWork(ct)
    for step in pipeline.steps {
        switch step {
        case .local(let id):
            let split = try pipeline.decomposition(step: id, parts: 2, sliceWork: work)
            try pipeline.absorb(step: id, outputs: split.slabs.map { try SegmentationPipeline.runLocal(step: id, input: pipeline.slabInput(step: id, slab: $0, state: state)) }, into: &state)
        case .global(let id):
            try pipeline.runGlobal(step: id, state: &state)
        }
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("segbench-result-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let fullPath = directory.appendingPathComponent("full.h5").path, boxedPath = directory.appendingPathComponent("boxed.h5").path
    print("## Segment job end (finish + result write): \(args.first ?? "phantom:512x512x160"), \(ct.grid), \(threads) threads\n")
    print("| round | full: finish | full: write | full: sum | boxed: finish | boxed: write | boxed: sum |\n|---|---|---|---|---|---|---|")
    for round in 1...repeats {
        let (full, tFinish) = seconds { pipeline.finish(state: state, threads: threads) }
        let (_, tWrite) = try seconds { try ResultFile(segmentation: full.masks, labelMap: full.labels).write(to: fullPath) }
        let (boxed, bFinish) = seconds { pipeline.finishBoxed(state: state, threads: threads) }
        let (_, bWrite) = try seconds { try ResultFile(boxedSegmentation: boxed.masks, boxedLabelMap: boxed.labels).write(to: boxedPath) }
        print("| \(round) | \(format(tFinish)) | \(format(tWrite)) | \(format(tFinish + tWrite)) | \(format(bFinish)) | \(format(bWrite)) | \(format(bFinish + bWrite)) |")
    }
    let a = try ResultFile.read(path: fullPath), b = try ResultFile.read(path: boxedPath)
    guard a == b, a.segmentation.count == 6, a.labelMap != nil else { throw CoreError.invalidGrid("the boxed result file differs from the full one") }
    print("\nBoth files read back equal (6 masks and the label map).\n")
}

// Freed volumes are reused instead of unmapped and faulted in again (as `rtcluster worker` does);
// SEGMENTATION_DEFAULT_MALLOC=1 keeps glibc's defaults (for before/after comparisons).
if ProcessInfo.processInfo.environment["SEGMENTATION_DEFAULT_MALLOC"] != "1" { ProcessMemory.retainFreedMemory() }
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "phantom": try phantom(Array(arguments.dropFirst()))
    case "nifti": try nifti(Array(arguments.dropFirst()))
    case "speed": try speed(Array(arguments.dropFirst()))
    case "result": try result(Array(arguments.dropFirst()))
    default:
        print("usage: SegmentationBench phantom SIZE [SEED] [SLABS] | nifti CT.nii.gz LABELS.nii.gz | speed SOURCE [REPEATS] [SLABSxTHREADS,…] [STRUCTURES] | result SOURCE [REPEATS]")
        exit(2)
    }
} catch {
    FileHandle.standardError.write("SegmentationBench: \(error)\n".data(using: .utf8)!)
    exit(1)
}
