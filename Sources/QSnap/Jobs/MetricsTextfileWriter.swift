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
    /// - Throws: `QSnapError` `.metricsWrite` when the file cannot be written. A previous file that
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
        // The temporary name starts with a dot: node_exporter reads only *.prom files.
        if let problem = POSIXFile.replace(data, at: path) {
            throw QSnapError(.metricsWrite, "metrics textfile: \(problem)")
        }
    }
}
