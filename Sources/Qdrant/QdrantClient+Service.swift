import Foundation
import QSnapCore

extension QdrantClient {
    /// `GET /`: the server's title, release and commit (the one unwrapped endpoint; needs no API key).
    public func serverInfo() async throws -> QdrantServerInfo {
        let call = Call(method: "GET", segments: [], idempotent: true)
        let response = try await send(call)
        guard response.status == 200 else {
            throw QdrantEnvelope.failure(
                status: response.status, body: response.body, method: call.method, path: call.path,
                redactor: redactor
            ).error
        }
        do {
            return try JSONDecoder().decode(QdrantServerInfo.self, from: Data(response.body))
        } catch {
            throw QdrantEnvelope.badResponse(
                method: call.method, path: call.path, body: response.body, error: error, redactor: redactor)
        }
    }

    /// `GET /telemetry`: the release, disk and RAM size, and (from details level 2) snapshot activity.
    /// - Parameter detailsLevel: Qdrant's `details_level`; 1 is the least that reports `app.system`.
    public func telemetry(detailsLevel: Int = 1) async throws -> TelemetryInfo {
        try await result(
            TelemetryInfo.self,
            Call(
                method: "GET", segments: ["telemetry"], query: [("details_level", String(max(1, detailsLevel)))],
                idempotent: true))
    }

    /// `GET /quotas`: quota configuration and disk/memory usage; `nil` on servers without the endpoint (HTTP 404,
    /// before 1.19).
    public func quotas() async throws -> QuotaInfo? {
        do {
            return try await result(QuotaInfo.self, Call(method: "GET", segments: ["quotas"], idempotent: true))
        } catch let error as QdrantError where error.qdrantFailure?.status == 404 {
            return nil
        }
    }
}
