import ArgumentParser
import Foundation
import HTTP
import QSnapCore
import Qdrant

/// How every Qdrant command connects: TLS (CA bundle, client certificate for mutual TLS) and node URLs given by hand.
/// Keys are per command (`--api-key`, `--source-api-key-env`, `--target-api-key-env`); ``connection(apiKey:keyEnv:)``
/// parses both into one ``QdrantConnection``.
struct QdrantConnectionOptions: ParsableArguments {
    @Option(
        help: "A PEM file of CA certificates to trust for https:// Qdrant URLs (default: the system's trust store).")
    var qdrantCaBundle: String?

    @Option(help: "A PEM client certificate for Qdrant servers that require mutual TLS.")
    var qdrantClientCert: String?

    @Option(help: "The PEM private key of --qdrant-client-cert.")
    var qdrantClientKey: String?

    @Option(
        name: .customLong("node-url"),
        help: "PEER=URL: the REST URL of a cluster node qsnap cannot find from the endpoint given (repeatable).")
    var nodeURLs: [String] = []

    func validate() throws {
        if (qdrantClientCert == nil) != (qdrantClientKey == nil) {
            throw ValidationError("--qdrant-client-cert and --qdrant-client-key go together")
        }
        for path in [qdrantCaBundle, qdrantClientCert, qdrantClientKey].compactMap({ $0 })
        where !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read \(path): give a readable PEM file")
        }
        _ = try parsedNodeURLs()
    }

    /// `--node-url` as peer id → URL.
    func parsedNodeURLs() throws -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        for item in nodeURLs {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let peer = UInt64(parts[0]), parts[1].contains("://") else {
                throw ValidationError(
                    "--node-url takes PEER=URL (a peer id from GET /cluster and the node's REST URL), got \(item)")
            }
            out[peer] = parts[1]
        }
        return out
    }

    /// The connection with the key from `apiKey` (a flag) or else the environment variable `keyEnv`.
    /// - Throws: `usage("qdrant.jwt")` for a JWT whose claims cannot be read.
    func connection(apiKey: String? = nil, keyEnv: String = "QDRANT_API_KEY") throws -> QdrantConnection {
        SecretRegistry.register(apiKey)
        let fromEnv = ProcessInfo.processInfo.environment[keyEnv]
        SecretRegistry.register(fromEnv)
        let credential: QdrantCredential?
        if let apiKey, !apiKey.isEmpty {
            credential = try QdrantCredential(secret: apiKey, origin: "--api-key")
        } else {
            credential = try QdrantCredential(secret: fromEnv, origin: "$\(keyEnv)")
        }
        return QdrantConnection(
            credential: credential,
            tls: TLSSettings(
                caBundlePath: qdrantCaBundle, clientCertificatePath: qdrantClientCert, clientKeyPath: qdrantClientKey),
            nodeURLs: try parsedNodeURLs())
    }
}
