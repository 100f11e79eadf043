import Testing

@testable import QSnapCore

/// `--cloud-api-url`: https anywhere, plain http only to loopback (every request carries the management key).
@Suite struct CloudAPIEndpointTests {
    @Test func acceptsHTTPSAndLoopbackHTTP() throws {
        #expect(try CloudAPIEndpoint(CloudAPIEndpoint.defaultURL).base == "https://api.cloud.qdrant.io")
        #expect(try CloudAPIEndpoint("https://proxy.example/cloud/").base == "https://proxy.example/cloud")
        #expect(try CloudAPIEndpoint("http://127.0.0.1:8080").base == "http://127.0.0.1:8080")
        #expect(try CloudAPIEndpoint("http://localhost:1").base == "http://localhost:1")
        #expect(try CloudAPIEndpoint("http://[::1]:9/").base == "http://[::1]:9")
    }

    @Test func refusesPlainHTTPElsewhereAndMalformedURLs() {
        do {
            _ = try CloudAPIEndpoint("http://api.cloud.qdrant.io")
            Issue.record("plain http accepted")
        } catch let error as QSnapError {
            #expect(error.code == .cloudInsecureUrl)
        } catch {
            Issue.record("\(error)")
        }
        for url in ["ftp://x", "api.cloud.qdrant.io", "https://", "https://h/?q=1", "https://user:pw@h"] {
            #expect(throws: QSnapError.self, "\(url)") { try CloudAPIEndpoint(url) }
        }
    }

    @Test func encodesQueries() throws {
        let e = try CloudAPIEndpoint("https://h")
        #expect(e.url(path: "/p") == "https://h/p")
        #expect(
            e.url(path: "/p", query: [("pageToken", "a+b/c=="), ("clusterId", "x")])
                == "https://h/p?pageToken=a%2Bb%2Fc%3D%3D&clusterId=x")
    }
}
