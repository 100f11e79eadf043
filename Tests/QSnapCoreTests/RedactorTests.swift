import Testing

@testable import QSnapCore

@Suite struct RedactorTests {
    @Test func masksLiteralSecretsAndPresignedParameters() {
        let r = Redactor(secrets: ["wJalrXUtnFEMI/K7MDENG", "my-api-key"])
        let text =
            "key wJalrXUtnFEMI/K7MDENG and api-key: my-api-key url https://h/b/k?X-Amz-Credential=AK%2F2013&X-Amz-Signature=abcdef0123&x=1"
        let out = r.redact(text)
        #expect(!out.contains("wJalrXUtnFEMI"))
        #expect(!out.contains("my-api-key"))
        #expect(!out.contains("abcdef0123"))
        #expect(!out.contains("AK%2F2013"))
        #expect(out.contains("x=1"))
    }
}
