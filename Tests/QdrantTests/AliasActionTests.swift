import QSnapCore
import Testing

@testable import Qdrant

@Suite struct AliasActionTests {
    @Test func actionsEncodeAsQdrantExpects() {
        #expect(
            AliasAction.create(collection: "prod_v2", alias: "prod").json.description
                == #"{"create_alias":{"alias_name":"prod","collection_name":"prod_v2"}}"#)
        #expect(AliasAction.delete(alias: "prod").json.description == #"{"delete_alias":{"alias_name":"prod"}}"#)
        #expect(
            AliasAction.rename(old: "a", new: "b").json.description
                == #"{"rename_alias":{"new_alias_name":"b","old_alias_name":"a"}}"#)
    }

    @Test func aliasListDecodes() throws {
        struct Aliases: Decodable { var aliases: [AliasDescription] }
        let list = try QdrantFixtures.result(Aliases.self, QdrantFixtures.aliases).aliases
        #expect(
            list == [
                AliasDescription(aliasName: "prod", collectionName: "prod_v2"),
                AliasDescription(aliasName: "blogs-title", collectionName: "arivx-title"),
            ])
    }
}
