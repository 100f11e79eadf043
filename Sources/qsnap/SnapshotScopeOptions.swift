import ArgumentParser
import Qdrant

/// The nodes and the scope every `qsnap snapshot` subcommand takes.
struct SnapshotScopeOptions: ParsableArguments {
    @Option(help: "REST URL(s) of the node(s), comma-separated; the other peers of a cluster are discovered.")
    var qdrant: String

    @Option(help: "The collection (default: full-storage snapshots).")
    var collection: String?

    @Option(help: "A shard of --collection: its snapshots on the nodes holding it.")
    var shard: Int?

    @Option(help: "Api key (default: QDRANT_API_KEY).")
    var apiKey: String?

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    /// The nodes' connection: key, TLS, node URLs.
    func connection() throws -> QdrantConnection { try connectionOptions.connection(apiKey: apiKey) }

    /// The URLs given.
    var urls: [String] {
        qdrant.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The scope the flags name.
    var scope: SnapshotScope {
        guard let collection else { return .full }
        if let shard { return .shard(collection, shard) }
        return .collection(collection)
    }

    func validate() throws {
        guard !urls.isEmpty else { throw ValidationError("give --qdrant URL[,URL…]") }
        if shard != nil && collection == nil { throw ValidationError("--shard needs --collection") }
        if let shard, shard < 0 { throw ValidationError("--shard must be 0 or more") }
        if let collection, collection.isEmpty { throw ValidationError("--collection must not be empty") }
    }
}
