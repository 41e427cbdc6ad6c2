import Foundation
import Testing

@testable import DingSyncStore

/// `acquireSuspending`: the run lock taken by an async caller (`watch`) without blocking a thread.
@Suite struct RunLockWaitTests {
    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)").path
    }

    @Test func givesUpWithLockHeldWhenTheWaitIsOver() async throws {
        let file = path()
        let holder = RunLock(path: file)
        try holder.acquire(now: Date(), timeZone: .current)
        defer { holder.release() }
        let started = Date()
        await #expect(throws: LockHeldError.self) {
            try await RunLock(path: file).acquireSuspending(now: Date(), timeZone: .current, wait: 0.5, poll: 0.05)
        }
        #expect(Date().timeIntervalSince(started) >= 0.5)
    }

    @Test func takesTheLockOnceTheHolderReleasesIt() async throws {
        let file = path()
        let holder = RunLock(path: file)
        try holder.acquire(now: Date(), timeZone: .current)
        // released from a plain thread: under the full suite the concurrency pool may be busy for long
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { holder.release() }
        let waiter = RunLock(path: file)
        try await waiter.acquireSuspending(now: Date(), timeZone: .current, wait: 300, poll: 0.05)
        waiter.release()
    }
}
