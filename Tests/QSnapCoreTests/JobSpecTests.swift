import Foundation
import Testing

@testable import QSnapCore

/// Parsing and validating `qsnap run` job files.
@Suite struct JobSpecTests {
    static let minimal = """
        source:
          urls: [http://localhost:6333]
        repository: file:///backups/qdrant
        """

    func parseError(_ yaml: String, file: String = "jobs/nightly.yaml") -> QSnapError? {
        do {
            _ = try JobSpec.parse(yaml: yaml, file: file)
            return nil
        } catch let error as QSnapError {
            return error
        } catch {
            return nil
        }
    }

    @Test func minimalJobGetsDefaults() throws {
        let job = try JobSpec.parse(yaml: Self.minimal, file: "jobs/nightly.yaml")
        #expect(job.name == "nightly")  // from the file name
        #expect(job.source == JobSpec.Source(urls: ["http://localhost:6333"]))
        #expect(job.repository == .local("/backups/qdrant"))
        #expect(job.selection == JobSpec.Selection(kind: .collection, collections: []))
        #expect(job.retention == nil)
        #expect(job.verify)
        #expect(job.metricsTextfile == nil)
        #expect(job.lockTTL == 3600 && job.lockWait == 0 && job.lockGrace == 300)
        #expect(try job.apiKey(environment: [:]) == nil)
    }

    @Test func theNodesSnapshotBucketIsPartOfTheSource() throws {
        let job = try JobSpec.parse(
            yaml: """
                source:
                  urls: [http://localhost:6333]
                  snapshots-bucket: qdrant-snapshots
                  snapshots-prefix: ./data/snapshots/
                repository: s3://backups/qdrant
                """, file: "jobs/nightly.yaml")
        #expect(job.source.snapshotStore == NodeSnapshotStore(bucket: "qdrant-snapshots", prefix: "data/snapshots"))
        #expect(try JobSpec.parse(yaml: Self.minimal, file: "j.yaml").source.snapshotStore == NodeSnapshotStore())
    }

    @Test func exampleJobParses() throws {
        let path = RetentionPolicyTests.root.appendingPathComponent("policies/jobs/example-job.yaml")
        let job = try JobSpec.parse(
            yaml: try String(contentsOf: path, encoding: .utf8), file: "policies/jobs/example-job.yaml")
        #expect(job.name == "prod-nightly")
        #expect(job.source.urls.count == 2)
        #expect(job.source.apiKeyEnv == "QDRANT_API_KEY")
        #expect(job.repository == .s3(bucket: "qdrant-backups", key: "prod"))
        #expect(job.selection == JobSpec.Selection(kind: .collection, collections: ["products", "users"]))
        #expect(job.retention == .file("../retention/gfs.yaml"))
        #expect(job.resolvedPath("../retention/gfs.yaml") == "policies/jobs/../retention/gfs.yaml")
        #expect(job.metricsTextfile?.hasSuffix(".prom") == true)
        #expect(job.lockTTL == 7200 && job.lockWait == 600 && job.lockGrace == 300)
        #expect(job.lockPolicy == RepositoryLockPolicy(ttl: 7200, staleGrace: 300))
        // The referenced policy file exists and parses.
        let policyURL = RetentionPolicyTests.root.appendingPathComponent("policies/retention/gfs.yaml")
        _ = try RetentionPolicy.parse(yaml: try String(contentsOf: policyURL, encoding: .utf8), file: "gfs.yaml")
    }

    @Test func inlineRetentionAndEveryOption() throws {
        let yaml = """
            name: edge.cluster_1
            source:
              url: https://q.example:6333
              api-key-env: QDRANT_KEY
            repository: s3://bucket
            selection:
              kind: full
            retention:
              keep-daily: 7
              keep-within: 2d
            verify: false
            metrics:
              textfile: /tmp/q.prom
            lock:
              ttl: 1h30m
              wait: 0
              grace: 90s
            """
        let job = try JobSpec.parse(yaml: yaml, file: "/etc/qsnap/job.yaml")
        #expect(job.name == "edge.cluster_1")
        #expect(job.selection.kind == .full)
        #expect(job.retention == .inline(RetentionPolicy(keepDaily: 7, keepWithin: RetentionDuration("2d"))))
        #expect(!job.verify)
        #expect(job.lockTTL == 5400 && job.lockWait == 0 && job.lockGrace == 90)
        #expect(try job.apiKey(environment: ["QDRANT_KEY": "s3cr3t-value"]) == "s3cr3t-value")
        #expect(job.resolvedPath("p.yaml") == "/etc/qsnap/p.yaml")
        #expect(job.resolvedPath("/abs/p.yaml") == "/abs/p.yaml")
    }

    @Test func missingAPIKeyVariableIsAUsageError() throws {
        let job = try JobSpec.parse(
            yaml: "source: {urls: [http://h:6333], api-key-env: QK}\nrepository: /b\n", file: "j.yaml")
        let error = #expect(throws: QSnapError.self) { try job.apiKey(environment: ["QK": ""]) }
        #expect(error?.code == .jobApiKeyEnv)
        #expect(error?.message.contains("QK") == true)
    }

    @Test(arguments: ["api-key", "api_key", "apiKey", "password", "secret-access-key"])
    func inlineSecretsAreRefusedWithoutEchoingThem(_ key: String) throws {
        let yaml = "source:\n  urls: [http://h:6333]\n  \(key): sup3r-s3cret-VALUE\nrepository: /b\n"
        let error = try #require(parseError(yaml))
        #expect(error.code == .jobSpec)
        #expect(error.message.hasPrefix("jobs/nightly.yaml:3: '\(key)'"))
        #expect(error.message.contains("secret"))
        #expect(!error.message.contains("sup3r"))
        let atRoot = try #require(parseError(Self.minimal + "\n\(key): sup3r-s3cret-VALUE\n"))
        #expect(atRoot.message.hasPrefix("jobs/nightly.yaml:4:"))
        #expect(!atRoot.message.contains("sup3r"))
    }

    @Test func aRelativeRepositoryIsTakenRelativeToTheJobFile() throws {
        let yaml = "source: {urls: [http://h:6333]}\nrepository: backups/qdrant\n"
        #expect(
            try JobSpec.parse(yaml: yaml, file: "/etc/qsnap/j.yaml").repository == .local("/etc/qsnap/backups/qdrant"))
        #expect(try JobSpec.parse(yaml: yaml, file: "j.yaml").repository == .local("backups/qdrant"))
        let absolute = "source: {urls: [http://h:6333]}\nrepository: /srv/b\n"
        #expect(try JobSpec.parse(yaml: absolute, file: "/etc/qsnap/j.yaml").repository == .local("/srv/b"))
    }

    @Test(arguments: [
        ("repository: /b\n", 1, "missing 'source:'"),
        ("source: {urls: [http://h:6333]}\n", 1, "missing 'repository:'"),
        ("source: {urls: []}\nrepository: /b\n", 1, "at least one Qdrant node URL"),
        ("source: {urls: [ftp://h]}\nrepository: /b\n", 1, "must be http://host:port"),
        ("source: {urls: ['http://u:p@h:6333']}\nrepository: /b\n", 1, "must not carry credentials"),
        (
            "source: {urls: [http://h:6333], api-key-env: 'not a name'}\nrepository: /b\n", 1,
            "NAME of an environment variable"
        ),
        ("source: {urls: [http://h:6333]}\nrepository: gs://b/p\n", 2, "scheme 'gs' is not supported"),
        ("source: {urls: [http://h:6333]}\nrepository: 's3://AKIA:secret@b/p'\n", 2, "must not carry credentials"),
        ("source: {urls: [http://h:6333]}\nrepository: s3:///p\n", 2, "needs a bucket"),
        ("source: {urls: [http://h:6333]}\nrepository: '-'\n", 2, "not a directory"),
        (
            "source: {urls: [http://h:6333]}\nrepository: /b\nselection: {kind: point}\n", 3,
            "selection kind 'point' is unknown"
        ),
        (
            "source: {urls: [http://h:6333]}\nrepository: /b\nselection: {kind: full, collections: [a]}\n", 3,
            "full snapshot covers"
        ),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nselection: {collections: [a, a]}\n", 3, "listed twice"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nverify: maybe\n", 3, "must be true or false"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nmetrics: {textfile: /tmp/x.txt}\n", 3, "must end in .prom"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nlock: {ttl: 10s}\n", 3, "at least 1m"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nlock: {wait: soon}\n", 3, "lock wait must be"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nname: 'bad name'\n", 3, "job name 'bad name'"),
        ("source: {urls: [http://h:6333]}\nrepository: /b\nschedule: daily\n", 3, "unknown key 'schedule'"),
    ])
    func rejects(_ yaml: String, line: Int, reason: String) throws {
        let error = try #require(parseError(yaml))
        #expect(error.code == .jobSpec)
        #expect(error.message.hasPrefix("jobs/nightly.yaml:\(line):"), "\(error.message)")
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test func inlineRetentionErrorsPointIntoTheJobFile() throws {
        let yaml = "source: {urls: [http://h:6333]}\nrepository: /b\nretention:\n  keep-daily: 3\n  keep-dayly: 4\n"
        let error = try #require(parseError(yaml))
        #expect(error.code == .retentionPolicy)
        #expect(error.message.hasPrefix("jobs/nightly.yaml:5: unknown key 'keep-dayly' in 'retention'"))
        let both = "source: {urls: [http://h:6333]}\nrepository: /b\nretention:\n  file: p.yaml\n  keep-daily: 3\n"
        let bothError = try #require(parseError(both))
        #expect(bothError.message.hasPrefix("jobs/nightly.yaml:4: 'retention' takes either 'file:' alone"))
    }

    @Test func wallClockDurations() {
        #expect(WallClockDuration.seconds("90") == 90)
        #expect(WallClockDuration.seconds("15m") == 900)
        #expect(WallClockDuration.seconds("1h30m") == 5400)
        #expect(WallClockDuration.seconds("1d2h3m4s") == 93_784)
        for bad in ["", "0", "0m", "m", "1h1h", "1.5h", "-5m", "1y"] {
            #expect(WallClockDuration.seconds(bad) == nil, "\(bad)")
        }
        #expect(WallClockDuration.format(5400) == "1h30m")
    }
}
