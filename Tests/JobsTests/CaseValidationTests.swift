import Testing
@testable import Jobs

/// Structure names the job reads must exist in the case (exact, case-sensitive) or be produced by its segmentation.
struct CaseValidationTests {
    static let plan = """
        kind: plan
        target: PTV
        beams: {gantry_deg: [0]}
        prescription: {target: CTV, dose_gy: 60}
        objectives:
          - {structure: PTV, type: squared_deviation, dose_gy: 60}
          - {structure: lung_left, type: mean_dose, dose_gy: 0}
        goals:
          - {structure: Heart, metric: Dmean, comparator: max, value_gy: 26}
        """

    @Test func everyReferenceIsListedWithItsKeyPath() throws {
        let spec = try JobSpec.parse(yaml: Self.plan)
        #expect(spec.referencedStructures.map(\.keyPath) ==
                ["target", "prescription.target", "objectives[0].structure", "objectives[1].structure", "goals[0].structure"])
        #expect(spec.referencedStructures.map(\.name) == ["PTV", "CTV", "PTV", "lung_left", "Heart"])
        try spec.validate(againstCaseStructures: ["PTV", "CTV", "lung_left", "Heart"])
    }

    @Test func missingStructureNamesKeyPathAndListsAvailableNames() throws {
        let spec = try JobSpec.parse(yaml: Self.plan)
        let error = #expect(throws: JobSpecError.self) { try spec.validate(againstCaseStructures: ["PTV", "CTV", "Heart"]) }
        #expect(error?.reason == .unknownStructure)
        #expect(error?.keyPath == "objectives[1].structure")
        #expect(error?.message == "structure \"lung_left\" is not in the case or produced by the job; available: \"CTV\", \"Heart\", \"PTV\"")
    }

    @Test func matchingIsCaseSensitiveWithAHint() throws {
        let spec = try JobSpec.parse(yaml: Self.plan)
        let error = #expect(throws: JobSpecError.self) { try spec.validate(againstCaseStructures: ["PTV", "CTV", "lung_left", "heart"]) }
        #expect(error?.keyPath == "goals[0].structure")
        #expect(error?.message.contains("did you mean \"heart\"? (names are case-sensitive)") == true)
    }

    @Test func segmentationOutputCountsAsAvailable() throws {
        let segmented = Self.plan + "\nsegmentation: {structures: [lung_left]}\n"
        let spec = try JobSpec.parse(yaml: segmented)
        #expect(spec.producedStructures == ["lung_left"])
        try spec.validate(againstCaseStructures: ["PTV", "CTV", "Heart"])
        #expect(throws: JobSpecError.self) { try JobSpec.parse(yaml: Self.plan).validate(againstCaseStructures: ["PTV", "CTV", "Heart"]) }
    }

    @Test func fromCaseObjectivesAreNotCheckedHere() throws {
        let spec = try JobSpec.parse(yaml: """
            kind: plan
            target: PTV
            beams: {gantry_deg: [0]}
            prescription: {dose_gy: 60}
            objectives: from_case
            """)
        try spec.validate(againstCaseStructures: ["PTV"])
        let error = #expect(throws: JobSpecError.self) { try spec.validate(againstCaseStructures: []) }
        #expect(error?.keyPath == "target")
        #expect(error?.message.hasSuffix("available: none") == true)
    }

    @Test func segmentJobsReadNoStructures() throws {
        let spec = try JobSpec.parse(yaml: "kind: segment\nstructures: [body]\n")
        #expect(spec.referencedStructures.isEmpty)
        try spec.validate(againstCaseStructures: [])
    }

    /// The dose grid covers the CT's extent at the spec's spacing; more than 2^27 voxels is refused at submit.
    @Test func doseGridSizeIsCheckedAgainstTheCaseCT() throws {
        let plan = try JobSpec.parse(yaml: Self.plan)                        // default 3 mm grid
        #expect(plan.doseGridSize(ctSize: SIMD3(167, 167, 108), ctSpacingMM: SIMD3(3, 3, 3)) == SIMD3(167, 167, 108))
        #expect(plan.doseGridSize(ctSize: SIMD3(100, 100, 10), ctSpacingMM: SIMD3(1, 1, 2.5)) == SIMD3(34, 34, 9))
        try plan.validate(againstCaseSize: SIMD3(512, 512, 400), ctSpacingMM: SIMD3(1, 1, 1))

        let fine = try JobSpec.parse(yaml: Self.plan + "\ndose_grid: {spacing_mm: 1}\n")
        try fine.validate(againstCaseSize: SIMD3(512, 512, 512), ctSpacingMM: SIMD3(1, 1, 1))   // exactly 2^27
        let over = #expect(throws: JobSpecError.self) {
            try fine.validate(againstCaseSize: SIMD3(512, 512, 513), ctSpacingMM: SIMD3(1, 1, 1))
        }
        #expect(over?.reason == .outOfRange)
        #expect(over?.keyPath == "dose_grid.spacing_mm")
        #expect(over?.message.contains("512 × 512 × 513 = 134479872 voxels, more than the 134217728") == true)

        // A CT of absurd extent (64 × 64 × 40 voxels of 50 mm) at a 1 mm grid: 2·10^10 voxels.
        let absurd = #expect(throws: JobSpecError.self) {
            try fine.validate(againstCaseSize: SIMD3(64, 64, 40), ctSpacingMM: SIMD3(50, 50, 50))
        }
        #expect(absurd?.message.contains("(3200 × 3200 × 2000 mm) has 3200 × 3200 × 2000 = 20480000000 voxels") == true)

        let segment = try JobSpec.parse(yaml: "kind: segment\nstructures: [body]\n")
        #expect(segment.doseGridSize(ctSize: SIMD3(512, 512, 512), ctSpacingMM: SIMD3(50, 50, 50)) == nil)
        try segment.validate(againstCaseSize: SIMD3(512, 512, 512), ctSpacingMM: SIMD3(50, 50, 50))
    }
}
