/// Facts about this build of qsnap.
public enum QSnapInfo {
    /// The qsnap version, recorded in every manifest.
    public static let version = "0.1.0"
}
