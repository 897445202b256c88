import Testing
import Optimization

/// Overlap resolution by priority (lower number wins; equal numbers share).
@Suite struct PlanningStructureTests {
    @Test func lowerPriorityNumberWins() throws {
        let target = PlanningStructure(name: "PTV", overlapPriority: 1, mask: [0, 1, 1, 1, 0, 0])
        let organ = PlanningStructure(name: "Core", overlapPriority: 2, mask: [0, 0, 1, 1, 1, 0])
        let body = PlanningStructure(name: "BODY", overlapPriority: 3, mask: [1, 1, 1, 1, 1, 1])
        let shell = PlanningStructure(name: "Shell", overlapPriority: 2, mask: [0, 0, 0, 1, 1, 1])
        let rows = try PlanningStructure.resolveOverlaps([target, organ, body, shell])
        #expect(rows["PTV"] == [1, 2, 3])
        #expect(rows["Core"] == [4])
        #expect(rows["Shell"] == [4, 5])
        #expect(rows["BODY"] == [0])
    }

    @Test func rejectsMasksOfDifferentSize() {
        #expect(throws: OptimizationError.self) {
            try PlanningStructure.resolveOverlaps([PlanningStructure(name: "a", overlapPriority: 1, mask: [1]),
                                                   PlanningStructure(name: "b", overlapPriority: 1, mask: [1, 0])])
        }
    }
}
