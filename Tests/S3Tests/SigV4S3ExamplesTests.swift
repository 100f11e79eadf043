import QSnapCore
import Testing

@testable import S3

/// The S3 documentation examples (docs/s3.md §3.2 and §3.3), recomputed with an independent signer.
@Suite struct SigV4S3ExamplesTests {
    static let date = AmzDate(iso8601: "2013-05-24T00:00:00Z")!
    static let signer = SigV4Signer(
        credentials: SigV4Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let host = "examplebucket.s3.amazonaws.com"

    static func hashLine(_ signature: SigV4Signature) -> String {
        String(signature.stringToSign.split(separator: "\n").last ?? "")
    }

    @Test func signingKey() {
        #expect(
            Hex.encode(Self.signer.signingKey(at: Self.date))
                == "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378")
        #expect(Self.signer.scope(at: Self.date) == "20130524/us-east-1/s3/aws4_request")
    }

    @Test func getObjectWithRange() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/test.txt", headers: [("Host", Self.host), ("Range", "bytes=0-9")])
        let s = Self.signer.signHeaders(request, at: Self.date)
        #expect(
            s.canonicalRequest == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(Self.hashLine(s) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            s.headersToAdd.last?.value
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithDollarInKeyAndDateHeader() {
        let body = Array("Welcome to Amazon S3.".utf8)
        let hash = Digest.sha256Hex(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        #expect(SigV4Encoding.encodePath("/test$file.text") == "/test%24file.text")
        let request = SigV4Request(
            method: "PUT", encodedPath: SigV4Encoding.encodePath("/test$file.text"),
            headers: [
                ("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ], payloadHash: hash)
        let s = Self.signer.signHeaders(request, at: Self.date)
        #expect(s.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(Self.hashLine(s) == "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d")
        #expect(s.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycle() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")], headers: [("Host", Self.host)])
        let s = Self.signer.signHeaders(request, at: Self.date)
        #expect(s.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "lifecycle=")
        #expect(Self.hashLine(s) == "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca")
        #expect(s.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjects() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", Self.host)]
        )
        let s = Self.signer.signHeaders(request, at: Self.date)
        #expect(s.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "max-keys=2&prefix=J")
        #expect(Self.hashLine(s) == "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7")
        #expect(s.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedGet() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/test.txt", headers: [("host", Self.host)],
            payloadHash: SigV4Signer.unsignedPayload)
        let s = Self.signer.presign(request, at: Self.date, expires: 86400)
        #expect(
            s.canonicalRequest == """
                GET
                /test.txt
                X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host
                host:examplebucket.s3.amazonaws.com

                host
                UNSIGNED-PAYLOAD
                """)
        #expect(Self.hashLine(s) == "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04")
        #expect(s.signature == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(
            s.presignedQuery.hasSuffix(
                "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
    }

    @Test func awsChunkedStreamingUpload() {
        let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 66560)
        let framedLength = AWSChunkedEncoder.framedLength(payloadLength: 66560, chunkSize: 65536)
        #expect(framedLength == 66824)
        let request = SigV4Request(
            method: "PUT", encodedPath: "/examplebucket/chunkObject.txt",
            headers: [
                ("Host", "s3.amazonaws.com"), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
                ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "66560"),
                ("Content-Length", String(framedLength)),
            ], payloadHash: SigV4Signer.streamingPayload)
        let seed = Self.signer.signHeaders(request, at: Self.date)
        #expect(
            seed.signedHeaders
                == "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class"
        )
        #expect(seed.signature == "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
        var encoder = AWSChunkedEncoder(signer: Self.signer, seedSignature: seed.signature, at: Self.date)
        var framed = encoder.frame(Array(payload[0..<65536]))
        #expect(encoder.previousSignature == "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648")
        #expect(
            Array(framed.prefix(88))
                == Array(
                    "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n".utf8))
        framed += encoder.frame(Array(payload[65536...]))
        #expect(encoder.previousSignature == "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497")
        framed += encoder.finalChunk()
        #expect(encoder.previousSignature == "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
        #expect(Int64(framed.count) == framedLength)
    }

    @Test func keyEncodingMatchesBoto() {
        #expect(
            "/bucket/" + SigV4Encoding.encodePath("snap/a b+c=d&e~f!'()*,;:@$ü%2F.snapshot.boto")
                == "/bucket/snap/a%20b%2Bc%3Dd%26e~f%21%27%28%29%2A%2C%3B%3A%40%24%C3%BC%252F.snapshot.boto")
        #expect(SigV4Encoding.encodeQuery("coll/a b") == "coll%2Fa%20b")
        #expect(SigV4Encoding.decode("a%20b%2Fc%zz") == "a b/c%zz")
    }

    @Test func sessionTokenIsSignedAndNeverPrinted() {
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyID: "AK", secretAccessKey: "secret-value", sessionToken: "tok-en"),
            region: "us-east-1")
        let s = signer.signHeaders(
            SigV4Request(method: "GET", encodedPath: "/b/k", headers: [("host", "h")]), at: Self.date)
        #expect(s.signedHeaders == "host;x-amz-content-sha256;x-amz-date;x-amz-security-token")
        #expect(!"\(signer.credentials)".contains("secret-value"))
        #expect(!"\(signer.credentials)".contains("tok-en"))
    }

    @Test func dates() {
        #expect(Self.date.amzDate == "20130524T000000Z")
        #expect(Self.date.httpDate == "Fri, 24 May 2013 00:00:00 GMT")
        #expect(AmzDate(httpDate: "Fri, 24 May 2013 00:00:00 GMT") == Self.date)
        #expect(AmzDate(iso8601: "2024-02-29T23:59:59.123Z")?.iso8601 == "2024-02-29T23:59:59Z")
        #expect(AmzDate(iso8601: "garbage") == nil)
    }
}
