import QSnapCore
import Testing

@testable import Qdrant

@Suite struct QdrantEndpointTests {
    @Test func trailingSlashesAreTrimmedAndPrefixesKept() throws {
        #expect(try QdrantEndpoint(baseURL: "http://localhost:6333/").base == "http://localhost:6333")
        #expect(try QdrantEndpoint(baseURL: " https://q.example.com/qdrant// ").base == "https://q.example.com/qdrant")
        let e = try QdrantEndpoint(baseURL: "http://localhost:6333/")
        #expect(e.url(path: "/collections") == "http://localhost:6333/collections")
        #expect(e.url(path: "/") == "http://localhost:6333/")
    }

    @Test(arguments: ["localhost:6333", "ftp://x", "", "http://", "http://h/?a=1", "http://h/#f", "http://h /"])
    func invalidBaseURLsAreUsageErrors(_ url: String) {
        #expect {
            _ = try QdrantEndpoint(baseURL: url)
        } throws: { ($0 as? QdrantError)?.code == .url }
    }

    @Test func userInfoNeverReachesMessages() throws {
        #expect(try QdrantEndpoint(baseURL: "http://admin:pw@h:6333").displayBase == "http://h:6333")
        #expect {
            _ = try QdrantEndpoint(baseURL: "ftp://admin:pw@h")
        } throws: { !($0 as! QdrantError).message.contains("pw") }
    }

    @Test func segmentsAreEncodedOneByOne() {
        #expect(
            QdrantEndpoint.path(["collections", "my coll/x?y#z%", "snapshots"])
                == "/collections/my%20coll%2Fx%3Fy%23z%25/snapshots")
        #expect(
            QdrantEndpoint.path(["collections", "ünï-cödé", "aliases"])
                == "/collections/%C3%BCn%C3%AF-c%C3%B6d%C3%A9/aliases")
        #expect(QdrantEndpoint.path(["snapshots", ".."]) == "/snapshots/%2E%2E")
        #expect(QdrantEndpoint.path(["snapshots", "."]) == "/snapshots/%2E")
        #expect(QdrantEndpoint.path(["snapshots", "a..b.snapshot"]) == "/snapshots/a..b.snapshot")
        #expect(QdrantEndpoint.path([]) == "/")
    }

    @Test func queryValuesAreEncoded() throws {
        let e = try QdrantEndpoint(baseURL: "http://h")
        #expect(
            e.url(path: "/snapshots", query: [("wait", "false"), ("checksum", "a b&c=d")])
                == "http://h/snapshots?wait=false&checksum=a%20b%26c%3Dd")
    }
}
