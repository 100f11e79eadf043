import QSnapCore
import Testing

@testable import Qdrant

@Suite struct MultipartUploadTests {
    @Test func framingIsExact() throws {
        let m = try MultipartUpload(fileName: "c-1-2024-07-22-08-31-55.snapshot", boundary: "B0UND")
        #expect(
            String(decoding: m.prefix, as: UTF8.self) == "--B0UND\r\n"
                + "Content-Disposition: form-data; name=\"snapshot\"; filename=\"c-1-2024-07-22-08-31-55.snapshot\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
        #expect(String(decoding: m.suffix, as: UTF8.self) == "\r\n--B0UND--\r\n")
        #expect(m.contentType == "multipart/form-data; boundary=B0UND")
        #expect(m.totalLength(bodyLength: 100) == Int64(m.prefix.count + 100 + m.suffix.count))
        #expect(m.totalLength(bodyLength: nil) == nil)
    }

    @Test func randomBoundariesDiffer() {
        let a = MultipartUpload.randomBoundary(), b = MultipartUpload.randomBoundary()
        #expect(a != b)
        #expect(a.hasPrefix("qsnap-") && a.count == 38)
    }

    @Test(arguments: ["../x.snapshot", "a/b", "", "..", "quo\"te.snapshot", "line\r\nbreak", "tab\t"])
    func unsafeFileNamesAreRefused(_ name: String) {
        #expect {
            _ = try MultipartUpload(fileName: name)
        } throws: { ($0 as? QdrantError)?.code == .uploadName }
    }
}
