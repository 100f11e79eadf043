import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap list`: the backups in a repository.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the backups in a repository (only those with a manifest exist).")

    @OptionGroup var globals: GlobalOptions

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var s3: RepositoryOptions

    struct Row: Codable {
        var id: String
        var completedAt: String
        var kind: BackupKind
        var qdrantVersion: String
        var collections: [String]
        var objects: Int
        var bytes: Int64
        var incomplete: Bool
        var tags: [String]
        var pinned: Bool
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let repository = try await s3.open(repo, logger: logger)
            let keys = try await repository.list(prefix: BackupLayout.backupsFolder).map(\.key)
            let ids = try await ManifestStore.backupIDs(in: repository)
            var rows: [Row] = []
            for id in ids {
                let m = try await ManifestStore.read(id, from: repository)
                rows.append(
                    Row(
                        id: id, completedAt: m.completedAt, kind: m.kind, qdrantVersion: m.source.qdrantVersion,
                        collections: m.collections.map(\.name), objects: m.objects.count, bytes: m.totalBytes,
                        incomplete: false, tags: m.labels.tags, pinned: m.labels.pinned))
            }
            let interrupted = Set(
                keys.filter { $0.hasSuffix("/progress.json") }.compactMap(BackupLayout.backupID(inKey:))
            )
            .subtracting(ids).sorted()
            if globals.json {
                try JSONOutput.print([
                    "backups": rows.map { AnyEncodable($0) }, "interrupted": interrupted.map { AnyEncodable($0) },
                ])
                return
            }
            if rows.isEmpty { print("no backups in \(repo)") }
            for r in rows {
                let labels = (r.pinned ? ["pinned"] : []) + r.tags.map { "#\($0)" }
                print(
                    "\(r.id)  \(r.completedAt)  \(r.kind.rawValue)  qdrant \(r.qdrantVersion)  \(r.objects) objects  \(ByteCount.format(r.bytes))  \(r.collections.joined(separator: ","))"
                        + (labels.isEmpty ? "" : "  " + labels.joined(separator: " ")))
            }
            for id in interrupted { print("\(id)  interrupted (no manifest; a re-run of the same backup resumes it)") }
        }
    }
}

/// Type-erased `Encodable` for small heterogeneous JSON documents.
struct AnyEncodable: Encodable {
    let encodeTo: (any Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeTo = value.encode }
    func encode(to encoder: any Encoder) throws { try encodeTo(encoder) }
}
