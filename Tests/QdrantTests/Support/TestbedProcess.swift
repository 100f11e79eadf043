import Foundation
import HTTP
import QSnapCore

/// The Qdrant test double (`Tests/Testbed`, Python) run as a child process on free loopback ports.
///
/// `start` waits for its `READY url1,url2,…` line; `stop` (SIGTERM, then SIGKILL) must be called in every case.
final class TestbedProcess: @unchecked Sendable {
    /// The repository root (three levels above this file).
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The project's Python.
    static let python = repo.appendingPathComponent(".venv/bin/python")
    /// True when the project's venv exists (`make setup`); live tests are skipped otherwise.
    static var available: Bool { FileManager.default.isExecutableFile(atPath: python.path) }

    let process: Process
    /// The REST URL of each node.
    let urls: [String]
    /// The storage directory (removed by `stop`).
    let storage: URL
    private let log: URL

    private let input: Pipe

    private init(process: Process, urls: [String], storage: URL, log: URL, input: Pipe) {
        self.process = process
        self.urls = urls
        self.storage = storage
        self.log = log
        self.input = input
    }

    /// Starts the double and waits (up to `timeout` seconds) until it listens.
    static func start(peers: Int = 1, arguments: [String] = [], timeout: Double = 60) async throws -> TestbedProcess {
        let storage = FileManager.default.temporaryDirectory
            .appendingPathComponent("qsnap-qdrant-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        let log = storage.appendingPathComponent("testbed.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = python
        // `python -m qdrant_testbed …`, after unblocking signals: a child spawned from a Swift thread inherits
        // that thread's blocked-signal mask (SIGTERM included), which would keep the double from shutting down.
        let launcher =
            "import runpy, signal; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
            + "runpy.run_module('qdrant_testbed', run_name='__main__', alter_sys=True)"
        process.arguments =
            [
                "-c", launcher, "--port", "0", "--host", "127.0.0.1",
                "--storage", storage.appendingPathComponent("data").path, "--peers", String(peers),
            ]
            + ["--exit-on-stdin-eof"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = repo.appendingPathComponent("Tests/Testbed").path
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: log)
        // The double stops when this pipe closes: it cannot outlive the test process, even after a crash.
        let input = Pipe()
        process.standardInput = input
        try process.run()

        // Reads the READY line without blocking a thread (this runs in a test's task): the pipe is polled until the
        // deadline, after which a double that never got ready is killed.
        let fd = out.fileHandleForReading.fileDescriptor
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        var urls: [String]?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while urls == nil, Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                guard errno == EAGAIN || errno == EINTR else { break }
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            text += String(decoding: buffer[0..<n], as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                urls = line.dropFirst(6).split(separator: ",").map(String.init)
            }
        }
        guard let urls, urls.count == peers else {
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: storage)
            throw TestbedError(
                "the Qdrant test double did not start: \(text) \(stderr.suffix(2000))")
        }
        return TestbedProcess(process: process, urls: urls, storage: storage, log: log, input: input)
    }

    /// The first node's URL.
    var url: String { urls[0] }

    /// Stops the double (SIGTERM, SIGKILL after 5 s) and removes its storage.
    func stop() async {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        // Returns at once now; it lets Foundation drop its bookkeeping of the child (otherwise reported as leaked).
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: storage)
    }

    /// Sends a raw JSON request (for what the client does not cover, e.g. upserting points) and returns the status
    /// and the parsed body.
    @discardableResult
    func raw(_ method: String, _ path: String, json: String? = nil, node: Int = 0, apiKey: String? = nil) async throws
        -> (status: Int, body: JSONValue?)
    {
        var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
        if let apiKey { headers.append(HTTPHeader(name: "api-key", value: apiKey)) }
        let response = try await HTTPClient().execute(
            HTTPRequest(method: method, url: urls[node] + path, headers: headers, timeout: 30),
            body: json.map { .bytes(Array($0.utf8)) } ?? .none)
        return (response.status, try? JSONValue.parse(response.body))
    }

    /// Upserts points given as a JSON array text.
    func upsert(_ collection: String, points: String, apiKey: String? = nil) async throws {
        let (status, body) = try await raw(
            "PUT", "/collections/\(collection)/points?wait=true",
            json: #"{"points":\#(points)}"#, apiKey: apiKey)
        guard status == 200 else {
            throw TestbedError("upsert failed: HTTP \(status) \(body?.description ?? "")")
        }
    }

    /// Replaces the fault configuration (`/__testbed/faults`).
    func setFaults(_ json: String) async throws {
        let (status, _) = try await raw("POST", "/__testbed/faults", json: json)
        guard status == 200 else { throw TestbedError("setting faults failed: HTTP \(status)") }
    }
}

/// A failure of the test double's set-up.
struct TestbedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
