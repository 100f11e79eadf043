import Foundation

/// URL helpers for `qsnap advise`.
public enum AdviseURL {
    /// `url` without `user:password@`, so that credentials never reach printed commands or fact origins.
    public static func withoutCredentials(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.user != nil || c.password != nil else { return url }
        c.user = nil
        c.password = nil
        return c.string ?? url
    }
}
