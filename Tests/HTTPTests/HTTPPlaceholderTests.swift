import Testing

// Placeholder until this target gains tests of its own.
@Test func HTTPModuleLoads() { #expect(Bool(true)) }
