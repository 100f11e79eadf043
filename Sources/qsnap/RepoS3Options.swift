import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore
import S3

/// Options that say how to reach S3; unset ones come from the AWS environment and profile files.
struct RepoS3Options: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: "The S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS).")
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

    @Option(help: "Parts uploaded in parallel (memory: about concurrency × part size).")
    var concurrency: Int = 3

    @Option(help: "Attempts per request, the first included.")
    var attempts: Int = 5

    func validate() throws {
        if pathStyle && virtualHosted { throw ValidationError("choose either --path-style or --virtual-hosted") }
        if partSizeMiB < 1 || partSizeMiB > 5120 { throw ValidationError("--part-size-mib must be 1…5120") }
        if concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be 1…64") }
        if attempts < 1 || attempts > 20 { throw ValidationError("--attempts must be 1…20") }
    }

    func makeClient(bucket: String, logger: Logger) throws -> S3Client {
        let style: S3Configuration.AddressingStyle? = pathStyle ? .path : (virtualHosted ? .virtualHosted : nil)
        let resolved = try S3CredentialResolver().resolve(
            .init(profile: profile, region: region, endpoint: endpointURL, addressingStyle: style))
        logger.debug(
            "S3 endpoint \(resolved.endpoint), region \(resolved.region), \(resolved.addressingStyle.rawValue)-style, access key \(resolved.credentials.accessKeyID) from \(resolved.credentialSource)")
        let configuration = S3Configuration(
            endpoint: resolved.endpoint, region: resolved.region, addressingStyle: resolved.addressingStyle,
            bucket: bucket, credentials: resolved.credentials, retryPolicy: RetryPolicy(maxAttempts: attempts))
        var configured = configuration
        // Testing aid (integration test of clock-skew correction): pretend the local clock is off by N seconds.
        if let skew = ProcessInfo.processInfo.environment["QSNAP_TEST_CLOCK_SKEW_SECONDS"].flatMap(Int64.init) {
            configured.clockOffset = skew
        }
        return try S3Client(configuration: configured, userAgent: "qsnap/\(QSnapInfo.version)", logger: logger)
    }

    var writerOptions: S3ObjectWriter.Options {
        var options = S3ObjectWriter.Options(partSize: Int64(partSizeMiB) << 20, concurrency: concurrency)
        // Testing aid (integration tests of resume): stop after N stored parts, keeping the upload.
        if let stop = ProcessInfo.processInfo.environment["QSNAP_TEST_STOP_AFTER_PARTS"].flatMap(Int.init) {
            options.stopAfterParts = stop
        }
        return options
    }
}
