import QSnapCore
import Testing

@Suite struct ProgressFiguresTests {
    let half = ProgressFigures(
        label: "http://n1:6333", done: 1 << 30, expected: 2 << 30, objectsDone: 1, objectsTotal: 2)

    @Test func rateAndEtaFollowTheElapsedTime() {
        #expect(half.rate(elapsed: 4) == Double(1 << 28))
        #expect(half.eta(elapsed: 4) == 4)
        #expect(ProgressFigures(label: "x", done: 5, expected: 5).eta(elapsed: 1) == nil)  // finished
        #expect(ProgressFigures(label: "x", done: 0, expected: 5).eta(elapsed: 1) == nil)  // no rate yet
    }

    @Test func aTerminalLineHasABarAmountsRateEtaAndObjects() {
        let line = half.terminalLine(elapsed: 4, width: 10, color: false)
        #expect(line == "http://n1:6333 [█████·····]  50%  1.0 GiB / 2.0 GiB  256.0 MiB/s  ETA 4 s  1/2 objects")
        let colored = half.terminalLine(elapsed: 4, width: 10, color: true)
        #expect(colored.contains("\u{1B}[32m█████·····\u{1B}[0m"))
        #expect(!line.contains("\u{1B}"))
        // Nothing expected yet: no percentage, no ETA.
        #expect(
            ProgressFigures(label: "v", done: 0, expected: 0).terminalLine(elapsed: 1, width: 4, color: false)
                == "v [····]   ?%  0 B  0 B/s")
    }

    @Test func aLogLineIsOneSentence() {
        #expect(
            half.logLine(elapsed: 4) == "http://n1:6333: 1.0 GiB of 2.0 GiB (50%), 256.0 MiB/s, ETA 4 s, 1/2 objects")
        let points = ProgressFigures(label: "docs → docs2", unit: .points, done: 500, expected: 2000)
        #expect(points.logLine(elapsed: 10) == "docs → docs2: 500 points of 2000 points (25%), 50 points/s, ETA 30 s")
    }

    @Test func durationsReadNaturally() {
        #expect(ProgressFigures.duration(42) == "42 s")
        #expect(ProgressFigures.duration(185) == "3 min 5 s")
        #expect(ProgressFigures.duration(7260) == "2 h 1 min")
    }
}
