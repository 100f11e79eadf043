import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 for transport tests: one request per connection (`Connection: close`).
public final class LoopbackServer: Sendable {
    /// A request as the server received it.
    public struct Request: Sendable {
        public var method: String
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]
        /// The first value of a header (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The answer to send.
    public struct Response: Sendable {
        public var status: Int = 200
        public var headers: [(String, String)] = []
        public var body: [UInt8] = []

        public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// The port it listens on.
    public let port: Int
    private let listener: Int32
    private let received = Mutex<[Request]>([])

    /// Every request received so far.
    public var requests: [Request] { received.withLock { $0 } }

    /// Starts listening on a free port of 127.0.0.1.
    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 128) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        let thread = Thread { [self] in self.serve(handler) }
        thread.start()
    }

    private let stopped = DispatchSemaphore(value: 0)

    /// Stops listening; the accept thread closes the socket (closing it here could hit a reused descriptor).
    public func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        _ = stopped.wait(timeout: .now() + 5)
    }

    private func serve(_ handler: @Sendable (Request) -> Response) {
        while true {
            let conn = accept(listener, nil, nil)
            if conn < 0 {
                close(listener)
                stopped.signal()
                return
            }
            if let request = readRequest(conn) {
                received.withLock { $0.append(request) }
                let response = handler(request)
                var head =
                    "HTTP/1.1 \(response.status) X\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
                for (n, v) in response.headers { head += "\(n): \(v)\r\n" }
                head += "\r\n"
                let bytes = Array(head.utf8) + response.body
                var off = 0
                while off < bytes.count {
                    let n = bytes[off...].withUnsafeBytes { send(conn, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n <= 0 { break }
                    off += n
                }
            }
            close(conn)
        }
    }

    private func readRequest(_ conn: Int32) -> Request? {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        func fill() -> Bool {
            let n = buffer.withUnsafeMutableBytes { recv(conn, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            data += buffer[0..<n]
            return true
        }
        let separator = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            if let r = data.firstRange(of: separator) { headerEnd = r.upperBound; break }
            if !fill() { return nil }
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let requestLine = lines.removeFirst().split(separator: " ")
        let headers = lines.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var request = Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: [])
        if let length = request.header("Content-Length").flatMap(Int.init) {
            while data.count - headerEnd! < length { if !fill() { break } }
            request.body = Array(data[headerEnd!..<min(data.count, headerEnd! + length)])
        }
        return request
    }
}
