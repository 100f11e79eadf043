import Foundation
import Testing

@testable import QSnap

@Suite struct JoinableThreadTests {
    /// The text of a `/proc` file, `nil` when it cannot be read (the task is gone).
    static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text += buffer[0..<n]
        }
        return text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
    }

    /// The ones of `threads` still running: present in `/proc/self/task` and not in the kernel's exit path. The kernel
    /// sets `PF_EXITING` (0x4 in the flags, field 9 of `stat`) before it wakes a `pthread_join`, so a joined thread is
    /// gone or has it — deterministically, with no sleep. A thread whose task id now names another thread (a reused id)
    /// is gone too.
    static func stillRunning(_ threads: [JoinableThread]) -> [String] {
        threads.compactMap { thread in
            guard let tid = thread.kernelThreadID else { return "\(thread.name): no thread id recorded" }
            guard let stat = procText("/proc/self/task/\(tid)/stat"), let open = stat.firstIndex(of: "("),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            guard stat[stat.index(after: open)..<close] == thread.name.prefix(15) else { return nil }
            // After the name: state ppid pgrp session tty_nr tpgid flags …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 6, let flags = UInt64(fields[6]) else {
                return "\(thread.name) \(tid): unreadable stat"
            }
            return flags & 0x4 != 0 ? nil : "\(thread.name) (task \(tid), state \(fields[0])) still running"
        }
    }

    @Test func aJoinedThreadHasRunItsExitCleanUpAndIsGone() throws {
        // A thread-local destructor stands for the thread-exit work (OpenSSL's per-thread state, the closure's captures)
        // that runs after the closure returned: join() returns only after it.
        final class Probe: @unchecked Sendable {
            let lock = NSLock()
            var destructorRan = false
            var comm: String?
        }
        var key = pthread_key_t()
        try #require(
            pthread_key_create(
                &key,
                { value in
                    guard let value else { return }
                    let probe = Unmanaged<Probe>.fromOpaque(value).takeRetainedValue()
                    usleep(20_000)
                    probe.lock.withLock { probe.destructorRan = true }
                }) == 0)
        defer { pthread_key_delete(key) }
        let threadKey = key
        for _ in 0..<5 {
            let probe = Probe()
            let thread = try JoinableThread(name: "qsnap-test-exit") {
                let comm = Self.procText("/proc/thread-self/comm")?.trimmingCharacters(in: .whitespacesAndNewlines)
                probe.lock.withLock { probe.comm = comm }
                pthread_setspecific(threadKey, Unmanaged.passRetained(probe).toOpaque())
            }
            thread.join()
            #expect(probe.lock.withLock { probe.destructorRan })
            #expect(probe.lock.withLock { probe.comm } == "qsnap-test-exit", "the thread carries its name")
            #expect(thread.kernelThreadID != nil)
            #expect(Self.stillRunning([thread]).isEmpty)
            thread.join()  // again: returns at once
        }
    }
}
