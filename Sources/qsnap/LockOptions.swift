import ArgumentParser

/// The repository-lock options of commands that change a repository (`backup`, `prune --yes`, `forget --yes`,
/// `tag`, `untag`, `pin`, `unpin`).
struct LockOptions: ParsableArguments {
    @Option(help: "Seconds to wait for another run's repository lock before giving up (exit 5).")
    var waitLock: Double = 0

    @Option(help: "Seconds between writing the lock and reading it back on S3.")
    var lockSettle: Double = 2

    func validate() throws {
        guard waitLock >= 0 else { throw ValidationError("--wait-lock must be ≥ 0") }
        guard lockSettle >= 0 else { throw ValidationError("--lock-settle must be ≥ 0") }
    }
}
