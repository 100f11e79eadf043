import Foundation
import HTTP
import QSnap
import QSnapCore
import S3

/// The blocking transfers behind `qsnap repo cp` and `cat`.
enum RepoTransfer {
    /// Downloads `key` to `path` (`-` = standard output) through a temporary file renamed into place.
    static func download(client: S3Client, key: String, to path: String) throws {
        if path == "-" {
            try client.getObject(key: key) { chunk in try writeAll(STDOUT_FILENO, chunk) }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let temp =
            (directory.isEmpty ? "." : directory) + "/.qsnap-tmp-\(getpid())-" + ((path as NSString).lastPathComponent)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw QSnapError(.failure("repo.write"), "cannot create \(temp): \(String(cString: strerror(errno)))")
        }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temp) }
        }
        try client.getObject(key: key) { chunk in try writeAll(fd, chunk) }
        guard fsync(fd) == 0, rename(temp, path) == 0 else {
            throw QSnapError(
                .failure("repo.write"), "cannot finish writing \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
    }

    static func writeAll(_ fd: Int32, _ chunk: UnsafeRawBufferPointer) throws {
        guard POSIXFile.writeAll(fd, chunk) else {
            throw QSnapError(.failure("repo.write"), "writing the object failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Uploads `path` (`-` = standard input) to `key`. With `resume`, continues the newest incomplete upload of the
    /// same key (or `uploadID`); parts already stored and identical are skipped.
    static func upload(
        client: S3Client, from path: String, key: String, options baseOptions: S3ObjectWriter.Options, resume: Bool,
        uploadID: String?
    ) throws -> S3Client.UploadResult {
        let fd = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw QSnapError(.usage("repo.read"), "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        var options = baseOptions
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { options.expectedSize = Int64(info.st_size) }
        if let uploadID {
            options.resumeUploadID = uploadID
        } else if resume {
            let candidates = try client.listMultipartUploads(prefix: key).filter { $0.key == key }
            if let newest = candidates.max(by: { $0.initiated < $1.initiated }) {
                options.resumeUploadID = newest.uploadID
            } else {
                client.logger.notice("no incomplete upload of \(client.displayName(key)) to resume; starting a new one")
            }
        }
        let writer = try S3ObjectWriter(client: client, key: key, options: options)
        do {
            if options.expectedSize != nil && path != "-" {
                try writer.write(filePath: path)
            } else {
                try writer.write(fromFileDescriptor: fd)
            }
            let result = try writer.finish()
            if writer.reusedParts > 0 {
                client.logger.notice("resumed: \(writer.reusedParts) part(s) were already stored")
            }
            return result
        } catch let error as QSnapError {
            guard let id = writer.uploadID else { throw error }
            if path == "-" || (options.expectedSize == nil) {
                writer.abort()
                throw error
            }
            throw QSnapError(
                error.code,
                error.message + ". The parts stored so far are kept (upload id \(id)): run the same command with "
                    + "--resume to continue, or `qsnap repo uploads --abort \(client.displayName(key))` to discard them",
                cause: error.cause)
        }
    }
}
