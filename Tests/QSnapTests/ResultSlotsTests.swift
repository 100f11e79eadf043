import Foundation
import QSnapCore
import Testing

@testable import QSnap

@Suite struct ResultSlotsTests {
    @Test func everyTaskFillsItsOwnSlot() throws {
        let slots = ResultSlots<Int>(count: 50)
        DispatchQueue.concurrentPerform(iterations: 50) { i in
            slots.set(i, i % 7 == 0 ? .failure(QSnapError(.failure("t"), "\(i)")) : .success(i * 2))
        }
        for (i, value) in slots.values.enumerated() {
            if i % 7 == 0 {
                #expect(throws: QSnapError.self) { try value.get() }
            } else {
                #expect(try value.get() == i * 2)
            }
        }
    }

    @Test func anUnfilledSlotIsAFailure() {
        let slots = ResultSlots<Int>(count: 2)
        slots.set(0, .success(1))
        #expect(throws: QSnapError.self) { try slots.values[1].get() }
    }
}
