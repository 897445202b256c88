extension SegmentationSpec {
    /// Keys of a segmentation block (the top level of a `segment` job, `segmentation:` in a `plan` job).
    static let keys = ["structures", "body_threshold_hu", "lung_threshold_hu", "bone_threshold_hu", "halo_mm"]

    /// Reads the segmentation keys of `m`; other keys of `m` are the caller's business.
    init(reading m: SpecMapping) throws(JobSpecError) {
        let items = try m.required("structures", "the list of structures to produce").list(count: 1...JobSpec.maxListCount)
        var structures: [SegmentedStructure] = []
        var firstPath: [SegmentedStructure: String] = [:]
        for item in items {
            let structure = try item.choice(SegmentedStructure.self, what: "structure")
            if let earlier = firstPath[structure] {
                throw item.error(.invalidValue, "\"\(structure.rawValue)\" is listed twice (also at \(earlier))")
            }
            firstPath[structure] = item.path
            structures.append(structure)
        }
        self.init(
            structures: structures,
            bodyThresholdHU: try m.double("body_threshold_hu", default: -350, in: Interval(-1000, 0)),
            lungThresholdHU: try m.double("lung_threshold_hu", default: -500, in: Interval(-1000, -100)),
            boneThresholdHU: try m.double("bone_threshold_hu", default: 250, in: Interval(100, 2000)),
            haloMM: try m.double("halo_mm", default: 10, in: Interval(0, 100)))
    }

    /// Writes the segmentation keys at the writer's current indentation.
    func write(to w: inout YAMLWriter) {
        w.line("structures", YAMLWriter.flowList(structures.map(\.rawValue)))
        w.line("body_threshold_hu", YAMLWriter.number(bodyThresholdHU))
        w.line("lung_threshold_hu", YAMLWriter.number(lungThresholdHU))
        w.line("bone_threshold_hu", YAMLWriter.number(boneThresholdHU))
        w.line("halo_mm", YAMLWriter.number(haloMM))
    }
}
