import HTTP
import QSnapCore

/// A failed call to the Qdrant Cloud management API, attached as the `cause` of the `QSnapError` the client
/// throws. Holds no secret: the server message is redacted and the path carries no query.
public struct CloudAPIFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The RPC called.
    public var rpc: CloudRPC
    /// The HTTP status, `nil` when no answer arrived.
    public var status: Int?
    /// The gRPC code of the answer (from its body, else guessed from the HTTP status).
    public var code: CloudRPCCode?
    /// The server's message, redacted.
    public var serverMessage: String
    /// The account the call was for.
    public var accountID: String
    /// What the call named, e.g. `backup <id>` or `cluster <id>` (for "not found" messages).
    public var resourceID: String?
    /// True for a TLS failure.
    public var isTLS: Bool = false
    /// True when repeating the call may succeed (5xx, 429, transport failures).
    public var retriable: Bool

    /// Creates a value.
    public init(
        rpc: CloudRPC, status: Int?, code: CloudRPCCode?, serverMessage: String, accountID: String,
        resourceID: String?, retriable: Bool
    ) {
        self.rpc = rpc
        self.status = status
        self.code = code
        self.serverMessage = serverMessage
        self.accountID = accountID
        self.resourceID = resourceID
        self.retriable = retriable
    }

    public var description: String {
        let what = status.map { "HTTP \($0)" } ?? "no response"
        let code = self.code.map { " \($0)" } ?? ""
        return "\(rpc.name): \(what)\(code)\(serverMessage.isEmpty ? "" : ": \(serverMessage)")"
    }

    /// Whether an answer with `status` is worth repeating.
    static func isRetriable(status: Int) -> Bool { status >= 500 || status == 429 || status == 408 }

    /// The `QSnapError` for this failure: what went wrong, in the terms of the command, and what to do.
    public var error: QSnapError {
        let call = "Qdrant Cloud \(rpc.name)"
        let said = serverMessage.isEmpty ? "" : ": \(serverMessage)"
        if isTLS {
            return QSnapError(.cloudTls, "\(call) failed: \(serverMessage)", cause: self)
        }
        guard let status else {
            return QSnapError(
                .cloudUnreachable,
                "\(call) failed\(said). Check the network and --cloud-api-url, then retry.", cause: self)
        }
        let answer = "HTTP \(status)\(code.map { " \($0)" } ?? "")\(said)"
        switch code ?? CloudRPCCode.guess(httpStatus: status) {
        case .unauthenticated:
            return QSnapError(
                .cloudAuth,
                "the management key was refused (QDRANT_CLOUD_API_KEY): \(call) answered \(answer). Set "
                    + "QDRANT_CLOUD_API_KEY to a current Qdrant Cloud management key of account \(accountID) "
                    + "(Cloud console: Access Management, Management Keys).", cause: self)
        case .permissionDenied:
            return QSnapError(
                .cloudPermission,
                "the management key (QDRANT_CLOUD_API_KEY) lacks the permission \(rpc.permission), which \(rpc.name) "
                    + "needs (\(answer)). Give the key a role with \(rpc.permission) in account \(accountID), or use a "
                    + "key that has it; also check that the key belongs to account \(accountID).", cause: self)
        case .notFound:
            let what = resourceID ?? "the \(rpc.resource.rawValue)"
            return QSnapError(
                .cloudNotFound,
                "\(what) was not found in account \(accountID) (\(call): \(answer)). Check the id with qsnap cloud "
                    + "\(rpc.resource == .backupSchedule ? "schedule" : "backup") list, and --account-id/--cluster-id.",
                cause: self)
        case .invalidArgument, .outOfRange:
            return QSnapError(
                .cloudInvalidArgument, "Qdrant Cloud rejected \(rpc.name) (\(answer)).", cause: self)
        case .failedPrecondition:
            return QSnapError(
                .cloudFailedPrecondition,
                "Qdrant Cloud refused \(rpc.name) in the current state (\(answer)).", cause: self)
        case .alreadyExists, .aborted:
            return QSnapError(
                .cloudConflict, "\(call) conflicts with the current state (\(answer)); retry later.",
                cause: self)
        case .resourceExhausted:
            return QSnapError(
                .cloudRateLimited, "\(call) was rate-limited (\(answer)); retry later.", cause: self)
        default:
            return QSnapError(
                .cloudServer,
                "\(call) failed (\(answer)). Qdrant Cloud may be having trouble: retry later.", cause: self)
        }
    }
}

extension QSnapError {
    /// The Qdrant Cloud API failure behind this error, if it is one.
    public var cloudAPIFailure: CloudAPIFailure? { cause as? CloudAPIFailure }
}
