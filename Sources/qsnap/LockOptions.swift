import ArgumentParser

/// The repository-lock options of commands that change a repository (`backup`, `verify`, `prune --yes`,
/// `forget --yes`, `tag`, `untag`, `pin`, `unpin`, `run`).
struct LockOptions: ParsableArguments {
    @Option(
        name: .customLong("wait-lock"),
        help:
            "Seconds to wait for another run's repository lock before giving up (exit 5; default: 0, for run the job's lock.wait)."
    )
    var requestedWaitLock: Double?

    @Option(help: "Seconds between writing the lock and reading it back on S3.")
    var lockSettle: Double = 2

    /// Seconds to wait for the lock: `--wait-lock`, else 0.
    var waitLock: Double { requestedWaitLock ?? 0 }

    func validate() throws {
        if let requestedWaitLock, requestedWaitLock < 0 { throw ValidationError("--wait-lock must be ≥ 0") }
        guard lockSettle >= 0 else { throw ValidationError("--lock-settle must be ≥ 0") }
    }
}
