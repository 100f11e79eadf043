import QSnapCore
import Synchronization
import Testing

@Suite struct BoundedChannelTests {
    @Test(arguments: [0, 1, 4])
    func elementsArriveInOrderThenTheEnd(capacity: Int) async throws {
        let channel = BoundedChannel<Int>(capacity: capacity)
        async let sent: Void = {
            for i in 0..<1000 { try await channel.send(i) }
            channel.finish()
        }()
        var received: [Int] = []
        while let i = try await channel.receive() { received.append(i) }
        try await sent
        #expect(received == Array(0..<1000))
        #expect(try await channel.receive() == nil, "a finished channel stays finished")
    }

    @Test func aSenderWaitsWhileTheBufferIsFull() async throws {
        let channel = BoundedChannel<Int>(capacity: 2)
        let progress = Atomic<Int>(0)
        let sender = Task {
            for i in 0..<5 {
                try await channel.send(i)
                progress.add(1, ordering: .relaxed)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(progress.load(ordering: .relaxed) == 2, "two buffered, the third send waits")
        #expect(try await channel.receive() == 0)
        try await Task.sleep(for: .milliseconds(100))
        #expect(progress.load(ordering: .relaxed) == 3)
        for expected in 1..<5 { #expect(try await channel.receive() == expected) }
        try await sender.value
    }

    @Test func aFailureReachesWaitingAndLaterCallsAndDropsTheBuffer() async throws {
        struct Boom: Error {}
        let channel = BoundedChannel<Int>(capacity: 1)
        try await channel.send(1)
        let blocked = Task { try await channel.send(2) }
        try await Task.sleep(for: .milliseconds(50))
        channel.fail(Boom())
        await #expect(throws: Boom.self) { try await blocked.value }
        await #expect(throws: Boom.self) { try await channel.receive() }
        await #expect(throws: Boom.self) { try await channel.send(3) }
    }

    @Test func sendingToAFinishedChannelFails() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        channel.finish()
        await #expect(throws: BoundedChannel<Int>.ChannelFinished.self) { try await channel.send(1) }
    }

    @Test func cancellingAWaitingReceiverOrSenderEndsItsCall() async throws {
        let channel = BoundedChannel<Int>(capacity: 0)
        let receiver = Task { try await channel.receive() }
        let sender = Task {
            let full = BoundedChannel<Int>(capacity: 0)
            try await full.send(1)  // no receiver ever comes
        }
        try await Task.sleep(for: .milliseconds(50))
        receiver.cancel()
        sender.cancel()
        await #expect(throws: CancellationError.self) { try await receiver.value }
        await #expect(throws: CancellationError.self) { try await sender.value }
        // The channel still works for others afterwards.
        async let got = channel.receive()
        try await channel.send(7)
        #expect(try await got == 7)
    }

    @Test func manySendersAndReceiversLoseAndDuplicateNothing() async throws {
        let channel = BoundedChannel<Int>(capacity: 3)
        let total = try await withThrowingTaskGroup(of: [Int].self) { group in
            for s in 0..<4 {
                group.addTask {
                    for i in 0..<250 { try await channel.send(s * 1000 + i) }
                    return []
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    var mine: [Int] = []
                    while let i = try await channel.receive() { mine.append(i) }
                    return mine
                }
            }
            var all: [Int] = []
            var finishedSenders = 0
            for try await part in group {
                if part.isEmpty {
                    finishedSenders += 1
                    if finishedSenders == 4 { channel.finish() }
                } else {
                    all += part
                }
            }
            return all
        }
        var expected: [Int] = []
        for s in 0..<4 { expected += (0..<250).map { s * 1000 + $0 } }
        #expect(total.sorted() == expected)
    }
}
