import Archive
import Foundation
import QSnapCore

/// Runs one input through the archive inspector the three ways qsnap reads archives: streamed from a file descriptor
/// with every entry and nested segment archive checked (as `verify` and `inspect -` do), by path in the default
/// header mode that seeks over entry data (as `inspect FILE` does), and pulled from an ``ArchiveFeed`` in chunks (as a
/// restore inspects what it streams to a node).
///
/// The input lives in an unlinked memory-backed file (tmpfs), rewritten for every input; the path mode opens it again
/// through `/proc/self/fd`. Any thrown error is an accepted outcome (a refusal); a crash is a finding.
final class FuzzHarness {
    /// How the inputs fared.
    struct Tally {
        var inputs = 0
        var accepted = 0
        var refusals: [String: Int] = [:]
    }

    private let fd: Int32
    private let procPath: String
    private let encoder = JSONEncoder()
    /// A tighter bomb limit than qsnap's default (1 GiB) keeps every execution short; the logic is the same.
    static let expansionLimit = ExpansionLimit(ratio: 1000, floorBytes: 16 << 20)
    private(set) var tally = Tally()

    /// Creates the memory-backed input file.
    init() {
        var template = Array("/dev/shm/qsnap-fuzz-XXXXXX".utf8CString)
        var created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if created < 0 {
            template = Array((NSTemporaryDirectory() + "/qsnap-fuzz-XXXXXX").utf8CString)
            created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        }
        guard created >= 0 else { fatalError("cannot create the fuzz input file: \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        fd = created
        procPath = "/proc/self/fd/\(created)"
    }

    deinit { close(fd) }

    /// Inspects `data` the three ways.
    func run(_ data: UnsafeRawBufferPointer) {
        tally.inputs += 1
        load(data)
        var accepted = true
        var streamed = InspectOptions(computeSHA256: true, deep: true)
        streamed.expansionLimit = Self.expansionLimit
        var headers = InspectOptions(deep: false)
        headers.expansionLimit = Self.expansionLimit
        accepted =
            inspect {
                try SnapshotInspector.inspect(fileDescriptor: self.fd, displayPath: "fuzz-input", options: streamed)
            } && accepted
        accepted = inspect { try SnapshotInspector.inspect(path: self.procPath, options: headers) } && accepted
        accepted =
            inspect {
                try SnapshotInspector.inspect(feed: Self.feed(data), displayPath: "fuzz-input", options: streamed)
            } && accepted
        if accepted { tally.accepted += 1 }
    }

    /// A finished feed holding `data` in chunks of varied sizes (picked from the input's length), so chunk
    /// boundaries fall inside headers and entries. The whole input fits under the feed's limit, so pushing never waits.
    static func feed(_ data: UnsafeRawBufferPointer) throws -> ArchiveFeed {
        let feed = ArchiveFeed(limit: max(1, data.count) + 1)
        let sizes = [1, 7, 512, 4093, 65536]
        var offset = 0
        var turn = data.count
        while offset < data.count {
            let n = min(sizes[turn % sizes.count], data.count - offset)
            let chunk = ArchiveChunk(capacity: n)
            chunk.mutableBytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[offset..<offset + n]))
            chunk.count = n
            try feed.pushOnThread(chunk)
            offset += n
            turn += 1
        }
        feed.finish()
        return feed
    }

    private func load(_ data: UnsafeRawBufferPointer) {
        guard ftruncate(fd, 0) == 0 else { fatalError("ftruncate: \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < data.count {
            let n = pwrite(fd, data.baseAddress! + offset, data.count - offset, off_t(offset))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { fatalError("pwrite: \(String(cString: strerror(errno)))") }
            offset += n
        }
        _ = lseek(fd, 0, SEEK_SET)
    }

    /// Runs one inspection; a report must encode as JSON (what `inspect --json` prints).
    private func inspect(_ body: () throws -> SnapshotReport) -> Bool {
        do {
            let report = try body()
            _ = try encoder.encode(report)
            return true
        } catch let error as ArchiveError {
            tally.refusals[error.code.identifier, default: 0] += 1
            return false
        } catch let error as QSnapError {
            tally.refusals[error.code.identifier, default: 0] += 1
            return false
        } catch {
            tally.refusals["other", default: 0] += 1
            return false
        }
    }
}
