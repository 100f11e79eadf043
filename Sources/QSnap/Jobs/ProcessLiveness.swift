import Foundation
import QSnapCore

/// Whether the process behind a lock or journal owner still exists — knowable only on the same host.
public enum ProcessLiveness {
    /// `true`/`false` for an owner on this host (`kill(pid, 0)`: a process that exists but belongs to another user
    /// counts as alive), `nil` for another host. A reused pid reads as alive: the safe direction.
    public static func isAlive(_ owner: RepositoryLock.Owner) -> Bool? {
        guard owner.host == ProcessInfo.processInfo.hostName else { return nil }
        guard owner.pid > 0 else { return false }
        if kill(owner.pid, 0) == 0 { return true }
        return errno == EPERM
    }
}
