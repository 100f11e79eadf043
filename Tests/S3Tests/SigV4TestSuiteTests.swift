import Foundation
import QSnapCore
import Testing

@testable import S3

/// Every v4 case of the official AWS SigV4 test suite (awslabs/aws-c-auth), header and query variants.
@Suite struct SigV4TestSuiteTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var directory: URL
        var testDescription: String { name }
    }

    static let suiteDirectory: URL = {
        let env = ProcessInfo.processInfo.environment["SHARED_DIR"].map { URL(fileURLWithPath: $0) }
        let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = env ?? repoRoot.appendingPathComponent("../shared").standardizedFileURL
        return shared.appendingPathComponent("fixtures/sigv4/tests/aws-signing-test-suite/v4")
    }()

    static let cases: [Case] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)) ?? []
        return names.sorted().map { Case(name: $0, directory: suiteDirectory.appendingPathComponent($0)) }
    }()

    @Test func suiteIsPresent() {
        #expect(
            Self.cases.count == 38,
            "the AWS SigV4 suite must be at \(Self.suiteDirectory.path) (../shared/fixtures/sigv4 from the repo root)")
    }

    struct Context {
        var accessKey: String, secret: String, token: String?
        var region: String, service: String, date: AmzDate, expires: Int
        var normalize: Bool, signBody: Bool, omitToken: Bool
    }

    struct RawRequest {
        var method: String
        var path: String
        var query: [(name: String, value: String)]
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    static func read(_ c: Case, _ file: String) throws -> String {
        try String(contentsOf: c.directory.appendingPathComponent(file), encoding: .utf8)
    }

    static func context(_ c: Case) throws -> Context {
        let data = try Data(contentsOf: c.directory.appendingPathComponent("context.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let creds = try #require(json["credentials"] as? [String: Any])
        let timestamp = try #require(json["timestamp"] as? String)
        return Context(
            accessKey: try #require(creds["access_key_id"] as? String),
            secret: try #require(creds["secret_access_key"] as? String),
            token: creds["token"] as? String,
            region: try #require(json["region"] as? String),
            service: try #require(json["service"] as? String),
            date: try #require(AmzDate(iso8601: timestamp)),
            expires: json["expiration_in_seconds"] as? Int ?? 3600,
            normalize: json["normalize"] as? Bool ?? false,
            signBody: json["sign_body"] as? Bool ?? false,
            omitToken: json["omit_session_token"] as? Bool ?? false)
    }

    /// Parses `request.txt`: request line (the path may contain spaces), headers with continuation lines, body.
    static func parseRequest(_ text: String) throws -> RawRequest {
        var lines = text.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        let method = String(try #require(requestLine.split(separator: " ").first))
        var target = String(requestLine.dropFirst(method.count + 1))
        if target.hasSuffix(" HTTP/1.1") { target = String(target.dropLast(" HTTP/1.1".count)) }
        var headers: [(name: String, value: String)] = []
        var bodyLines: [String] = []
        var inBody = false
        for line in lines {
            if inBody { bodyLines.append(line); continue }
            if line.isEmpty { inBody = true; continue }
            if line.first == " " || line.first == "\t" {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        var path = target
        var query: [(name: String, value: String)] = []
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            for pair in target[target.index(after: q)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append(
                    (
                        SigV4Encoding.decode(String(parts[0])),
                        parts.count > 1 ? SigV4Encoding.decode(String(parts[1])) : ""
                    ))
            }
        }
        return RawRequest(
            method: method, path: path, query: query, headers: headers,
            body: Array(bodyLines.joined(separator: "\n").utf8))
    }

    static func setUp(_ c: Case) throws -> (SigV4Signer, SigV4Request, Context) {
        let ctx = try context(c)
        let raw = try parseRequest(try read(c, "request.txt"))
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: ctx.accessKey, secretAccessKey: ctx.secret, sessionToken: ctx.token),
            region: ctx.region, service: ctx.service, normalizePath: ctx.normalize)
        let request = SigV4Request(
            method: raw.method, encodedPath: SigV4Encoding.encodePath(raw.path), query: raw.query, headers: raw.headers,
            payloadHash: Digest.sha256Hex(raw.body))
        return (signer, request, ctx)
    }

    @Test(arguments: cases) func headerSigning(_ c: Case) throws {
        let (signer, request, ctx) = try Self.setUp(c)
        let result = signer.signHeaders(
            request, at: ctx.date, addContentSHA256: ctx.signBody,
            sessionToken: ctx.omitToken ? .appendedAfterSigning : .signed)
        #expect(result.canonicalRequest == (try Self.read(c, "header-canonical-request.txt")))
        #expect(result.stringToSign == (try Self.read(c, "header-string-to-sign.txt")))
        #expect(
            result.signature
                == (try Self.read(c, "header-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        let signedRequest = try Self.read(c, "header-signed-request.txt")
        let expectedAuthorization = signedRequest.components(separatedBy: "\n").first { $0.hasPrefix("Authorization:") }
        let authorization = result.headersToAdd.first { $0.name == "Authorization" }?.value
        #expect(expectedAuthorization == authorization.map { "Authorization:" + $0 })
        if let token = ctx.token {
            #expect(result.headersToAdd.contains { $0.name == "x-amz-security-token" && $0.value == token })
        }
    }

    @Test(arguments: cases) func querySigning(_ c: Case) throws {
        let (signer, request, ctx) = try Self.setUp(c)
        let result = signer.presign(
            request, at: ctx.date, expires: ctx.expires, sessionToken: ctx.omitToken ? .appendedAfterSigning : .signed)
        #expect(result.canonicalRequest == (try Self.read(c, "query-canonical-request.txt")))
        #expect(result.stringToSign == (try Self.read(c, "query-string-to-sign.txt")))
        #expect(
            result.signature
                == (try Self.read(c, "query-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
        // The signed request's query holds the same parameters (in another order), X-Amz-Signature included.
        let signedLine = try #require(
            (try Self.read(c, "query-signed-request.txt")).components(separatedBy: "\n").first)
        let expected = try Self.parseRequest(signedLine + "\n").query.map { "\($0.name)=\($0.value)" }.sorted()
        let ours = result.presignedQuery.split(separator: "&").map { pair in
            let p = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return SigV4Encoding.decode(String(p[0])) + "=" + SigV4Encoding.decode(p.count > 1 ? String(p[1]) : "")
        }.sorted()
        #expect(ours == expected)
    }
}
