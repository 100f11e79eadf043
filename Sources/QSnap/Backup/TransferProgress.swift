import Foundation

/// Byte counters per node, shared by transfer threads and read by a progress display.
public final class TransferProgress: @unchecked Sendable {
    /// A snapshot of one node's counters.
    public struct Line: Sendable {
        public var node: String
        public var bytes: Int64
        public var expected: Int64
        public var objectsDone: Int
        public var objectsTotal: Int
    }

    private let lock = NSLock()
    private var lines: [String: Line] = [:]
    private var order: [String] = []
    public let started = Date()

    public init() {}

    func plan(node: String, objects: Int) {
        lock.withLock {
            if lines[node] == nil {
                lines[node] = Line(node: node, bytes: 0, expected: 0, objectsDone: 0, objectsTotal: 0)
                order.append(node)
            }
            lines[node]!.objectsTotal += objects
        }
    }

    func expect(node: String, bytes: Int64) { lock.withLock { lines[node]?.expected += bytes } }
    func add(node: String, bytes: Int64) { lock.withLock { lines[node]?.bytes += bytes } }
    func rewind(node: String, bytes: Int64, expected: Int64) {
        lock.withLock {
            lines[node]?.bytes -= bytes
            lines[node]?.expected -= expected
        }
    }
    func objectDone(node: String) { lock.withLock { lines[node]?.objectsDone += 1 } }

    /// The current counters, in the order nodes were planned.
    public func snapshot() -> [Line] { lock.withLock { order.compactMap { lines[$0] } } }
}
