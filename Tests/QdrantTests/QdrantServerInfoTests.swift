import Foundation
import QSnapCore
import Testing

@testable import Qdrant

@Suite struct QdrantServerInfoTests {
    @Test func decodesTheUnwrappedVersionInfo() throws {
        let info = try JSONDecoder().decode(QdrantServerInfo.self, from: Data(QdrantFixtures.versionInfo.utf8))
        #expect(info.title == "qdrant - vector search engine")
        #expect(info.version == QdrantVersion(major: 1, minor: 19, patch: 0))
        #expect(info.commit?.hasPrefix("74f3e85b94") == true)
    }

    @Test func commitIsOptionalAndBadVersionsFail() throws {
        let info = try JSONDecoder().decode(
            QdrantServerInfo.self, from: Data(#"{"title":"qdrant","version":"1.17.2-dev"}"#.utf8))
        #expect(info.commit == nil)
        #expect(info.version == QdrantVersion(major: 1, minor: 17, patch: 2))
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(QdrantServerInfo.self, from: Data(#"{"title":"x","version":"banana"}"#.utf8))
        }
    }
}
