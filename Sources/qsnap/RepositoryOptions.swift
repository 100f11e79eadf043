import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore
import S3

extension S3PayloadSigning: ExpressibleByArgument {}
extension S3ChecksumChoice: ExpressibleByArgument {}

/// How to open a repository: how to reach S3 (unset options come from the AWS environment and profile files), how
/// objects are written, and an encrypted repository's password.
struct RepositoryOptions: ParsableArguments {
    @Option(
        name: .customLong("endpoint-url"),
        help: "The S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS).")
    var endpointURL: String?

    @Option(help: "The signing region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else us-east-1).")
    var region: String?

    @Option(help: "The AWS profile in ~/.aws/credentials and ~/.aws/config (default: AWS_PROFILE, else default).")
    var profile: String?

    @Flag(name: .customLong("path-style"), help: "Address the bucket in the path (default for custom endpoints).")
    var pathStyle = false

    @Flag(name: .customLong("virtual-hosted"), help: "Address the bucket as a host name (default for AWS).")
    var virtualHosted = false

    @Option(name: .customLong("part-size-mib"), help: "Multipart part size in MiB (S3 needs at least 5).")
    var partSizeMiB: Int = 8

    @Option(help: "Parts uploaded in parallel (memory: max(2, concurrency) part buffers per object in flight).")
    var concurrency: Int = 2

    @Option(help: "Attempts per request, the first included.")
    var attempts: Int = 5

    @Option(
        name: .customLong("payload-signing"),
        help: ArgumentHelp(
            "How uploads prove their bytes: auto, signed or unsigned.",
            discussion: "signed: the SHA-256 of every request body is signed, and sent as x-amz-checksum-sha256. "
                + "unsigned: UNSIGNED-PAYLOAD with x-amz-checksum-crc32, checked by the store (about 0.9 CPU-s/GiB "
                + "less). auto (default): signed over http://, unsigned over https://, as the AWS SDKs do."))
    var payloadSigning: S3PayloadSigning = .auto

    @Option(
        name: .customLong("checksum"),
        help: ArgumentHelp(
            "What uploads send for the store to verify: auto, crc32c, crc32, sha256, md5 or none.",
            discussion: "auto (default): sha256 with signed bodies, crc32 with unsigned ones. A store that rejects "
                + "x-amz-checksum-* headers is detected and sent Content-MD5 instead. md5: Content-MD5 only. none: "
                + "no checksum header. qsnap's own SHA-256 of every object is recorded and verified whatever is chosen."
        ))
    var checksum: S3ChecksumChoice = .auto

    @Option(
        name: .customLong("ca-bundle"),
        help:
            "A PEM file of CA certificates to trust for an https:// endpoint (default: AWS_CA_BUNDLE, the profile's ca_bundle, else the system's)."
    )
    var caBundle: String?

    @Option(
        name: .customLong("password-command"),
        help:
            "An encrypted repository's password: the output of this shell command (default: QSNAP_PASSWORD_FILE, else QSNAP_PASSWORD)."
    )
    var passwordCommand: String?

    @Option(
        name: .customLong("sse"),
        help:
            "Server-side encryption of every object written: AES256 (SSE-S3), aws:kms or aws:kms:dsse (default: the bucket's)."
    )
    var sse: String?

    @Option(
        name: .customLong("sse-kms-key-id"), help: "The KMS key id, ARN or alias for --sse aws:kms (default: aws/s3).")
    var sseKMSKeyID: String?

    @Flag(name: .customLong("sse-bucket-key"), help: "Use an S3 Bucket Key with --sse aws:kms (fewer KMS calls).")
    var sseBucketKey = false

    @Option(
        name: .customLong("storage-class"),
        help:
            "Storage class of a backup's data objects, e.g. STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR (manifests and locks stay STANDARD)."
    )
    var storageClass: String?

    @Option(
        name: .customLong("object-tag"), help: "A tag KEY=VALUE put on every object written (repeatable, at most 10).")
    var objectTags: [String] = []

    @Option(
        name: .customLong("object-lock"),
        help:
            "S3 Object Lock retention of every object of a backup: governance or compliance (with --retain-days; the bucket must have Object Lock enabled)."
    )
    var objectLock: String?

    @Option(name: .customLong("retain-days"), help: "Days a backup's objects stay locked (with --object-lock).")
    var retainDays: Int?

    /// Encryption, storage class, tags and Object Lock retention, parsed once (the retention runs from now).
    func objectSettings() throws -> ObjectStorageSettings {
        try ObjectStorageSettings.parse(
            sse: sse, kmsKeyID: sseKMSKeyID, bucketKey: sseBucketKey, storageClass: storageClass, tags: objectTags,
            objectLock: objectLock, retainDays: retainDays, now: Int64(Date().timeIntervalSince1970))
    }

    func validate() throws {
        if pathStyle && virtualHosted { throw ValidationError("choose either --path-style or --virtual-hosted") }
        if partSizeMiB < 1 || partSizeMiB > 5120 { throw ValidationError("--part-size-mib must be 1…5120") }
        if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be 1…64") }
        if attempts < 1 || attempts > 20 { throw ValidationError("--attempts must be 1…20") }
    }

    /// Opens the repository at `location`: a plain one as it is, an encrypted one with its password
    /// (``PasswordSource``).
    func open(_ location: RepositoryLocation, logger: Logger) async throws -> any Repository {
        let raw = try await openStore(location, logger: logger)
        let repository = try await RepositoryKeyring.open(raw) { try PasswordSource.current(command: passwordCommand) }
        if let encrypted = repository as? EncryptedRepository {
            logger.debug("\(raw.displayURL): encrypted repository opened with key \(encrypted.keyID)")
        }
        return repository
    }

    /// Opens the store at `location` itself, without looking at its config (`repo init`).
    func openStore(_ location: RepositoryLocation, logger: Logger) async throws -> any Repository {
        switch location {
        case .s3(let bucket, let prefix):
            return await S3Repository(
                client: try makeClient(bucket: bucket, logger: logger), prefix: prefix, writerOptions: writerOptions)
        case .local(let path):
            return try LocalRepository(root: path)
        case .standardStream:
            throw QSnapError(
                .repoUrl,
                "'-' is standard input/output, not a repository; use s3://BUCKET/PREFIX or a directory")
        }
    }

    /// An S3 client for `bucket` with these options' endpoint, credentials, retries and object settings.
    func makeClient(bucket: String, logger: Logger) async throws -> S3Client {
        let style: S3Configuration.AddressingStyle? = pathStyle ? .path : (virtualHosted ? .virtualHosted : nil)
        let resolved = try S3CredentialResolver().resolve(
            .init(profile: profile, region: region, endpoint: endpointURL, addressingStyle: style, caBundle: caBundle))
        if let bundle = resolved.caBundle, !FileManager.default.isReadableFile(atPath: bundle) {
            throw QSnapError(
                .s3CaBundle,
                "the CA bundle \(bundle) cannot be read; check --ca-bundle, AWS_CA_BUNDLE or the profile's ca_bundle")
        }
        let provider = AWSCredentialProvider(
            source: resolved.credentialSource, userAgent: "qsnap/\(QSnapInfo.version)", caBundlePath: resolved.caBundle,
            logger: logger, onSecret: { SecretRegistry.register($0) })
        // Fetch once now: a source that cannot supply credentials is reported before any work starts.
        let first = try await provider.current()
        logger.debug(
            "S3 endpoint \(resolved.endpoint), region \(resolved.region), \(resolved.addressingStyle.rawValue)-style, access key \(first.credentials.accessKeyID) from \(resolved.credentialSource)"
        )
        let configuration = S3Configuration(
            endpoint: resolved.endpoint, region: resolved.region, addressingStyle: resolved.addressingStyle,
            bucket: bucket, credentialProvider: provider, retryPolicy: RetryPolicy(maxAttempts: attempts))
        var configured = configuration
        configured.objectSettings = try objectSettings()
        configured.payloadSigning = payloadSigning
        configured.checksumChoice = checksum
        configured.caBundlePath = resolved.caBundle
        logger.debug(
            "S3 uploads: \(configured.signsPayload ? "signed SHA-256 bodies" : "UNSIGNED-PAYLOAD") with \(configured.checksumAlgorithm.map { "\($0.displayName) checksums (x-amz-checksum-\($0.rawValue.lowercased()))" } ?? (checksum == .md5 ? "Content-MD5" : "no checksum header")) (--payload-signing \(payloadSigning.rawValue), --checksum \(checksum.rawValue))"
        )
        return try S3Client(configuration: configured, userAgent: "qsnap/\(QSnapInfo.version)", logger: logger)
    }

    /// The part size and parallelism of multipart uploads.
    var writerOptions: S3ObjectWriter.Options {
        S3ObjectWriter.Options(partSize: Int64(partSizeMiB) << 20, concurrency: concurrency)
    }
}
