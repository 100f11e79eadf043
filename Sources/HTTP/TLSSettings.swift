/// How a client verifies servers and proves itself over `https://`: the CA certificates to trust (the system's by
/// default) and, for mutual TLS, a client certificate and its key (PEM files).
public struct TLSSettings: Sendable, Equatable {
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caBundlePath: String?
    /// A PEM client certificate (chain) for mutual TLS.
    public var clientCertificatePath: String?
    /// The PEM private key of ``clientCertificatePath``.
    public var clientKeyPath: String?

    /// Creates settings; all `nil` means the system trust store and no client certificate.
    public init(caBundlePath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil) {
        self.caBundlePath = caBundlePath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
    }
}
