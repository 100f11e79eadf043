import Foundation
import QSnapCore

/// Resolves credentials, region and endpoint the way AWS tools do.
///
/// Credentials: the AWS default chain (``AWSCredentialChain``) over the environment, `~/.aws/credentials`
/// (`AWS_SHARED_CREDENTIALS_FILE`) and `~/.aws/config` (`AWS_CONFIG_FILE`, section `[profile NAME]` or `[default]`).
/// Region: flag → `AWS_REGION` → `AWS_DEFAULT_REGION` → profile `region` → `us-east-1`.
/// Endpoint: flag → `AWS_ENDPOINT_URL_S3` → `AWS_ENDPOINT_URL` → profile `s3 = endpoint_url` → profile
/// `endpoint_url` → AWS. CA bundle: flag → `AWS_CA_BUNDLE` → profile `ca_bundle` → the system's. Addressing: flag → profile `s3 = addressing_style` → path-style for custom endpoints,
/// virtual-hosted for AWS.
public struct S3CredentialResolver: Sendable {
    /// The environment to read.
    public var environment: [String: String]
    /// Reads a file's text, `nil` when absent.
    public var readFile: @Sendable (String) -> String?
    /// The `RoleSessionName` of assumed roles without `role_session_name` / `AWS_ROLE_SESSION_NAME`.
    public var defaultSessionName = "qsnap-\(Int64(Date().timeIntervalSince1970))"

    /// Creates a resolver over an environment and a file reader (defaults: the process's).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        readFile: @escaping @Sendable (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) {
        self.environment = environment
        self.readFile = readFile
    }

    /// Values given explicitly (command-line flags); `nil` means "not given".
    public struct Overrides: Sendable {
        /// `--profile`.
        public var profile: String?
        /// `--region`.
        public var region: String?
        /// `--endpoint-url`.
        public var endpoint: String?
        /// `--path-style` / `--virtual-hosted`.
        public var addressingStyle: S3Configuration.AddressingStyle?
        /// `--ca-bundle`.
        public var caBundle: String?
        /// Creates overrides.
        public init(
            profile: String? = nil, region: String? = nil, endpoint: String? = nil,
            addressingStyle: S3Configuration.AddressingStyle? = nil, caBundle: String? = nil
        ) {
            self.profile = profile
            self.region = region
            self.endpoint = endpoint
            self.addressingStyle = addressingStyle
            self.caBundle = caBundle
        }
    }

    private func env(_ name: String) -> String? {
        guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    private var home: String { env("HOME") ?? NSHomeDirectory() }

    /// Parses an AWS INI file into sections of keys; `s3 =` sub-sections become keys `s3.<name>`.
    public static func parseINI(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var subsection: String?
        for rawLine in text.components(separatedBy: .newlines) {
            let indented = rawLine.first == " " || rawLine.first == "\t"
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                subsection = nil
                if sections[current!] == nil { sections[current!] = [:] }
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            line = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if indented, let sub = subsection {
                sections[section]?["\(sub).\(key)"] = line
            } else if line.isEmpty {
                subsection = key
            } else {
                subsection = nil
                sections[section]?[key] = line
            }
        }
        return sections
    }

    /// The resolved settings (secrets included: never print them).
    public struct Resolved: Sendable {
        /// Where the credentials come from (static keys inside; print it: its description has no secret).
        public var credentialSource: AWSCredentialSource
        /// The signing region.
        public var region: String
        /// The endpoint base URL.
        public var endpoint: String
        /// The addressing style.
        public var addressingStyle: S3Configuration.AddressingStyle
        /// CA certificates to trust for `https://` (`--ca-bundle`, `AWS_CA_BUNDLE`, the profile's `ca_bundle`).
        public var caBundle: String?
    }

    /// Resolves everything: the credential source (``AWSCredentialChain``, nothing fetched yet), region, endpoint.
    /// - Throws: an ``S3Error`` (`s3.credentials` or `s3.profile`, usage errors once mapped) naming what is missing
    ///   or inconsistent and where it is looked for.
    public func resolve(_ overrides: Overrides = Overrides()) throws -> Resolved {
        let profileName = overrides.profile ?? env("AWS_PROFILE") ?? "default"
        let credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        let configPath = env("AWS_CONFIG_FILE") ?? "\(home)/.aws/config"
        let credentialsFile = readFile(credentialsPath).map(S3CredentialResolver.parseINI) ?? [:]
        let configFile = readFile(configPath).map(S3CredentialResolver.parseINI) ?? [:]
        let configSection =
            (profileName == "default" ? configFile["default"] : nil) ?? configFile["profile \(profileName)"]
            ?? configFile[profileName] ?? [:]
        let region =
            overrides.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? configSection["region"]
            ?? "us-east-1"
        let chain = AWSCredentialChain(
            environment: environment, credentialsFile: credentialsFile, configFile: configFile,
            credentialsPath: credentialsPath, configPath: configPath, region: region,
            defaultSessionName: defaultSessionName)
        let source = try chain.plan(explicitProfile: overrides.profile)

        let configuredEndpoint =
            overrides.endpoint ?? env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL")
            ?? configSection["s3.endpoint_url"] ?? configSection["endpoint_url"]
        let endpoint = configuredEndpoint ?? S3Configuration.awsEndpoint(region: region)
        var style: S3Configuration.AddressingStyle
        if let forced = overrides.addressingStyle {
            style = forced
        } else if let configured = configSection["s3.addressing_style"]?.lowercased(), configured != "auto" {
            style = configured == "path" ? .path : .virtualHosted
        } else {
            style = S3Configuration.isAWS(endpoint: endpoint) ? .virtualHosted : .path
        }
        return Resolved(
            credentialSource: source, region: region, endpoint: endpoint, addressingStyle: style,
            caBundle: overrides.caBundle ?? env("AWS_CA_BUNDLE") ?? configSection["ca_bundle"])
    }
}
