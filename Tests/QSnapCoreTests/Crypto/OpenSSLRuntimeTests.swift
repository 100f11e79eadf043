import Testing

@testable import QSnapCore

@Suite struct OpenSSLRuntimeTests {
    @Test func openSSLIsInitialisedOnceWithoutItsExitCleanUp() {
        // The first initialisation decides: it must succeed (else libcurl's would register OpenSSL's atexit clean-up).
        #expect(OpenSSLRuntime.initialize())
        #expect(OpenSSLRuntime.initialize())
        #expect(Digest.sha256Hex("abc").count == 64)
    }
}
