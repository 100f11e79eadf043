import QSnap
import QSnapCore

/// Prints `qsnap snapshot create|list` rows: node, name, size, checksum.
enum SnapshotEntryPrinter {
    static func print(_ entries: [ServerSnapshotEntry]) {
        for e in entries {
            Swift.print("\(e.node)  \(e.name)  \(ByteCount.format(e.size))  sha256 \(e.checksum ?? "-")")
        }
    }
}
