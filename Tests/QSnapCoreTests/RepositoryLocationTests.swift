import Testing

@testable import QSnapCore

/// Parsing `s3://…`, `file://…`, path and `-` locations once, into one typed value.
@Suite struct RepositoryLocationTests {
    func usageError(_ text: String) -> QSnapError? {
        do {
            _ = try RepositoryLocation(parsing: text)
            return nil
        } catch let error as QSnapError {
            return error
        } catch {
            return nil
        }
    }

    @Test func s3LocationsSplitBucketAndKey() throws {
        #expect(try RepositoryLocation(parsing: "s3://bkt/a/b.snapshot") == .s3(bucket: "bkt", key: "a/b.snapshot"))
        #expect(try RepositoryLocation(parsing: "s3://bkt/prefix/") == .s3(bucket: "bkt", key: "prefix/"))
        #expect(try RepositoryLocation(parsing: "s3://bkt/") == .s3(bucket: "bkt", key: ""))
        #expect(try RepositoryLocation(parsing: "s3://bkt") == .s3(bucket: "bkt", key: ""))
    }

    @Test func fileURLsAndPathsAreLocalPaths() throws {
        #expect(try RepositoryLocation(parsing: "file:///backups/qdrant") == .local("/backups/qdrant"))
        #expect(try RepositoryLocation(parsing: "./backups") == .local("./backups"))
        #expect(try RepositoryLocation(parsing: "/abs/dir/") == .local("/abs/dir/"))
        #expect(try RepositoryLocation(parsing: "-") == .standardStream)
    }

    @Test func aBucketIsRequired() {
        let error = usageError("s3:///prefix")
        #expect(error?.code == .repoUrl)
        #expect(error?.message.contains("has no bucket") == true)
    }

    @Test func credentialsInAnS3LocationAreRefusedWithoutEchoingThem() {
        let error = usageError("s3://AKIAEXAMPLE:sup3r-s3cret@bkt/p")
        #expect(error?.code == .repoUrl)
        #expect(error?.message.contains("sup3r-s3cret") == false)
        #expect(error?.message.contains("must not carry credentials") == true)
    }

    @Test func otherSchemesAreRefusedWithoutEchoingTheRest() {
        let error = usageError("https://user:pw@example.com/backups")
        #expect(error?.code == .repoUrl)
        #expect(error?.message.contains("'https://'") == true)
        #expect(error?.message.contains("pw@") == false)
    }

    @Test func emptyPathsAreRefused() {
        #expect(usageError("")?.code == .repoPath)
        #expect(usageError("file://")?.code == .repoPath)
    }

    @Test func theDisplayFormIsTheURLOrPath() throws {
        #expect(RepositoryLocation.s3(bucket: "bkt", key: "a/b").description == "s3://bkt/a/b")
        #expect(RepositoryLocation.s3(bucket: "bkt", key: "").description == "s3://bkt")
        #expect(try RepositoryLocation(parsing: "file:///x/y").description == "/x/y")
        #expect(RepositoryLocation.standardStream.description == "-")
        #expect(RepositoryLocation.s3(bucket: "b", key: "").isS3)
        #expect(!RepositoryLocation.local("/x").isS3)
    }
}
