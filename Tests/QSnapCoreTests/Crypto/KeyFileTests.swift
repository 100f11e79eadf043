import Foundation
import Testing

@testable import QSnapCore

/// Wrapped keys: wrap/unwrap, a wrong password, damaged and hostile key files.
@Suite struct KeyFileTests {
    static let fast = KeyDerivation.ScryptParameters(n: 1 << 10, r: 8, p: 1)
    static let secrets = RepositorySecrets(
        masterKey: .random(), compression: ObjectCompression(algorithm: "zstd", level: 5))

    @Test func wrapsAndUnwrapsWithItsPassword() throws {
        let file = try KeyFile.wrap(Self.secrets, password: "pässwörd", created: "t", host: "h", parameters: Self.fast)
        #expect(KeyFile.isValidID(file.id))
        let decoded = try JSONDecoder().decode(KeyFile.self, from: Data(file.bytes))
        #expect(decoded == file)
        #expect(try decoded.unwrap(password: "pässwörd") == Self.secrets)
        let text = String(decoding: file.bytes, as: UTF8.self)
        #expect(!text.contains("pässwörd") && !text.contains("zstd"), "the password and the settings stay wrapped")
        #expect(!text.contains(Data(Self.secrets.masterKey.bytes).base64EncodedString()))
    }

    @Test func aWrongPasswordUnwrapsNothing() throws {
        let file = try KeyFile.wrap(Self.secrets, password: "right", created: "t", host: "h", parameters: Self.fast)
        #expect(try file.unwrap(password: "wrong") == nil)
        #expect(try file.unwrap(password: "") == nil)
        var renamed = file
        renamed.id = "0000000000000000"  // the id is authenticated
        #expect(try renamed.unwrap(password: "right") == nil)
        var damaged = file
        damaged.data[3] ^= 1
        #expect(try damaged.unwrap(password: "right") == nil)
    }

    @Test func hostileParametersAreRefused() throws {
        var file = try KeyFile.wrap(Self.secrets, password: "p", created: "t", host: "h", parameters: Self.fast)
        file.kdf.n = 1 << 30
        #expect(throws: QSnapError.self) { try file.unwrap(password: "p") }
        file.kdf.n = 1000  // not a power of two
        #expect(throws: QSnapError.self) { try file.unwrap(password: "p") }
    }

    @Test func twoKeysWrapTheSameSecretsDifferently() throws {
        let a = try KeyFile.wrap(Self.secrets, password: "one", created: "t", host: "h", parameters: Self.fast)
        let b = try KeyFile.wrap(Self.secrets, password: "two", created: "t", host: "h", parameters: Self.fast)
        #expect(a.id != b.id && a.data != b.data)
        #expect(try b.unwrap(password: "two") == a.unwrap(password: "one"))
    }

    @Test func scryptMatchesTheRFC7914Vector() throws {
        // RFC 7914 §12: P="password", S="NaCl", N=1024, r=8, p=16 (first 32 of the 64 bytes).
        let out = try KeyDerivation.scrypt(
            password: Array("password".utf8), salt: Array("NaCl".utf8),
            parameters: .init(n: 1024, r: 8, p: 16))
        #expect(Hex.encode(out) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162")
    }

    @Test func configsParseAndRefuseWhatTheyCannotOpen() throws {
        let plain = try RepositoryConfig(parsing: Array(#"{"format":"qsnap","formatVersion":1}"#.utf8), location: "x")
        #expect(plain == .plain)
        let enc = RepositoryConfig.encrypted()
        #expect(try RepositoryConfig(parsing: enc.bytes, location: "x") == enc)
        #expect(throws: QSnapError.self) {
            try RepositoryConfig(parsing: Array(#"{"format":"qsnap","formatVersion":9}"#.utf8), location: "x")
        }
        #expect(throws: QSnapError.self) { try RepositoryConfig(parsing: Array("nope".utf8), location: "x") }
        #expect(try ObjectCompression(parsing: "zstd") == ObjectCompression(algorithm: "zstd", level: 3))
        #expect(try ObjectCompression(parsing: "zstd:19").level == 19)
        #expect(throws: QSnapError.self) { try ObjectCompression(parsing: "zstd:0") }
        #expect(throws: QSnapError.self) { try ObjectCompression(parsing: "gzip") }
    }
}
