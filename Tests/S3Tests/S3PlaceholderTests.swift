import Testing

// Placeholder until this target gains tests of its own.
@Test func S3ModuleLoads() { #expect(Bool(true)) }
