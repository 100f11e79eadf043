import QSnapCore

/// A transfer that failed below HTTP: connection refused or reset, timeout, truncated body, TLS.
///
/// Thrown as the `cause` of an ``HTTPError`` with code `http.transport`.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    /// The libcurl result code (`CURLcode`).
    public var curlCode: Int
    /// libcurl's message (no URL, no headers).
    public var curlMessage: String

    /// Creates an error.
    public init(curlCode: Int, curlMessage: String) {
        self.curlCode = curlCode
        self.curlMessage = curlMessage
    }

    /// Whether trying again may succeed: couldn't resolve or connect, timeout, send/receive failure
    /// (connection reset), empty reply, partial file, TLS handshake failure.
    public var isRetriable: Bool {
        // 6 resolve, 7 connect, 18 partial file, 28 timeout, 35 TLS connect, 52 got nothing, 55 send, 56 recv,
        // 16 HTTP/2 framing, 92 HTTP/2 stream.
        [6, 7, 16, 18, 28, 35, 52, 55, 56, 92].contains(curlCode)
    }

    /// Whether it was a TLS failure: the handshake, the server's certificate not verified by the trusted CAs, an
    /// unreadable CA bundle or client certificate.
    public var isTLSFailure: Bool {
        // 35 TLS connect, 51/60 peer verification, 58 client certificate, 59 cipher, 77 CA file, 80 shutdown,
        // 82 CRL, 83 issuer, 90 pinned key, 91 certificate status.
        // A server that requires a client certificate says so in a TLS 1.3 alert read after the handshake (56).
        [35, 51, 58, 59, 60, 77, 80, 82, 83, 90, 91].contains(curlCode) || curlMessage.contains("alert certificate")
    }

    /// Whether it was a timeout (including the low-speed abort).
    public var isTimeout: Bool { curlCode == 28 }

    public var description: String { "curl \(curlCode): \(curlMessage)" }
}

extension HTTPError {
    /// The libcurl failure behind an `http.transport` error.
    public var transport: HTTPTransportError? { cause as? HTTPTransportError }

    /// Whether this error wraps a retriable ``HTTPTransportError``.
    public var isRetriableTransportFailure: Bool { transport?.isRetriable ?? false }
}
