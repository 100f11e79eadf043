import Foundation

/// The error body of the Qdrant Cloud REST gateway, a `google.rpc.Status` in protojson:
/// `{"code": 7, "message": "…", "details": []}`.
public struct CloudRPCStatus: Sendable, Equatable, Codable {
    /// The gRPC code number.
    public var code: Int
    /// The server's message.
    public var message: String
    /// `google.protobuf.Any` details, kept verbatim.
    public var details: [JSONValue]

    /// Creates a status.
    public init(code: Int, message: String, details: [JSONValue] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    enum CodingKeys: String, CodingKey { case code, message, details }

    /// Decodes a status; `message` and `details` may be missing.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(Int.self, forKey: .code)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        details = try c.decodeIfPresent([JSONValue].self, forKey: .details) ?? []
    }

    /// The code as a ``CloudRPCCode`` (`unknown` for numbers outside 0…16).
    public var rpcCode: CloudRPCCode { CloudRPCCode(rawValue: code) ?? .unknown }

    /// Parses an error body; `nil` when it is not a gRPC status (e.g. an HTML page of a proxy).
    public static func parse(_ body: [UInt8]) -> CloudRPCStatus? {
        try? JSONDecoder().decode(CloudRPCStatus.self, from: Data(body))
    }
}
