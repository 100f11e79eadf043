// The archive-inspector fuzz target. Built with `-sanitize=fuzzer -DFUZZING` (scripts/fuzz.sh) it is a libFuzzer
// binary; a normal build makes a tool that replays a corpus: `QSnapFuzz DIR...`.
import Foundation

#if FUZZING
    nonisolated(unsafe) private var harness: FuzzHarness?

    /// libFuzzer's entry point: one input per call.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        if harness == nil { harness = FuzzHarness() }
        harness!.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    private func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    // SwiftPM gives every executable its own `main`, so libFuzzer's is not linked: hand the arguments to its driver.
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, fuzzTestOneInput))
#else
    exit(CorpusReplay.main(Array(CommandLine.arguments.dropFirst())))
#endif
