import Foundation
import HTTP
import Logging
import QSnapCore
import Qdrant

/// `qsnap doctor`: one checklist over the source and target Qdrant deployments and the repository, each line PASS,
/// WARN or FAIL with the figure behind it. It reads only; on the repository it writes, reads and deletes one small and
/// one multipart probe object under `doctor/`, and removes them.
public struct Doctor: Sendable {
    /// One deployment to check.
    public struct Cluster: Sendable {
        public var urls: [String]
        public var connection: QdrantConnection
        public init(urls: [String], connection: QdrantConnection) {
            self.urls = urls
            self.connection = connection
        }
    }

    public var source: Cluster?
    public var target: Cluster?
    /// The repository, or why it could not be opened.
    public var repository: Result<any Repository, QSnapError>?
    /// The collections backup and restore would touch (default: all).
    public var collections: [String]?
    public let logger: Logger

    /// Creates a doctor.
    public init(
        source: Cluster?, target: Cluster?, repository: Result<any Repository, QSnapError>?,
        collections: [String]?, logger: Logger
    ) {
        self.source = source
        self.target = target
        self.repository = repository
        self.collections = collections
        self.logger = logger
    }

    /// Runs every check; never throws (a failure is a FAIL line).
    public func run() async -> DoctorReport {
        var report = DoctorReport()
        var sourceFacts: ClusterFacts?
        var targetFacts: ClusterFacts?
        if let source { sourceFacts = await check(source, role: "source", into: &report) }
        if let target { targetFacts = await check(target, role: "target", into: &report) }
        if let s = sourceFacts, let t = targetFacts {
            let gate = VersionGate.evaluate(source: s.lowestVersion, target: t.lowestVersion)
            report.checks.append(
                .init(
                    scope: "source→target", check: "versions", status: gate.passed ? .pass : .fail,
                    detail: gate.detail))
            if let used = s.diskUsed, let free = t.diskFree {
                let ratio = free / max(used, 1)
                report.checks.append(
                    .init(
                        scope: "source→target", check: "disk", status: ratio >= 2 ? .pass : ratio >= 1 ? .warn : .fail,
                        detail: String(
                            format: "target free %@ = %.1f× the source's data %@ (a restore needs about 2×)",
                            ByteCount.format(Int64(free)), ratio, ByteCount.format(Int64(used)))))
            }
            if let sram = s.ram, let tram = t.ram {
                let ratio = Double(tram) / Double(max(sram, 1))
                report.checks.append(
                    .init(
                        scope: "source→target", check: "ram", status: ratio >= 1 ? .pass : .warn,
                        detail: String(
                            format: "target RAM %@ = %.1f× the source's %@", ByteCount.format(tram), ratio,
                            ByteCount.format(sram))))
            }
        }
        if let repository {
            switch repository {
            case .success(let repo): await RepositoryProbe(repository: repo, logger: logger).run(into: &report)
            case .failure(let error):
                report.checks.append(.init(scope: "repository", check: "open", status: .fail, detail: error.message))
            }
        }
        return report
    }

    /// What the checks of one deployment learnt, for the source→target lines.
    struct ClusterFacts {
        var lowestVersion: QdrantVersion
        var diskFree: Double?
        var diskUsed: Double?
        var ram: Int64?
    }

    private func check(_ cluster: Cluster, role: String, into report: inout DoctorReport) async -> ClusterFacts? {
        func add(_ check: String, _ status: DoctorReport.Status, _ detail: String) {
            report.checks.append(.init(scope: role, check: check, status: status, detail: detail))
        }
        guard let url = cluster.urls.first else { return nil }
        let shown = SafeURL.display(url)
        let client = cluster.connection.client(url, timeout: 30, logger: logger)
        let started = Date()
        let version: QdrantVersion
        do {
            version = try await client.serverInfo().version
        } catch let error as QdrantError {
            add(error.qdrantFailure?.isTLS ?? false ? "tls" : "reachable", .fail, error.message)
            return nil
        } catch {
            add("reachable", .fail, (error as? any MessageError)?.message ?? "\(shown): \(error)")
            return nil
        }
        add(
            "reachable", .pass,
            String(
                format: "Qdrant %@ answered in %.0f ms at %@", version.description,
                Date().timeIntervalSince(started) * 1000, shown))
        if url.lowercased().hasPrefix("https://") {
            let ca = cluster.connection.tls.caBundlePath.map { "the CA bundle \($0)" } ?? "the system trust store"
            let mtls = cluster.connection.tls.clientCertificatePath != nil ? ", with a client certificate" : ""
            add("tls", .pass, "https verified against \(ca)\(mtls)")
        } else {
            add("tls", .warn, "plain http: keys and data travel unencrypted; use https:// outside a trusted network")
        }
        // Auth and permission level, against what this role's operations need.
        do {
            let level = try await QdrantAccessCheck(role: role, client: client, logger: logger).level()
            let origin =
                cluster.connection.credential.map { " (\($0.isJWT ? "JWT" : "api key") from \($0.origin))" } ?? ""
            if role == "source" {
                var names = collections ?? []
                if collections == nil { names = (try? await client.listCollections()) ?? [] }
                let denied = names.filter { !level.canWrite($0) }
                if denied.isEmpty {
                    add(
                        "auth", cluster.connection.credential == nil ? .warn : .pass,
                        "\(level)\(origin)"
                            + (cluster.connection.credential == nil
                                ? ": no key, the server accepts anyone" : ": backup can create snapshots"))
                } else {
                    add(
                        "auth", .fail,
                        "\(level)\(origin): backup needs write access to \(denied.joined(separator: ", "))")
                }
            } else {
                add(
                    "auth", level.canManage ? (cluster.connection.credential == nil ? .warn : .pass) : .fail,
                    "\(level)\(origin)"
                        + (level.canManage
                            ? (cluster.connection.credential == nil
                                ? ": no key, the server accepts anyone" : ": restore can recover and switch aliases")
                            : ": restore needs manage access (a read-write key)"))
            }
        } catch {
            add("auth", .fail, QSnapError.message(of: error))
            return nil
        }
        // Every node, its version, and whether each could be reached.
        let found: DiscoveredNodes
        do {
            found = try await DiscoveredNodes.discover(
                urls: cluster.urls, connection: cluster.connection, logger: logger)
        } catch {
            add("nodes", .fail, QSnapError.message(of: error))
            return nil
        }
        let versions = found.nodes.map { "peer \($0.peerId) \($0.version) (\($0.url))" }
        let known = await (try? client.cluster().peers.count) ?? found.nodes.count
        let lowest = found.nodes.map(\.version).min() ?? version
        if found.clusterEnabled, known > found.nodes.count {
            add(
                "nodes", .fail,
                "\(found.nodes.count) of \(known) peers reachable: \(versions.joined(separator: ", ")); give "
                    + "the others with --node-url PEER=URL")
        } else if Set(found.nodes.map(\.version.description)).count > 1 {
            add("nodes", .warn, "mixed versions: " + versions.joined(separator: ", "))
        } else {
            add("nodes", .pass, "\(found.nodes.count) node(s): " + versions.joined(separator: ", "))
        }
        // Cluster health: every replica of every collection Active, no transfer running.
        var bad: [String] = []
        var replicas = 0
        var names = collections ?? []
        if collections == nil { names = (try? await client.listCollections()) ?? [] }
        for name in names {
            for node in found.nodes {
                guard let view = try? await found.client(node).collectionCluster(name) else {
                    bad.append("\(name) on peer \(node.peerId): unreadable")
                    continue
                }
                replicas += view.localShards.count
                for shard in view.localShards where shard.state != "Active" {
                    bad.append("\(name) shard \(shard.shardId) on peer \(node.peerId) is \(shard.state)")
                }
                if view.shardTransfers > 0 { bad.append("\(name): \(view.shardTransfers) transfer(s) running") }
            }
        }
        add(
            "health", bad.isEmpty ? .pass : .fail,
            bad.isEmpty
                ? "\(names.count) collection(s), \(replicas) local replica(s), all Active"
                : bad.prefix(5).joined(separator: "; "))
        // Disk and RAM of the nodes.
        var free: Double?
        var used: Double?
        var ram: Int64?
        for node in found.nodes {
            let c = found.client(node)
            guard let telemetry = try? await c.telemetry(detailsLevel: 1) else { continue }
            ram = (ram ?? 0) + (telemetry.ramSizeBytes ?? 0)
            if let size = telemetry.diskSizeBytes, let quotas = try? await c.quotas(),
                let percent = quotas.peers[node.peerId]?.diskUsagePercent ?? quotas.diskUsagePercent
            {
                let f = Double(DiskGate.freeBytes(diskSizeBytes: size, usagePercent: percent))
                free = free.map { min($0, f) } ?? f
                used = (used ?? 0) + Double(size) - f
            }
        }
        if let free {
            add(
                "disk", .pass,
                "least free disk on a node \(ByteCount.format(Int64(free))); used \(ByteCount.format(Int64(used ?? 0)))"
            )
        } else {
            add(
                "disk", .warn,
                "the nodes report no disk figures (telemetry/quotas): the disk gate will need --storage-path or --force-disk"
            )
        }
        if let ram { add("ram", .pass, "\(ByteCount.format(ram)) across \(found.nodes.count) node(s)") }
        return ClusterFacts(lowestVersion: lowest, diskFree: free, diskUsed: used, ram: ram)
    }
}
