import Foundation
import QSnapCore
import S3

/// Copies between one S3 object and a local file or standard input/output (`qsnap repo cp` and `cat`). A download
/// goes through a temporary file beside the destination, renamed into place once complete; an upload larger than
/// one part is a multipart upload that an interrupted run can resume.
public struct ObjectCopy: Sendable {
    /// The local side of a copy.
    public enum LocalEnd: Sendable, Hashable {
        /// A file (a directory as a download's destination: the object keeps its name in it).
        case file(String)
        /// Standard input (upload) or standard output (download).
        case standardStream

        /// The local side `location` names, `nil` for an S3 location.
        public init?(_ location: RepositoryLocation) {
            switch location {
            case .local(let path): self = .file(path)
            case .standardStream: self = .standardStream
            case .s3: return nil
            }
        }

        /// The path, `-` for standard input/output.
        public var path: String {
            switch self {
            case .file(let path): return path
            case .standardStream: return "-"
            }
        }
    }

    /// What an upload stored.
    public struct Upload: Sendable, Hashable {
        /// The key written.
        public var key: String
        /// What the store answered: ETag, size, upload id and part count.
        public var stored: S3Client.UploadResult
        /// Parts of a resumed upload that were already stored (and identical), 0 for a new upload.
        public var reusedParts: Int { stored.reusedParts }

        /// Creates a result.
        public init(key: String, stored: S3Client.UploadResult) {
            self.key = key
            self.stored = stored
        }
    }

    /// What a download wrote.
    public struct Download: Sendable, Hashable {
        /// The key read.
        public var key: String
        /// Where the object went (inside a directory given as destination: the file in it).
        public var destination: LocalEnd
        /// Bytes written.
        public var bytes: Int64

        /// Creates a result.
        public init(key: String, destination: LocalEnd, bytes: Int64) {
            self.key = key
            self.destination = destination
            self.bytes = bytes
        }
    }

    /// The bucket's client.
    public let client: S3Client

    /// A copier for objects of `client`'s bucket.
    public init(client: S3Client) {
        self.client = client
    }

    /// The key an upload of `source` to `key` writes: `key`, or `key` followed by the file's name when `key` is empty
    /// or ends in `/`.
    public static func uploadKey(_ key: String, for source: LocalEnd) -> String {
        guard key.isEmpty || key.hasSuffix("/") else { return key }
        return key + (source.path as NSString).lastPathComponent
    }

    /// Where a download of `key` to `destination` writes: into an existing directory under the key's last path
    /// component, else `destination` itself.
    public static func downloadTarget(_ destination: LocalEnd, for key: String) -> LocalEnd {
        guard case .file(let path) = destination else { return destination }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return destination
        }
        return .file(path + "/" + (key as NSString).lastPathComponent)
    }

    /// Downloads `key` to `destination` (see ``downloadTarget(_:for:)``); a file is written under a temporary name
    /// beside it, flushed and renamed into place, so an interrupted download leaves no partial file.
    ///
    /// - Throws: `QSnapError` `.repoWrite` when the file cannot be created or written, or the store's
    ///   error.
    public func download(key: String, to destination: LocalEnd) async throws -> Download {
        let target = Self.downloadTarget(destination, for: key)
        var bytes: Int64 = 0
        guard case .file(let path) = target else {
            try await client.getObject(key: key) { chunk in
                try Self.writeAll(STDOUT_FILENO, chunk)
                bytes += Int64(chunk.count)
            }
            return Download(key: key, destination: target, bytes: bytes)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let temp =
            (directory.isEmpty ? "." : directory) + "/.qsnap-tmp-\(getpid())-" + ((path as NSString).lastPathComponent)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw QSnapError(.repoWrite, "cannot create \(temp): \(String(cString: strerror(errno)))")
        }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        try await client.getObject(key: key) { chunk in
            try Self.writeAll(fd, chunk)
            bytes += Int64(chunk.count)
        }
        guard fsync(fd) == 0, rename(temp, path) == 0 else {
            throw QSnapError(
                .repoWrite, "cannot finish writing \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
        return Download(key: key, destination: target, bytes: bytes)
    }

    private static func writeAll(_ fd: Int32, _ chunk: [UInt8]) throws {
        guard chunk.withUnsafeBytes({ POSIXFile.writeAll(fd, $0) }) else {
            throw QSnapError(.repoWrite, "writing the object failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Uploads `source` to `key` (see ``uploadKey(_:for:)``). With `resume`, continues the newest incomplete upload
    /// of the same key (or `uploadID`); parts already stored and identical are skipped.
    ///
    /// - Throws: `QSnapError` `.repoCannotOpen` when the file cannot be opened, or the upload's error; when an
    ///   upload of a file fails, its stored parts are kept and the message says how to resume or discard them.
    public func upload(
        from source: LocalEnd, to key: String, options baseOptions: S3ObjectWriter.Options, resume: Bool,
        uploadID: String?
    ) async throws -> Upload {
        let key = Self.uploadKey(key, for: source)
        let path = source.path
        let fd = source == .standardStream ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw QSnapError(.repoCannotOpen, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var options = baseOptions
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { options.expectedSize = Int64(info.st_size) }
        if let uploadID {
            options.resumeUploadID = uploadID
        } else if resume {
            let candidates = try await client.listMultipartUploads(prefix: key).filter { $0.key == key }
            if let newest = candidates.max(by: { $0.initiated < $1.initiated }) {
                options.resumeUploadID = newest.uploadID
            } else {
                client.logger.notice("no incomplete upload of \(client.displayName(key)) to resume; starting a new one")
            }
        }
        let fromFile = options.expectedSize != nil && source != .standardStream
        // Only a file's parts can be resumed: they are kept when its upload fails.
        options.keepPartsOnFailure = fromFile
        do {
            let result = try await S3ObjectWriter.upload(client: client, key: key, options: options) { writer in
                if fromFile {
                    try await writer.write(filePath: path)
                } else {
                    try await writer.write(fromFileDescriptor: fd)
                }
            }
            if result.reusedParts > 0 {
                client.logger.notice("resumed: \(result.reusedParts) part(s) were already stored")
            }
            return Upload(key: key, stored: result)
        } catch let interrupted as S3ObjectWriter.Interrupted {
            let error = QSnapError(mapping: interrupted.cause, else: .s3Upload) {
                "the upload of \(client.displayName(key)) failed: \($0)"
            }
            throw QSnapError(
                error.code,
                error.message + ". The parts stored so far are kept (upload id \(interrupted.uploadID)): run the same "
                    + "command with --resume to continue, or `qsnap repo uploads --abort \(client.displayName(key))` "
                    + "to discard them",
                cause: error.cause)
        }
    }
}
