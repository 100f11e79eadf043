/// A repository's 32-byte master key. Never printed: its description is redacted.
public struct MasterKey: Sendable, Equatable, CustomStringConvertible {
    /// The key bytes.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == AESGCM.keySize)
        self.bytes = bytes
    }

    /// A new random key.
    public static func random() -> MasterKey { MasterKey(bytes: SecureRandom.bytes(AESGCM.keySize)) }

    public var description: String { "MasterKey(…)" }
}
