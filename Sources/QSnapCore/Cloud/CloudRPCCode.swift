/// The gRPC status codes the Qdrant Cloud API answers with, and the HTTP status its REST gateway
/// (grpc-gateway's `HTTPStatusFromCode`) maps each to.
public enum CloudRPCCode: Int, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0, cancelled, unknown, invalidArgument, deadlineExceeded, notFound, alreadyExists, permissionDenied,
        resourceExhausted, failedPrecondition, aborted, outOfRange, unimplemented, `internal`, unavailable, dataLoss,
        unauthenticated

    /// The code's gRPC name, e.g. `PermissionDenied`.
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "Canceled"
        case .unknown: return "Unknown"
        case .invalidArgument: return "InvalidArgument"
        case .deadlineExceeded: return "DeadlineExceeded"
        case .notFound: return "NotFound"
        case .alreadyExists: return "AlreadyExists"
        case .permissionDenied: return "PermissionDenied"
        case .resourceExhausted: return "ResourceExhausted"
        case .failedPrecondition: return "FailedPrecondition"
        case .aborted: return "Aborted"
        case .outOfRange: return "OutOfRange"
        case .unimplemented: return "Unimplemented"
        case .internal: return "Internal"
        case .unavailable: return "Unavailable"
        case .dataLoss: return "DataLoss"
        case .unauthenticated: return "Unauthenticated"
        }
    }

    /// The HTTP status the gateway answers with for this code.
    public var httpStatus: Int {
        switch self {
        case .ok: return 200
        case .cancelled: return 499
        case .unknown, .internal, .dataLoss: return 500
        case .invalidArgument, .failedPrecondition, .outOfRange: return 400
        case .deadlineExceeded: return 504
        case .notFound: return 404
        case .alreadyExists, .aborted: return 409
        case .permissionDenied: return 403
        case .unauthenticated: return 401
        case .resourceExhausted: return 429
        case .unimplemented: return 501
        case .unavailable: return 503
        }
    }

    /// The most likely code behind an HTTP status, for answers without a gRPC status body (a proxy's error page).
    public static func guess(httpStatus: Int) -> CloudRPCCode {
        switch httpStatus {
        case 400: return .invalidArgument
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .notFound
        case 409: return .alreadyExists
        case 429: return .resourceExhausted
        case 499: return .cancelled
        case 501: return .unimplemented
        case 503: return .unavailable
        case 504: return .deadlineExceeded
        default: return httpStatus >= 500 ? .internal : .unknown
        }
    }
}
