import Testing

@testable import QSnapCore

@Suite struct DiskGateTests {
    @Test(arguments: [
        (Int64(1000), 0, Int64(1000)),
        (Int64(1000), 100, Int64(0)),
        (Int64(1000), 90, Int64(100)),
        (Int64(1 << 20), 90, Int64(104_857)),
        (Int64(1000), 120, Int64(0)),  // clamped
        (Int64(1000), -5, Int64(1000)),  // clamped
        (Int64(400_000_000_000_000), 37, Int64(252_000_000_000_000)),  // no overflow
    ])
    func freeBytes(size: Int64, percent: Int, free: Int64) {
        #expect(DiskGate.freeBytes(diskSizeBytes: size, usagePercent: percent) == free)
    }

    @Test(arguments: [
        (Int64(100), Int64(200), true),  // exactly 2×
        (Int64(100), Int64(199), false),
        (Int64(0), Int64(0), true),  // a node that receives nothing
    ])
    func twiceTheIncomingBytes(incoming: Int64, free: Int64, passes: Bool) {
        let r = DiskGate.evaluate(nodes: [
            .init(url: "http://n1", incomingBytes: incoming, freeBytes: free, freeSource: "statvfs")
        ])
        #expect(r.passed == passes)
        #expect(r.figures["http://n1.needBytes"] == String(incoming * 2))
        #expect(r.figures["http://n1.freeBytes"] == String(free))
    }

    @Test func everyNodeCountsAndTheFailingOneIsNamed() {
        let r = DiskGate.evaluate(nodes: [
            .init(url: "http://n1", incomingBytes: 10, freeBytes: 1000, freeSource: "telemetry+quotas"),
            .init(url: "http://n2", incomingBytes: 600, freeBytes: 1000, freeSource: "telemetry+quotas"),
        ])
        #expect(!r.passed)
        #expect(r.detail.contains("http://n2"))
        #expect(!r.detail.contains("http://n1 "))
    }

    @Test func unknownFreeSpaceFails() {
        let r = DiskGate.evaluate(nodes: [
            .init(url: "http://n1", incomingBytes: 10, freeBytes: nil, freeSource: "telemetry+quotas")
        ])
        #expect(!r.passed)
        #expect(r.figures["http://n1.freeBytes"] == "unknown")
        #expect(r.detail.contains("--storage-path"))
    }
}
