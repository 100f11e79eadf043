internal import CCrypto

/// AES-256-GCM over one buffer (OpenSSL EVP): 12-byte nonces, 16-byte tags.
public enum AESGCM {
    /// Key length in bytes.
    public static let keySize = 32
    /// Nonce length in bytes.
    public static let nonceSize = 12
    /// Tag length in bytes.
    public static let tagSize = 16

    /// Encrypts `plaintext`, appending ciphertext then tag to `output`.
    public static func seal(
        key: [UInt8], nonce: [UInt8], aad: [UInt8], plaintext: UnsafeRawBufferPointer,
        into output: inout [UInt8]
    ) {
        precondition(key.count == keySize && nonce.count == nonceSize)
        OpenSSLRuntime.initialize()
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: plaintext.count + tagSize))
        let ok = output.withUnsafeMutableBytes { out -> Int32 in
            let body = out.baseAddress! + start
            return ccrypto_aes256gcm_seal(
                key, nonce, Int32(nonceSize), aad, aad.count, plaintext.baseAddress,
                plaintext.count, body, body + plaintext.count)
        }
        precondition(ok == 1, "OpenSSL AES-256-GCM encryption failed")
    }

    /// Encrypts `count` bytes at `body` in place and writes the tag to `tag`.
    public static func sealInPlace(
        key: [UInt8], nonce: [UInt8], aad: [UInt8], body: UnsafeMutableRawPointer,
        count: Int, tag: UnsafeMutableRawPointer
    ) {
        precondition(key.count == keySize && nonce.count == nonceSize)
        OpenSSLRuntime.initialize()
        let ok = ccrypto_aes256gcm_seal(key, nonce, Int32(nonceSize), aad, aad.count, body, count, body, tag)
        precondition(ok == 1, "OpenSSL AES-256-GCM encryption failed")
    }

    /// Decrypts `count` bytes at `body` in place, checking the tag at `tag`.
    /// - Returns: false when the tag does not authenticate (the bytes at `body` are then garbage).
    public static func openInPlace(
        key: [UInt8], nonce: [UInt8], aad: [UInt8], body: UnsafeMutableRawPointer,
        count: Int, tag: UnsafeRawPointer
    ) -> Bool {
        precondition(key.count == keySize && nonce.count == nonceSize)
        OpenSSLRuntime.initialize()
        return ccrypto_aes256gcm_open(key, nonce, Int32(nonceSize), aad, aad.count, body, count, tag, body) == 1
    }

    /// Decrypts ciphertext-then-tag `sealed` into `output` (resized to the plaintext length).
    /// - Returns: false when the tag does not authenticate the bytes, the nonce and the AAD under `key`.
    public static func open(
        key: [UInt8], nonce: [UInt8], aad: [UInt8], sealed: UnsafeRawBufferPointer,
        into output: inout [UInt8]
    ) -> Bool {
        precondition(key.count == keySize && nonce.count == nonceSize)
        guard sealed.count >= tagSize else { return false }
        OpenSSLRuntime.initialize()
        let length = sealed.count - tagSize
        if output.count != length { output = [UInt8](repeating: 0, count: length) }
        let ok = output.withUnsafeMutableBytes { out in
            ccrypto_aes256gcm_open(
                key, nonce, Int32(nonceSize), aad, aad.count, sealed.baseAddress, length,
                sealed.baseAddress! + length, out.baseAddress ?? UnsafeMutableRawPointer(mutating: sealed.baseAddress!))
        }
        return ok == 1
    }
}
