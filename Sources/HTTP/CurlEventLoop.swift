internal import CCurl
import Foundation
import QSnapCore
import Synchronization

/// The one thread that runs every libcurl transfer of the process, over one multi handle.
///
/// Any thread hands it work through a locked command queue and wakes it with `curl_multi_wakeup`: add a transfer,
/// resume a paused one, abort one. The loop runs `curl_multi_perform`, posts each finished transfer's completion
/// (``CurlTransfer/finish(code:abortError:)``), and sleeps in `curl_multi_poll` (at most a second, so the progress
/// callback still notices cancellation flags and process stops of stalled transfers). libcurl's callbacks run on this
/// thread and never block: they move bytes between libcurl and the transfer's queues, and pause the transfer when
/// the other side is behind (``CurlTransfer/bound``).
final class CurlEventLoop: Sendable {
    /// The process's loop, started on first use.
    static let shared = CurlEventLoop()

    /// The name of the loop's thread (at most 15 characters: Linux's limit).
    static let threadName = "qsnap-curl-loop"

    private enum Command {
        case add(CurlTransfer)
        case resume(CurlTransfer)
        case abort(CurlTransfer, any Error & Sendable)
    }

    private struct Multi: @unchecked Sendable {  // only curl_multi_wakeup (thread-safe) is called off the loop thread
        let pointer: UnsafeMutableRawPointer
    }

    private let multi: Multi
    private let commands = PThreadLocked<[Command]>([])

    private init() {
        _ = HTTPClient.globalInit
        guard let pointer = curl_multi_init() else { fatalError("libcurl: curl_multi_init failed (out of memory)") }
        multi = Multi(pointer: pointer)
        // The HTTP layer's only thread: libcurl's multi interface needs one thread of its own to drive it.
        let thread = Thread { [self] in
            Thread.current.name = CurlEventLoop.threadName  // for debuggers (not seen in /proc/…/comm here)
            self.run()
        }
        thread.start()
    }

    /// Starts `transfer` (its options all set). Its completion is always posted, also when libcurl refuses it.
    func submit(_ transfer: CurlTransfer) { send(.add(transfer)) }

    /// Resumes a transfer paused by one of its callbacks (a no-op when it is not running).
    func resume(_ transfer: CurlTransfer) { send(.resume(transfer)) }

    /// Stops `transfer`: its handle leaves the multi handle and its completion carries `error` (a no-op once it
    /// completed).
    func abort(_ transfer: CurlTransfer, error: any Error & Sendable) { send(.abort(transfer, error)) }

    private func send(_ command: Command) {
        commands.withLock { $0.append(command) }
        curl_multi_wakeup(multi.pointer)
    }

    private func run() {
        let multi = multi.pointer
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            for command in commands.withLock({ queue in
                defer { queue.removeAll() }; return queue
            }) {
                switch command {
                case .add(let transfer):
                    if curl_multi_add_handle(multi, transfer.handle) == CURLM_OK {
                        active[transfer.handle] = transfer
                    } else {
                        transfer.finish(code: CURLE_FAILED_INIT)
                    }
                case .resume(let transfer):
                    if active[transfer.handle] === transfer { _ = curl_easy_pause(transfer.handle, CURLPAUSE_CONT) }
                case .abort(let transfer, let error):
                    guard active[transfer.handle] === transfer else { break }
                    curl_multi_remove_handle(multi, transfer.handle)
                    active[transfer.handle] = nil
                    transfer.finish(code: CURLE_ABORTED_BY_CALLBACK, abortError: error)
                }
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                active.removeValue(forKey: easy)?.finish(code: code)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }
}
