import Foundation
import Testing

@testable import QSnapCore

/// Rendering and re-reading Prometheus textfile metrics across runs.
@Suite struct PrometheusTextfileTests {
    static let t = UTCCivilTime.parseISO8601("2026-11-21T20:00:00Z")!

    @Test func rendersTheExpositionFormat() {
        let m = JobMetrics(job: "nightly").recording(
            .init(success: true, finished: Self.t, durationSeconds: 12.5, bytes: 1_048_576, objects: 42))
        let text = PrometheusTextfile.render([m])
        #expect(
            text == """
                # HELP qsnap_last_success_timestamp_seconds Unix time of the job's last successful run.
                # TYPE qsnap_last_success_timestamp_seconds gauge
                qsnap_last_success_timestamp_seconds{job="nightly"} 1795291200
                # HELP qsnap_last_run_duration_seconds Wall time of the job's last run.
                # TYPE qsnap_last_run_duration_seconds gauge
                qsnap_last_run_duration_seconds{job="nightly"} 12.5
                # HELP qsnap_last_run_bytes Bytes written to the repository by the job's last run.
                # TYPE qsnap_last_run_bytes gauge
                qsnap_last_run_bytes{job="nightly"} 1048576
                # HELP qsnap_last_run_objects Objects written to the repository by the job's last run.
                # TYPE qsnap_last_run_objects gauge
                qsnap_last_run_objects{job="nightly"} 42
                # HELP qsnap_run_failures_total Failed runs of the job.
                # TYPE qsnap_run_failures_total counter
                qsnap_run_failures_total{job="nightly"} 0
                # HELP qsnap_last_run_success 1 if the job's last run succeeded, 0 if it failed.
                # TYPE qsnap_last_run_success gauge
                qsnap_last_run_success{job="nightly"} 1

                """)
    }

    @Test func carriesLastSuccessAndFailuresAcrossRuns() throws {
        var file = PrometheusTextfile.render([
            JobMetrics(job: "nightly").recording(
                .init(success: true, finished: Self.t, durationSeconds: 3, bytes: 10, objects: 1))
        ])
        for run in 1...3 {
            var previous = try PrometheusTextfile.parse(file)
            let updated = (previous["nightly"] ?? JobMetrics(job: "nightly")).recording(
                .init(
                    success: false, finished: Self.t.addingTimeInterval(Double(run) * 3600), durationSeconds: 1.25,
                    bytes: 0, objects: 0))
            previous["nightly"] = updated
            file = PrometheusTextfile.render(Array(previous.values))
        }
        let after = try #require(try PrometheusTextfile.parse(file)["nightly"])
        #expect(after.failuresTotal == 3)
        #expect(after.lastSuccessTimestamp == Self.t.timeIntervalSince1970)  // carried from the first run
        #expect(after.lastRunSuccess == false)
        #expect(after.lastRunDurationSeconds == 1.25)
        // A success moves the timestamp on and keeps the counter.
        let ok = after.recording(
            .init(success: true, finished: Self.t.addingTimeInterval(86_400), durationSeconds: 2, bytes: 5, objects: 1))
        #expect(
            ok.failuresTotal == 3 && ok.lastSuccessTimestamp == Self.t.timeIntervalSince1970 + 86_400
                && ok.lastRunSuccess == true)
    }

    @Test func escapesLabelsAndKeepsOtherJobs() throws {
        let odd = JobMetrics(job: "a\"b\\c\nd", failuresTotal: 2, lastRunSuccess: false)
        let plain = JobMetrics(job: "plain", lastSuccessTimestamp: 1_700_000_000.25)
        let text = PrometheusTextfile.render([plain, odd])
        #expect(text.contains(#"qsnap_run_failures_total{job="a\"b\\c\nd"} 2"#))
        #expect(text.contains(#"qsnap_last_success_timestamp_seconds{job="plain"} 1700000000.25"#))
        #expect(!text.contains("qsnap_last_run_bytes"))  // no job has a value: the family is left out
        let parsed = try PrometheusTextfile.parse(text)
        #expect(parsed["a\"b\\c\nd"] == odd)
        #expect(parsed["plain"] == plain)
    }

    @Test func ignoresForeignLinesAndRejectsMalformedOnes() throws {
        let text = """
            # a comment
            node_cpu_seconds_total{cpu="0"} 12
            qsnap_run_failures_total{job="x", instance="h"} 4 1700000000000

            """
        #expect(try PrometheusTextfile.parse(text)["x"]?.failuresTotal == 4)
        for bad in [
            #"qsnap_run_failures_total{job="x} 1"#, #"qsnap_run_failures_total{job="x"} many"#,
            "qsnap_run_failures_total 3",
        ] {
            let error = #expect(throws: QSnapError.self) { try PrometheusTextfile.parse("# ok\n" + bad) }
            #expect(error?.code == .metricsTextfile)
            #expect(error?.message.contains("line 2") == true)
        }
    }

    @Test func formatsSpecialValues() {
        #expect(PrometheusTextfile.format(.nan) == "NaN")
        #expect(PrometheusTextfile.format(.infinity) == "+Inf")
        #expect(PrometheusTextfile.format(-3) == "-3")
        #expect(PrometheusTextfile.format(0.001) == "0.001")
    }
}
