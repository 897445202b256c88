import Testing
@testable import Core

@Suite struct CountedTests {
    @Test func singularForOneOnly() {
        #expect(counted(1, "attempt") == "1 attempt")
        #expect(counted(0, "phase") == "0 phases")
        #expect(counted(3, "rank") == "3 ranks")
        #expect(counted(2, "matrix", plural: "matrices") == "2 matrices")
    }
}
