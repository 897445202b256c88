extension GoalSpec {
    /// Reads one element of `goals:`; dose metrics take `value_gy`, `V…Gy` metrics take `value_pct`.
    init(reading value: SpecValue) throws(JobSpecError) {
        let m = try value.mapping(allowed: ["structure", "metric", "comparator", "value_gy", "value_pct"])
        let structure = try m.required("structure", "the structure the goal applies to").structureName()
        let metricValue = try m.required("metric", "the DVH metric, e.g. D95, Dmean, Dmax, V20Gy")
        let metricText = try metricValue.string()
        guard let metric = DoseMetric(metricText) else {
            throw metricValue.error(.invalidValue, "unknown metric \"\(metricText.debugSafe)\"; expected Dx with 0 ≤ x ≤ 100 (e.g. D95), Dmean, Dmax, Dmin or VxGy with 0 < x ≤ 200 (e.g. V20Gy)")
        }
        let comparatorValue = try m.required("comparator", "max (≤) or min (≥)")
        let comparatorText = try comparatorValue.string()
        guard let comparator = GoalComparator.spellings[comparatorText] else {
            throw comparatorValue.error(.invalidValue, "unknown comparator \"\(comparatorText.debugSafe)\"; expected max, <=, ≤ (at most) or min, >=, ≥ (at least)")
        }
        let (needed, forbidden, interval) = metric.isDose
            ? ("value_gy", "value_pct", Interval(0, 200)) : ("value_pct", "value_gy", Interval(0, 100))
        if let wrong = m.optional(forbidden) {
            throw wrong.error(.invalidValue, "\(metric) is \(metric.isDose ? "a dose" : "a volume") metric; give \(needed), not \(forbidden)")
        }
        let threshold = try m.required(needed, "the goal's threshold (\(metric.isDose ? "Gy" : "%"))").double(in: interval)
        self.init(structure: structure, metric: metric, comparator: comparator, value: threshold)
    }

    /// Writes this goal as one list item.
    func write(to w: inout YAMLWriter) {
        w.item { w in
            w.line("structure", YAMLWriter.quoted(structure))
            w.line("metric", metric.description)
            w.line("comparator", comparator.rawValue)
            w.line(metric.isDose ? "value_gy" : "value_pct", YAMLWriter.number(value))
        }
    }
}
