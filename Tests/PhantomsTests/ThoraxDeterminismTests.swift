import Core
import Testing
@testable import Phantoms

@Suite struct ThoraxDeterminismTests {
    @Test func sameSeedGivesIdenticalPhantoms() throws {
        let a = try PhantomFactory.thorax(seed: 42, size: .small)
        let b = try PhantomFactory.thorax(seed: 42, size: .small)
        #expect(a.ct == b.ct)
        #expect(a.structures == b.structures)
        #expect(a.isocentreMM == b.isocentreMM && a.seed == 42)
    }

    @Test func differentSeedsMoveTheTumour() throws {
        let a = try PhantomFactory.thorax(seed: 1, size: .small)
        let b = try PhantomFactory.thorax(seed: 2, size: .small)
        let ga = try #require(PhantomFactory.centreOfMass(a.m("gtv")))
        let gb = try #require(PhantomFactory.centreOfMass(b.m("gtv")))
        let d = ((ga - gb) * (ga - gb)).sum().squareRoot()
        #expect(d > 10, "GTV centres only \(d) mm apart")
        #expect(a.ct != b.ct)
    }

    @Test func blurAndContrastChangeOnlyTheImage() throws {
        let plain = try PhantomFactory.thorax(seed: 3, size: .small, noiseHU: 0)
        let varied = try PhantomFactory.thorax(seed: 3, size: .small, noiseHU: 0, blur: true, contrastHeart: true)
        #expect(plain.structures == varied.structures)
        #expect(abs(meanHU(plain.ct, plain.m("heart")) - 40) < 1)
        // Blur mixes the heart edge with lung, so the enhanced mean stays below 130 HU.
        #expect((80...130).contains(meanHU(varied.ct, varied.m("heart"))))
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: PhantomError.self) { try PhantomFactory.thorax(noiseHU: -1) }
        #expect(throws: PhantomError.self) { try PhantomFactory.thorax(ptvMarginMM: .nan) }
    }
}
