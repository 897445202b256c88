import Testing
@testable import Planning

@Test func planningErrorDescribesItself() {
    #expect(PlanningError("structure 'x' is unknown").description == "structure 'x' is unknown")
}
