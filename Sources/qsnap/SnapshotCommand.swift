import ArgumentParser

/// `qsnap snapshot`: the per-node snapshot API as one tool, cluster-aware.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Ad-hoc server snapshots: create, list, download, delete and recover them on every node.",
        discussion: """
            The nodes of a cluster are discovered from the URLs given (as qsnap backup does). Without \
            --collection the commands act on full-storage snapshots (created on a single standalone node only); \
            with --collection on the collection's snapshots on every node holding a local replica; with --shard \
            on the shard's snapshots on the nodes holding it.

            Examples:
              qsnap snapshot create --qdrant http://n1:6333 --collection docs
              qsnap snapshot list --qdrant http://n1:6333 --collection docs --json
              qsnap snapshot download docs-123-2026-01-02-03-04-05.snapshot --qdrant http://n1:6333 --collection docs --output ./
              qsnap snapshot delete docs-123-2026-01-02-03-04-05.snapshot --qdrant http://n1:6333 --collection docs
              qsnap snapshot recover ./docs.snapshot --qdrant http://dr:6333 --collection docs

            Exit codes: 0 ok, 1 failure, 2 usage, 3 refused (unsafe archive, full snapshot in a cluster), \
            4 verification failed (checksum or size).
            """,
        subcommands: [
            SnapshotCreateCommand.self,
            SnapshotListCommand.self,
            SnapshotDownloadCommand.self,
            SnapshotDeleteCommand.self,
            SnapshotRecoverCommand.self,
        ])
}
