import Testing

@testable import QSnapCore

/// Account, cluster, backup and schedule ids are UUIDs.
@Suite struct CloudIDTests {
    @Test func uuids() throws {
        #expect(CloudID.isUUID("3fa85f64-5717-4562-b3fc-2c963f66afa6"))
        #expect(CloudID.isUUID("3FA85F64-5717-4562-B3FC-2C963F66AFA6"))
        for text in [
            "", "3fa85f64571745 62b3fc2c963f66afa6", "3fa85f64-5717-4562-b3fc-2c963f66afa",
            "3fa85f64-5717-4562-b3fc-2c963f66afag",
            "3fa85f64_5717-4562-b3fc-2c963f66afa6", "prod-cluster",
        ] {
            #expect(!CloudID.isUUID(text), "\(text)")
        }
        #expect(
            try CloudID.validate("3fa85f64-5717-4562-b3fc-2c963f66afa6", what: "--cluster-id")
                == "3fa85f64-5717-4562-b3fc-2c963f66afa6")
        #expect(throws: QSnapError.self) { try CloudID.validate("prod", what: "--cluster-id") }
    }
}
