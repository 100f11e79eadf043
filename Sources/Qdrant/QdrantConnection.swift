import HTTP
import Logging
import QSnapCore

/// How qsnap connects to one Qdrant deployment, parsed once from the command line and passed down: the credential
/// (api key or JWT), the TLS settings, and node URLs given by hand (`--node-url PEER=URL`) for clusters whose nodes
/// cannot be found from one endpoint.
public struct QdrantConnection: Sendable {
    /// The credential, or `nil` for an open server.
    public var credential: QdrantCredential?
    /// CA certificates and a client certificate for `https://`.
    public var tls: TLSSettings
    /// Peer id → REST URL of that node.
    public var nodeURLs: [UInt64: String]

    /// Creates a connection description.
    public init(credential: QdrantCredential? = nil, tls: TLSSettings = TLSSettings(), nodeURLs: [UInt64: String] = [:])
    {
        self.credential = credential
        self.tls = tls
        self.nodeURLs = nodeURLs
    }

    /// A connection with a static key or a JWT given as text (tests and callers without TLS settings).
    public init(apiKey: String?) {
        self.init(credential: (try? QdrantCredential(secret: apiKey, origin: "the api key")) ?? nil)
    }

    /// A client for `url`.
    public func client(_ url: String, timeout: Double = 300, logger: Logger = Logger(label: "qsnap.qdrant"))
        -> QdrantClient
    {
        QdrantClient(baseURL: url, credential: credential, tls: tls, timeout: timeout, logger: logger)
    }
}
