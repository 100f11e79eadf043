import QSnapCore
import Testing

/// A library's error: its own code type, the identifier as raw value, the cause after the message.
@Suite struct LibraryErrorTests {
    enum SampleCode: String, LibraryErrorCode {
        case gone = "sample.gone"
        case broken = "sample.broken"
    }
    typealias SampleError = LibraryError<SampleCode>
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "curl 7: refused" }
    }

    @Test func codesAreTheirIdentifiers() {
        #expect(SampleCode.gone.identifier == "sample.gone")
        #expect("\(SampleCode.broken)" == "sample.broken")
        #expect(SampleError.Code.allCases.count == 2)
    }

    @Test func theDescriptionNamesTheCauseAfterTheMessage() {
        #expect(SampleError(.gone, "the object is gone").description == "the object is gone")
        let error = SampleError(.broken, "GET x failed", cause: Underlying())
        #expect(error.description == "GET x failed (cause: curl 7: refused)")
        #expect(error.cause is Underlying)
    }

    @Test func theMessageOfAnyErrorIsItsSentenceOrItsDescription() {
        #expect(
            QSnapError.message(of: SampleError(.gone, "the object is gone", cause: Underlying()))
                == "the object is gone")
        #expect(QSnapError.message(of: QSnapError(.internal, "m", cause: Underlying())) == "m")
        #expect(QSnapError.message(of: Underlying()) == "curl 7: refused")
    }

    @Test func aCatchOfOneLibrarysErrorLetsAnothersPass() {
        enum OtherCode: String, LibraryErrorCode { case other = "other.x" }
        func kind(_ error: any Error) -> String {
            switch error {
            case let e as SampleError: return "sample \(e.code)"
            case let e as LibraryError<OtherCode>: return "other \(e.code)"
            default: return "unknown"
            }
        }
        #expect(kind(SampleError(.gone, "m")) == "sample sample.gone")
        #expect(kind(LibraryError<OtherCode>(.other, "m")) == "other other.x")
        #expect(kind(QSnapError(.internal, "m")) == "unknown")
    }
}
