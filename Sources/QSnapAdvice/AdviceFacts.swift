import QSnapCore

/// The facts one `qsnap advise` run decides on: what was given (flags, live clusters) and where each came from.
///
/// A pure value: the engine reads it, nothing here does I/O. A fact that was not given is unknown, and rules
/// treat unknown facts with three-valued logic (see ``AdviceCondition``).
public struct AdviceFacts: Sendable, Equatable {
    /// The given facts by name.
    public private(set) var values: [String: AdviceValue] = [:]
    /// Where each given fact came from, e.g. `flag` or `live http://node:6333`.
    public private(set) var origins: [String: String] = [:]

    /// No facts.
    public init() {}

    /// The given value of `name`, or `nil`.
    public subscript(name: String) -> AdviceValue? { values[name] }

    /// Sets an input fact.
    /// - Throws: `QSnapError` `.adviceFact` for an unknown or derived fact or a value of the wrong type.
    public mutating func set(_ name: String, _ value: AdviceValue, origin: String = "flag") throws {
        guard let def = AdviceFactCatalog.definition(name) else {
            throw QSnapError(
                .adviceFact,
                "unknown fact '\(name)'; known facts: "
                    + AdviceFactCatalog.inputs.map(\.name).joined(separator: ", "))
        }
        guard !def.derived else {
            throw QSnapError(
                .adviceFact, "fact '\(name)' is computed (\(def.summary)); set its inputs instead")
        }
        guard def.type.accepts(value) else {
            throw QSnapError(.adviceFact, "fact '\(name)' must be \(def.type), not '\(value)'")
        }
        values[name] = value
        origins[name] = origin
    }

    /// Sets an input fact from its text form (`100GiB`, `1.18`, `true`, `pinecone`).
    /// - Throws: `QSnapError` `.adviceFact` when the name is unknown or the text does not parse.
    public mutating func set(_ name: String, parsing text: String, origin: String = "flag") throws {
        guard let def = AdviceFactCatalog.definition(name) else {
            try set(name, .text(text), origin: origin)  // reports the unknown name
            return
        }
        guard let value = def.type.parse(text) else {
            throw QSnapError(.adviceFact, "fact '\(name)' must be \(def.type), not '\(text)'")
        }
        try set(name, value, origin: origin)
    }

    /// Sets a fact only when it is not already given (lets flags override live facts).
    public mutating func setIfAbsent(_ name: String, _ value: AdviceValue, origin: String) throws {
        guard values[name] == nil else { return }
        try set(name, value, origin: origin)
    }

    /// Given and derived facts together, as rules see them.
    public var resolved: [String: AdviceValue] {
        values.merging(AdviceFactCatalog.derive(from: values)) { given, _ in given }
    }
}
