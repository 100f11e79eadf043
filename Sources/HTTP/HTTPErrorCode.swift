import QSnapCore

/// A failure of the HTTP target: an ``HTTPErrorCode``, a message and the cause. `QSnap` maps it to the `QSnapError`
/// code of the same identifier.
public typealias HTTPError = LibraryError<HTTPErrorCode>

/// What failed in the HTTP target; the raw value is the stable identifier qsnap reports.
public enum HTTPErrorCode: String, LibraryErrorCode {
    /// A request body could not be read: a file that cannot be opened, a body source that failed.
    case body = "http.body"
    /// The transfer failed below HTTP (connection, timeout, reset, TLS); the cause is the libcurl failure.
    case transport = "http.transport"
}
