import ArgumentParser
import QSnap
import QSnapCore

/// `--wait/--no-wait`, `--timeout` and `--poll-interval` of the Cloud commands that start long work.
struct CloudWaitFlags: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Wait until the operation SUCCEEDS (or fails) before returning.")
    var wait = true

    @Option(help: "The longest wait, e.g. 45m, 2h (units w, d, h, m, s).")
    var timeout: String = "1h"

    @Option(help: "Time between two status polls, e.g. 10s.")
    var pollInterval: String = "10s"

    func validate() throws {
        _ = try parsed()
    }

    /// The wait settings, or `nil` with `--no-wait`.
    func options() throws -> CloudWaitOptions? {
        wait ? try parsed() : nil
    }

    private func parsed() throws -> CloudWaitOptions {
        guard let t = CloudDuration.seconds(timeout), t > 0 else {
            throw ValidationError("--timeout \(timeout) is not a positive duration (e.g. 1h, 90m, 3600s)")
        }
        guard let p = CloudDuration.seconds(pollInterval), p > 0 else {
            throw ValidationError("--poll-interval \(pollInterval) is not a positive duration (e.g. 10s)")
        }
        return CloudWaitOptions(timeout: t, pollInterval: p)
    }
}
