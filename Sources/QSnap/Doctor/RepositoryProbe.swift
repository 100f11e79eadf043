import Foundation
import HTTP
import Logging
import QSnapCore

/// The repository lines of `qsnap doctor`: put, get, list and delete of a small probe object; a multipart write (an
/// object of two parts on S3); and the clock of an S3 store against this host's (SigV4 refuses a skew over 15 min).
/// The probe objects live under `doctor/` and are removed.
struct RepositoryProbe {
    let repository: any Repository
    let logger: Logger

    func run(into report: inout DoctorReport) async {
        func add(_ check: String, _ status: DoctorReport.Status, _ detail: String) {
            report.checks.append(.init(scope: "repository", check: check, status: status, detail: detail))
        }
        let token = UUID().uuidString.lowercased().prefix(12)
        let small = "doctor/qsnap-doctor-\(token).probe"
        let bytes = (0..<1024).map { _ in UInt8.random(in: 0...255) }
        let started = Date()
        do {
            try await repository.put(key: small, bytes: bytes)
            guard try await repository.getAll(key: small) == bytes else {
                throw QSnapError(.doctorGet, "the object read back differs from the one written")
            }
            guard try await repository.list(prefix: "doctor/").contains(where: { $0.key == small }) else {
                throw QSnapError(.doctorList, "the object written is not listed")
            }
            try await repository.delete(keys: [small])
            guard try await repository.head(key: small) == nil else {
                throw QSnapError(.doctorDelete, "the object deleted is still there")
            }
            add(
                "put/get/list/delete", .pass,
                String(
                    format: "%@: all four work (%.0f ms)", repository.displayURL,
                    Date().timeIntervalSince(started) * 1000))
        } catch {
            try? await repository.delete(keys: [small])
            add(
                "put/get/list/delete", .fail,
                "\(repository.displayURL): \(QSnapError.message(of: error)): "
                    + "check the credentials' permissions (s3:PutObject, GetObject, ListBucket, DeleteObject)")
            return
        }
        let big = "doctor/qsnap-doctor-\(token).multipart"
        let size = 5 << 20 + 4096  // over one minimum part: two parts
        do {
            let chunk = [UInt8](repeating: 0x71, count: 1 << 20)
            let object = try await repository.write(key: big, expectedSize: Int64(size)) { writer in
                var left = size
                while left > 0 {
                    let n = min(left, chunk.count)
                    try await writer.write(n == chunk.count ? chunk : Array(chunk[0..<n]))
                    left -= n
                }
            }
            guard object.size == Int64(size) else {
                throw QSnapError(.doctorMultipart, "stored \(object.size) bytes of \(size)")
            }
            try await repository.delete(keys: [big])
            add(
                "multipart", .pass,
                "a \(ByteCount.format(Int64(size))) streamed write (\(repository.localRoot == nil ? "two multipart parts" : "temporary file and rename")) completed and removed"
            )
        } catch {
            try? await repository.delete(keys: [big])
            _ = try? await repository.abortIncompleteUploads(prefix: "doctor/")
            add(
                "multipart", .fail,
                "\(QSnapError.message(of: error)): check s3:AbortMultipartUpload and "
                    + "s3:ListMultipartUploadParts, or the store's multipart support")
        }
        if let s3 = repository as? S3Repository {
            let (status, detail) = await clockSkew(s3)
            add("clock", status, detail)
        } else {
            add("clock", .pass, "a local directory: no store clock to compare")
        }
    }

    /// The store's `Date` header against this host's clock.
    private func clockSkew(_ s3: S3Repository) async -> (DoctorReport.Status, String) {
        let http = HTTPClient(caBundlePath: s3.client.configuration.caBundlePath)
        do {
            let before = Date()
            let response = try await http.execute(
                HTTPRequest(method: "GET", url: s3.client.configuration.endpoint, timeout: 30))
            let after = Date()
            guard let header = response.headers.first(where: { $0.name.lowercased() == "date" })?.value,
                let date = Self.httpDate(header)
            else {
                return (.warn, "the store sent no Date header to compare")
            }
            let skew = date.timeIntervalSince(before.addingTimeInterval(after.timeIntervalSince(before) / 2))
            let detail = String(
                format: "this host is %.0f s %@ the store (SigV4 refuses more than 900 s)", abs(skew),
                skew > 0 ? "behind" : "ahead of")
            return (abs(skew) <= 60 ? .pass : abs(skew) <= 900 ? .warn : .fail, detail)
        } catch {
            return (.warn, "cannot read the store's clock: \(QSnapError.message(of: error))")
        }
    }

    static func httpDate(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return f.date(from: text)
    }
}
