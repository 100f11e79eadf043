import Foundation
import QSnapCore

/// A thread that is joined rather than detached: ``join()`` returns once the thread has exited — its closure released
/// and its thread-exit clean-up done (thread-local destructors such as OpenSSL's per-thread state). A
/// `Foundation.Thread` is detached, so a signal sent from inside its closure leaves the thread running for a while
/// after the waiter resumed.
final class JoinableThread: @unchecked Sendable {
    /// The name given to the thread.
    let name: String
    private let joinLock = NSLock()
    private var handle: pthread_t?
    private let idLock = NSLock()
    private var tid: Int32?

    /// The kernel's id of the thread (Linux; `nil` elsewhere or before it ran): tests check `/proc/self/task/<id>`.
    var kernelThreadID: Int32? { idLock.withLock { tid } }

    /// Starts `body` on a new thread.
    /// - Parameters:
    ///   - name: the thread's name (at most 15 bytes on Linux; shown by debuggers and `top -H`).
    ///   - stackSize: its stack size in bytes; the system's default when `nil`.
    /// - Throws: `failure("thread.create")` when the system cannot create a thread.
    init(name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) throws {
        self.name = name
        final class Start {
            let name: String
            let body: () -> Void
            weak var owner: JoinableThread?
            init(name: String, body: @escaping () -> Void, owner: JoinableThread) {
                self.name = name
                self.body = body
                self.owner = owner
            }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let context = Unmanaged.passRetained(Start(name: name, body: body, owner: self)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let status = pthread_create(
            &thread, &attributes,
            { raw in
                let pointer: UnsafeMutableRawPointer? = raw
                // Released at the end of this scope: the closure's captures go before the thread exits, not after.
                let start = Unmanaged<Start>.fromOpaque(pointer!).takeRetainedValue()
                if let owner = start.owner {
                    owner.idLock.withLock { owner.tid = JoinableThread.currentKernelThreadID() }
                }
                Thread.current.name = start.name
                start.body()
                return nil
            }, context)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            throw QSnapError(
                .failure("thread.create"), "cannot start the \(name) thread: \(String(cString: strerror(status)))")
        }
        handle = thread
    }

    /// A thread never joined is detached (never joined from its own deinit: that could be on the thread itself).
    deinit {
        if let handle { pthread_detach(handle) }
    }

    /// Waits until the thread has exited; returns at once afterwards (and to concurrent callers once it did).
    func join() {
        joinLock.withLock {
            if let thread = handle {
                pthread_join(thread, nil)
                handle = nil
            }
        }
    }

    private static func currentKernelThreadID() -> Int32? {
        #if os(Linux)
            var link = [UInt8](repeating: 0, count: 64)
            let n = link.withUnsafeMutableBytes {  // "<pid>/task/<tid>"
                readlink("/proc/thread-self", $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
            guard n > 0 else { return nil }
            return String(decoding: link[0..<n], as: UTF8.self).split(separator: "/").last.flatMap { Int32($0) }
        #else
            return nil
        #endif
    }
}
