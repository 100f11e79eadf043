/// A library target's closed set of failure codes, each with a stable identifier such as `s3.not-found`.
public protocol LibraryErrorCode: RawRepresentable, CaseIterable, Sendable, Hashable, CustomStringConvertible
where RawValue == String {}

extension LibraryErrorCode {
    /// The stable identifier qsnap reports, such as `s3.not-found`.
    public var identifier: String { rawValue }

    public var description: String { rawValue }
}
