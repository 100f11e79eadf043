/// An error that carries a sentence for the user — ``QSnapError`` and every ``LibraryError`` — so code that adds
/// context to it (e.g. the node it came from) keeps its type.
public protocol MessageError: Error, Sendable {
    /// A sentence naming what is wrong and what to do about it.
    var message: String { get set }
}
