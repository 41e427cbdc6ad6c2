import Foundation
import Testing

@testable import DingSyncStream

func approvalEvent(_ id: String, instance: String, message: String? = nil) -> ApprovalEvent {
    ApprovalEvent(
        eventId: id, messageId: message ?? "m-\(id)", eventType: "bpms_instance_change", processInstanceId: instance,
        processCode: "P", type: "finish", bornAt: nil)
}

@Suite struct EventCoalescingTests {
    let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func eventsOfOneInstanceWithinTheWindowShareOneRead() {
        var coalescer = EventCoalescer(window: 1)
        coalescer.add(approvalEvent("e1", instance: "A"), at: t0)
        coalescer.add(approvalEvent("e2", instance: "B"), at: t0.addingTimeInterval(0.2))
        coalescer.add(approvalEvent("e3", instance: "A"), at: t0.addingTimeInterval(0.5))
        #expect(coalescer.instanceCount == 2)
        #expect(!coalescer.isDue(at: t0.addingTimeInterval(0.9)))
        #expect(coalescer.isDue(at: t0.addingTimeInterval(1)))
        let batch = coalescer.take()
        #expect(batch.map(\.instanceId) == ["A", "B"])
        #expect(batch.first?.events.map(\.eventId) == ["e1", "e3"])
        #expect(coalescer.isEmpty)
        #expect(coalescer.deadline == nil)
    }

    /// One change arrives as several events a few milliseconds apart: a batch leaves an instance
    /// whose events are still arriving for the next one, so it is read once, after all of them.
    @Test func anInstanceWhoseEventsAreStillArrivingWaitsForTheNextBatch() {
        var coalescer = EventCoalescer(window: 1)
        coalescer.add(approvalEvent("e1", instance: "A"), at: t0)
        coalescer.add(approvalEvent("e2", instance: "B"), at: t0.addingTimeInterval(0.95))
        coalescer.add(approvalEvent("e3", instance: "A"), at: t0.addingTimeInterval(0.3))
        let now = t0.addingTimeInterval(1)
        #expect(coalescer.isDue(at: now))
        let batch = coalescer.take(settledBy: now.addingTimeInterval(-0.15))
        #expect(batch.map(\.instanceId) == ["A"])
        #expect(batch.first?.events.map(\.eventId) == ["e1", "e3"])
        // B waits, its window counted from its own first event
        #expect(coalescer.instanceCount == 1)
        #expect(coalescer.deadline == t0.addingTimeInterval(1.95))
        coalescer.add(approvalEvent("e4", instance: "B"), at: t0.addingTimeInterval(1.01))
        #expect(coalescer.take(settledBy: t0.addingTimeInterval(2)).first?.events.map(\.eventId) == ["e2", "e4"])
        #expect(coalescer.isEmpty && coalescer.deadline == nil)
    }

    @Test func aRedeliveryWhileWaitingIsKeptForItsAckButNotNew() {
        var coalescer = EventCoalescer(window: 1)
        let first = coalescer.add(approvalEvent("e1", instance: "A", message: "m1"), at: t0)
        let again = coalescer.add(approvalEvent("e1", instance: "A", message: "m2"), at: t0)
        #expect(first)
        #expect(!again)
        #expect(coalescer.isWaiting(eventId: "e1"))
        #expect(coalescer.take().first?.events.map(\.messageId) == ["m1", "m2"])
    }

    @Test func windowZeroIsDueAtOnce() {
        var coalescer = EventCoalescer(window: 0)
        coalescer.add(approvalEvent("e1", instance: "A"), at: t0)
        #expect(coalescer.isDue(at: t0))
    }

    @Test func dedupeRemembersUpToItsCapacity() {
        var deduper = EventDeduper(capacity: 3)
        for id in ["a", "b", "c", "b", "d"] { deduper.insert(id) }
        #expect(deduper.recent == ["b", "c", "d"])
        #expect(!deduper.contains("a"))
        #expect(deduper.contains("d"))
        deduper.insert("")
        #expect(deduper.recent.count == 3)
    }

    @Test func dedupeStartsFromWhatWasSaved() {
        let restored = EventDeduper(capacity: 2, recent: ["x", "y", "z"])
        #expect(restored.recent == ["y", "z"])
        #expect(restored.contains("z"))
    }

    @Test func backoffDoublesToSixtySecondsWithJitterAndResets() {
        var backoff = ReconnectBackoff()
        let delays = (0..<8).map { _ in backoff.next(jitter: 0) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(backoff.next(jitter: 1) == 61)
        backoff.reset()
        #expect(backoff.next(jitter: 0.5) == 1.5)
    }
}
