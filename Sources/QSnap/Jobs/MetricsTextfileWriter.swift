import Foundation
import Logging
import QSnapCore

/// Updates a Prometheus textfile (node_exporter's textfile collector) with the outcome of one job run.
///
/// Reads the previous file to carry the last success time and the failure counter forward (and to keep other
/// jobs' series), records the outcome, and replaces the file atomically: written in full to a temporary file in
/// the same directory, flushed, then renamed over the target, so the collector never reads a partial file.
public enum MetricsTextfileWriter {
    /// Records `outcome` for `job` in the textfile at `path`; returns the metrics written for the job.
    ///
    /// - Throws: `QSnapError` `.failure("metrics.write")` when the file cannot be written. A previous file that
    ///   cannot be parsed is replaced (after a warning), losing only the carried counters.
    @discardableResult
    public static func record(_ outcome: JobMetrics.RunOutcome, job: String, path: String, logger: Logger) throws
        -> JobMetrics
    {
        var all: [String: JobMetrics] = [:]
        if let data = FileManager.default.contents(atPath: path) {
            do {
                all = try PrometheusTextfile.parse(String(decoding: data, as: UTF8.self))
            } catch let error as QSnapError {
                logger.warning("\(path): \(error.message); starting the metrics afresh")
            }
        }
        let updated = (all[job] ?? JobMetrics(job: job)).recording(outcome)
        all[job] = updated
        let text = PrometheusTextfile.render(all.values.sorted { $0.job < $1.job })
        try writeAtomically(Data(text.utf8), to: path)
        return updated
    }

    /// Writes `data` to a temporary file beside `path`, flushes it and renames it over `path`.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw QSnapError(.failure("metrics.write"), "cannot create the metrics directory \(dir): \(error.localizedDescription)")
        }
        // A name node_exporter ignores (it reads only *.prom) while the file is incomplete.
        let temp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw QSnapError(.failure("metrics.write"), "cannot create \(temp): \(String(cString: strerror(errno)))")
        }
        let written = data.withUnsafeBytes { buffer -> Bool in
            POSIXFile.writeAll(fd, buffer) && fsync(fd) == 0
        }
        close(fd)
        guard written, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw QSnapError(.failure("metrics.write"), "cannot write the metrics textfile \(path): \(reason)")
        }
    }
}
