import Foundation
import QSnapCore
import Synchronization

/// Counters per line (a node, a verification, a migration), shared by the threads doing the work and read by a
/// progress display. Thread-safe.
public final class TransferProgress: Sendable {
    private struct State {
        var lines: [String: ProgressFigures] = [:]
        var order: [String] = []
    }

    private let state = Mutex(State())
    /// When the work started (rates and ETAs are over the time since).
    public let started = Date()
    /// What the lines count.
    public let unit: ProgressFigures.Unit

    /// Creates empty counters of `unit`.
    public init(unit: ProgressFigures.Unit = .bytes) {
        self.unit = unit
    }

    /// Adds `objects` planned objects to line `node` (creating it).
    public func plan(node: String, objects: Int) {
        state.withLock { s in
            if s.lines[node] == nil {
                s.lines[node] = ProgressFigures(label: node, unit: unit, done: 0, expected: 0)
                s.order.append(node)
            }
            s.lines[node]!.objectsTotal += objects
        }
    }

    /// Adds to what line `node` expects in all.
    public func expect(node: String, bytes: Int64) { state.withLock { $0.lines[node]?.expected += bytes } }
    /// Adds to what line `node` has done.
    public func add(node: String, bytes: Int64) { state.withLock { $0.lines[node]?.done += bytes } }
    /// Takes back a failed attempt's progress.
    public func rewind(node: String, bytes: Int64, expected: Int64) {
        state.withLock { s in
            s.lines[node]?.done -= bytes
            s.lines[node]?.expected -= expected
        }
    }
    /// Counts one finished object of line `node`.
    public func objectDone(node: String) { state.withLock { $0.lines[node]?.objectsDone += 1 } }

    /// The current figures, in the order the lines were planned.
    public func snapshot() -> [ProgressFigures] { state.withLock { s in s.order.compactMap { s.lines[$0] } } }
}
