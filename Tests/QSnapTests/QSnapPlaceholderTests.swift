import Testing

// Placeholder until this target gains tests of its own.
@Test func QSnapModuleLoads() { #expect(Bool(true)) }
