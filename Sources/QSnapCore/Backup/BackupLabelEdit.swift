/// A change to a backup's labels (``BackupLabels``): what `qsnap tag`, `untag`, `pin` and `unpin` do.
public enum BackupLabelEdit: Sendable, Equatable {
    /// Adds tags (already present ones are kept once).
    case tag([String])
    /// Removes tags (absent ones are ignored).
    case untag([String])
    /// Pins the backup.
    case pin
    /// Unpins the backup.
    case unpin

    /// The command name, for messages and the lock purpose (`tag`, `untag`, `pin`, `unpin`).
    public var name: String {
        switch self {
        case .tag: return "tag"
        case .untag: return "untag"
        case .pin: return "pin"
        case .unpin: return "unpin"
        }
    }
}
