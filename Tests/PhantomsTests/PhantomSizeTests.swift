import Testing
@testable import Phantoms

@Suite struct PhantomSizeTests {
    @Test func presetsAndParsing() throws {
        #expect(try PhantomSize(parsing: "small") == .small)
        #expect(try PhantomSize(parsing: "default") == .standard)
        #expect(try PhantomSize(parsing: "LARGE") == .large)
        #expect(try PhantomSize(parsing: "96x80x48") == PhantomSize(nx: 96, ny: 80, nz: 48))
        #expect(PhantomSize.standard.description == "128x128x64")
    }

    @Test func invalidSizesAreRejected() {
        #expect(throws: PhantomError.self) { try PhantomSize(nx: 8, ny: 64, nz: 40) }
        #expect(throws: PhantomError.self) { try PhantomSize(nx: 64, ny: 64, nz: 2000) }
        #expect(throws: PhantomError.self) { try PhantomSize(parsing: "64x64") }
        #expect(throws: PhantomError.self) { try PhantomSize(parsing: "huge") }
    }
}
