import Archive
import Foundation
import Logging
import QSnapCore

/// Re-reads every object of a backup: size and SHA-256 against the manifest, and a deep inspection of each archive
/// (every entry checked, nested segment archives included), streamed — nothing is written locally.
public struct BackupVerifier {
    /// The outcome for one object.
    public struct ObjectResult: Sendable, Codable {
        public var key: String
        public var ok: Bool
        public var size: Int64
        public var sha256: String?
        public var kind: String?
        public var problem: String?
        /// The error code of the problem (e.g. `verify.sha256`, `crypto.tampered`).
        public var code: String?
    }

    /// The outcome of a verification.
    public struct Outcome: Sendable, Codable {
        public var id: String
        public var ok: Bool
        public var objects: [ObjectResult]
        public var bytes: Int64
        public var verifiedAt: String
        /// Keys of objects whose manifest records no SHA-256 (server-side copies): ``recordChecksums(of:lock:)`` fills
        /// them in from this verification.
        public var unrecorded: [String] = []
        /// How many SHA-256 values ``recordChecksums(of:lock:)`` wrote into the manifest.
        public var recorded: Int = 0
    }

    let repository: any Repository
    let logger: Logger
    /// Bytes and objects read so far (line `verify`), for a progress display.
    public let progress = TransferProgress()

    public init(repository: any Repository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// Verifies backup `id`; records a successful verification as `backups/<id>/verification.json`.
    /// - Throws: `verificationFailed("verify.failed")` when any object is missing, differs or is not a sound archive.
    public func verify(_ id: String) async throws -> Outcome {
        let manifest = try await ManifestStore.read(id, from: repository)
        var results: [ObjectResult] = []
        progress.plan(node: "verify \(id)", objects: manifest.objects.count)
        progress.expect(node: "verify \(id)", bytes: manifest.totalBytes)
        for object in manifest.objects {
            await results.append(check(object))
            progress.add(node: "verify \(id)", bytes: object.size)
            progress.objectDone(node: "verify \(id)")
        }
        let ok = results.allSatisfy(\.ok)
        let result = Outcome(
            id: id, ok: ok, objects: results, bytes: results.reduce(0) { $0 + $1.size },
            verifiedAt: ISO8601DateFormatter().string(from: Date()),
            unrecorded: manifest.objects.filter { $0.sha256 == nil }.map(\.key))
        if ok {
            try await repository.put(
                key: BackupLayout.folder(id) + "verification.json", bytes: ManifestStore.encode(result))
        }
        return result
    }

    /// Writes the SHA-256 this verification computed into the manifest for every object that has none (server-side
    /// copies: Qdrant reports no checksum for snapshots it stores on S3), so that later restores and verifications
    /// check against it. Only after a verification that passed; the manifest is rewritten atomically (the caller
    /// holds the repository lock, checked just before the write).
    /// - Returns: `outcome` with ``Outcome/recorded`` set.
    public func recordChecksums(of outcome: Outcome, lock: HeldRepositoryLock?) async throws -> Outcome {
        var outcome = outcome
        guard outcome.ok, !outcome.unrecorded.isEmpty else { return outcome }
        var manifest = try await ManifestStore.read(outcome.id, from: repository)
        let computed = Dictionary(
            outcome.objects.compactMap { r in r.sha256.map { (r.key, $0) } }, uniquingKeysWith: { a, _ in a })
        var count = 0
        for i in manifest.objects.indices where manifest.objects[i].sha256 == nil {
            guard let sha = computed[manifest.objects[i].key] else { continue }
            manifest.objects[i].sha256 = sha
            count += 1
        }
        guard count > 0 else { return outcome }
        try lock?.ensureHeld()
        try await ManifestStore.write(manifest, to: repository)
        outcome.recorded = count
        outcome.unrecorded = manifest.objects.filter { $0.sha256 == nil }.map(\.key)
        logger.notice(
            "backup \(outcome.id): recorded the SHA-256 of \(count) server-side copied object(s) in its manifest")
        return outcome
    }

    func check(_ object: BackupManifest.Object) async -> ObjectResult {
        var result = ObjectResult(key: object.key, ok: false, size: 0, sha256: nil, kind: nil, problem: nil, code: nil)
        do {
            let report = try await inspect(object)
            result.size = report.archive.bytes
            result.sha256 = report.archive.sha256
            result.kind = report.kind.rawValue
            result.ok = true
        } catch {
            if let error = QSnapError(mapping: error) {
                result.problem = error.message
                result.code = error.code.identifier
            } else {
                result.problem = "\(error)"
            }
        }
        if let problem = result.problem {
            logger.error("\(object.key): \(problem)")
        } else {
            logger.info("\(object.key): ok")
        }
        return result
    }

    /// Reads one object and checks it: present, the manifest's size, the manifest's SHA-256, and a sound Qdrant
    /// snapshot at every level (deep inspection).
    /// - Throws: `verificationFailed` (missing, size or checksum mismatch) or `refused` (unsafe or damaged archive),
    ///   naming the object and the defect.
    public func inspect(_ object: BackupManifest.Object) async throws -> SnapshotReport {
        try await Self.checkPresent(object, in: repository)
        let report = try await inspectStream(object)
        guard report.archive.bytes == object.size else {
            throw QSnapError(
                .verifySize,
                "\(object.key): read \(report.archive.bytes) bytes, the manifest says \(object.size)")
        }
        return report
    }

    /// The object is in `repository` with the manifest's size (a HEAD, no read).
    /// - Throws: `verificationFailed` (`verify.missing` or `verify.size`).
    static func checkPresent(_ object: BackupManifest.Object, in repository: any Repository) async throws {
        guard let head = try await repository.head(key: object.key) else {
            throw QSnapError(.verifyMissing, "\(object.key) is missing from the repository")
        }
        // An encrypted object's chunks authenticate its length and completeness as it is read, naming the exact
        // chunk that was dropped or cut; a size comparison here would only hide which.
        guard object.storedSize != nil || head.size == object.expectedStoredSize else {
            throw QSnapError(
                .verifySize,
                "\(object.key) holds \(head.size) bytes, the manifest says \(object.expectedStoredSize)")
        }
    }

    /// Deep inspection with the manifest's SHA-256 as the expected checksum.
    private func options(for object: BackupManifest.Object) -> InspectOptions {
        InspectOptions(expectedSHA256: object.sha256, checksumSource: "manifest", computeSHA256: true, deep: true)
    }

    /// Streams the object into the inspector (deep, hashing) on an ``ArchiveWorkers`` thread; a local object is
    /// read from its file there.
    private func inspectStream(_ object: BackupManifest.Object) async throws -> SnapshotReport {
        let options = options(for: object)
        let key = object.key
        if let root = repository.localRoot {
            let path = try LocalRepository.path(of: key, root: root)
            return try await ArchiveWorkers.run { try SnapshotInspector.inspect(path: path, options: options) }
        }
        let feed = ArchiveFeed()
        let repository = self.repository
        let name = (key as NSString).lastPathComponent
        return try await withThrowingTaskGroup(of: StreamPart.self) { group in
            group.addTask {
                do {
                    try await repository.get(key: key) { bytes in
                        if !bytes.isEmpty { try await feed.push(ArchiveChunk(copying: bytes)) }
                    }
                    feed.finish()
                    return .read(nil)
                } catch let error as ArchiveError where error.code == .feedClosed {
                    return .read(nil)  // the inspector stopped reading: its verdict is the outcome
                } catch {
                    let failure = QSnapError(mapping: error, else: .verifyRead) { "reading \(key) failed: \($0)" }
                    feed.finish(failure)
                    return .read(failure)
                }
            }
            group.addTask {
                do {
                    return .inspected(
                        .success(
                            try await ArchiveWorkers.run {
                                try SnapshotInspector.inspect(
                                    feed: feed, displayPath: key, fileName: name, options: options)
                            }))
                } catch {
                    feed.close()
                    return .inspected(
                        .failure(QSnapError(mapping: error, else: .verifyInspect)))
                }
            }
            var readFailure: QSnapError?
            var inspected: Result<SnapshotReport, QSnapError>?
            for try await part in group {
                switch part {
                case .read(let failure): readFailure = failure
                case .inspected(let result): inspected = result
                }
            }
            // A failed read from the repository explains a truncated stream better than the inspector's complaint.
            if let readFailure { throw readFailure }
            return try inspected!.get()
        }
    }

    /// What each half of ``inspectStream(_:)`` ends with.
    private enum StreamPart: Sendable {
        case read(QSnapError?)
        case inspected(Result<SnapshotReport, QSnapError>)
    }
}
