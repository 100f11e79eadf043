import Testing

@testable import QSnapCore

@Suite struct VersionGateTests {
    @Test(arguments: [
        ("1.18.2", "1.18.0", true),  // same minor, older patch
        ("1.18.2", "1.18.9", true),  // same minor
        ("1.18.2", "1.19.0", true),  // next minor
        ("1.16.3", "1.18.0", false),  // two minors newer
        ("1.16.3", "1.20.1", false),  // four minors newer
        ("1.18.2", "1.17.4", false),  // older target
        ("1.18.2", "2.18.2", false),  // another major
    ])
    func verdicts(source: String, target: String, passes: Bool) {
        let r = VersionGate.evaluate(source: QdrantVersion(source)!, target: QdrantVersion(target)!)
        #expect(r.gate == .version)
        #expect(r.passed == passes)
        #expect(r.figures["source"] == QdrantVersion(source)!.description)
        #expect(r.figures["target"] == QdrantVersion(target)!.description)
    }

    @Test func tooNewGivesTheUpgradePath() {
        let r = VersionGate.evaluate(source: QdrantVersion("1.16.3")!, target: QdrantVersion("1.18.0")!)
        #expect(r.detail.contains("1.16 → 1.17 → 1.18"))
        #expect(r.detail.contains("restore onto a 1.16.x deployment"))
    }

    @Test func olderTargetSaysToUpgradeIt() {
        let r = VersionGate.evaluate(source: QdrantVersion("1.18.2")!, target: QdrantVersion("1.17.0")!)
        #expect(r.detail.contains("older than the source"))
        #expect(r.detail.contains("upgrade the target to 1.18"))
    }

    @Test func upgradePath() {
        #expect(
            VersionGate.upgradePath(from: QdrantVersion("1.15.0")!, to: QdrantVersion("1.17.2")!) == [
                "1.15", "1.16", "1.17",
            ])
        #expect(VersionGate.upgradePath(from: QdrantVersion("1.17.0")!, to: QdrantVersion("1.15.0")!) == [])
    }

    @Test func forcingOnlyMarksAFailure() {
        let fail = VersionGate.evaluate(source: QdrantVersion("1.16.0")!, target: QdrantVersion("1.18.0")!)
        #expect(fail.refuses)
        #expect(fail.overridden(by: true).forced && !fail.overridden(by: true).refuses)
        #expect(fail.overridden(by: true).verdict == "FORCED")
        let pass = VersionGate.evaluate(source: QdrantVersion("1.18.0")!, target: QdrantVersion("1.18.0")!)
        #expect(!pass.overridden(by: true).forced)
        #expect(RestoreGateResult.Gate.version.overrideFlag == "--force-version")
        #expect(RestoreGateResult.Gate.alias.overrideFlag == "--take-over-alias")
    }

    @Test func eachGateRefusesUnderItsOwnCode() {
        for gate in RestoreGateResult.Gate.allCases {
            #expect(gate.refusalCode.identifier == "restore.gate-" + gate.rawValue)
            #expect(gate.refusalCode.category == .refused)
        }
    }
}
