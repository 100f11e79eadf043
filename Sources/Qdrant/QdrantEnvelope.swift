import Foundation
import QSnapCore

/// Decodes Qdrant's response envelope `{"result": …, "status": "ok", "time": …}` and its error forms.
///
/// * 200 → the `result` (which may be `null` or, for a few handlers, absent);
/// * 202 → accepted: the operation continues in the background, there is no `result`;
/// * anything else → a ``QdrantError`` built from `{"status":{"error":…}}`, `{"status":"already_in_progress"}` or a
///   plain-text body (download endpoints, 401/403).
enum QdrantEnvelope {
    /// Longest server message kept in an error.
    static let maxMessageLength = 600

    /// The outcome of a request that returns an envelope.
    enum Outcome<T> {
        /// 200 with a result (`nil` when the result is `null` or absent).
        case ok(T?)
        /// 202: accepted, running in the background.
        case accepted
    }

    private struct Envelope<T: Decodable>: Decodable {
        var result: T?
    }

    /// Decodes a response to `method path`, throwing a ``QdrantError`` for errors.
    static func decode<T: Decodable>(
        _ type: T.Type, status: Int, headers: [(String, String)] = [], body: [UInt8], method: String, path: String,
        redactor: Redactor
    ) throws -> Outcome<T> {
        guard (200..<300).contains(status) else {
            throw failure(status: status, headers: headers, body: body, method: method, path: path, redactor: redactor)
                .error
        }
        if status == 202 { return .accepted }
        do {
            let envelope = try JSONDecoder().decode(Envelope<T>.self, from: Data(body))
            return .ok(envelope.result)
        } catch {
            throw badResponse(method: method, path: path, body: body, error: error, redactor: redactor)
        }
    }

    /// Decodes a 200 envelope whose `result` must be present.
    static func require<T: Decodable>(
        _ type: T.Type, status: Int, headers: [(String, String)] = [], body: [UInt8], method: String, path: String,
        redactor: Redactor
    ) throws -> T {
        switch try decode(
            type, status: status, headers: headers, body: body, method: method, path: path,
            redactor: redactor)
        {
        case .ok(let value?): return value
        case .ok(nil), .accepted:
            throw QdrantError(
                .badResponse,
                "Qdrant \(method) \(path) answered HTTP \(status) without a result; qsnap expected one. "
                    + "Check that the URL points at a Qdrant server.")
        }
    }

    /// The failure details of an error response.
    static func failure(
        status: Int, headers: [(String, String)] = [], body: [UInt8], method: String, path: String, redactor: Redactor
    ) -> QdrantFailure {
        let retryAfter = headers.first { $0.0.lowercased() == "retry-after" }.flatMap { Double($0.1) }
        return QdrantFailure(
            status: status, method: method, path: path,
            serverMessage: serverMessage(body, redactor: redactor),
            retriable: QdrantFailure.isRetriable(status: status), retryAfter: retryAfter)
    }

    /// The server's message in an error body: the envelope's `status.error`, a non-`ok` status string, or the
    /// plain text; redacted, single-line and shortened.
    static func serverMessage(_ body: [UInt8], redactor: Redactor) -> String {
        var text: String
        if let json = try? JSONValue.parse(body), case .object = json {
            if let error = json["status"]?["error"]?.stringValue {
                text = error
            } else if let status = json["status"]?.stringValue {
                text =
                    status == "already_in_progress" ? "already in progress (another recovery holds the lock)" : status
            } else {
                text = json.description
            }
        } else {
            text = String(decoding: body.prefix(4 * maxMessageLength), as: UTF8.self)
        }
        text = redactor.redact(text)
        text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        if text.count > maxMessageLength { text = String(text.prefix(maxMessageLength)) + "…" }
        return text
    }

    static func badResponse(method: String, path: String, body: [UInt8], error: any Error, redactor: Redactor)
        -> QdrantError
    {
        let excerpt = serverMessage(Array(body.prefix(300)), redactor: redactor)
        return QdrantError(
            .badResponse,
            "Qdrant \(method) \(path) returned a response qsnap cannot read (\(describe(error))); body starts: "
                + "\(excerpt.isEmpty ? "(empty)" : excerpt). Check that the URL points at a Qdrant 1.17 or newer server."
        )
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing \((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx),
            DecodingError.dataCorrupted(let ctx):
            let at = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? ctx.debugDescription : "\(at): \(ctx.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
