import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct SyncPlanTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
    let day: TimeInterval = 86_400

    @Test func incrementalWithoutCheckpointUsesDefaultHours() throws {
        let plan = try SyncPlan.make(
            mode: .incremental, processCodes: ["P"], checkpoints: [:], now: now, sync: SyncConfig())
        #expect(plan.windows.first?.slices == [TimeWindow(start: now.addingTimeInterval(-24 * 3600), end: now)])
        #expect(plan.advancesCheckpoint)
        #expect(plan.notes.first?.contains("no checkpoint") == true)
    }

    @Test func incrementalStartsAtCheckpointMinusLookback() throws {
        let checkpoint = now.addingTimeInterval(-3 * 3600)
        let plan = try SyncPlan.make(
            mode: .incremental, processCodes: ["P", "Q"], checkpoints: ["P": checkpoint], now: now, sync: SyncConfig())
        #expect(plan.windows[0].slices == [TimeWindow(start: checkpoint.addingTimeInterval(-600), end: now)])
        #expect(plan.windows[1].slices == [TimeWindow(start: now.addingTimeInterval(-86_400), end: now)])
    }

    @Test func checkpointInTheFutureIsClamped() throws {
        let plan = try SyncPlan.make(
            mode: .incremental, processCodes: ["P"], checkpoints: ["P": now.addingTimeInterval(86_400)], now: now,
            sync: SyncConfig())
        #expect(plan.windows[0].slices == [TimeWindow(start: now.addingTimeInterval(-600), end: now)])
        #expect(plan.notes.contains { $0.contains("in the future") })
    }

    @Test func initAndFullCheckWindows() throws {
        var sync = SyncConfig()
        sync.initDays = 7
        sync.fullCheckDays = 30
        let i = try SyncPlan.make(mode: .initial, processCodes: ["P"], checkpoints: [:], now: now, sync: sync)
        #expect(i.windows[0].slices == [TimeWindow(start: now.addingTimeInterval(-7 * day), end: now)])
        let f = try SyncPlan.make(mode: .fullCheck, processCodes: ["P"], checkpoints: [:], now: now, sync: sync)
        #expect(f.windows[0].slices == [TimeWindow(start: now.addingTimeInterval(-30 * day), end: now)])
    }

    @Test func longRangesAreSlicedAt120Days() throws {
        let start = now.addingTimeInterval(-300 * day)
        let plan = try SyncPlan.make(
            mode: .range(start: start, end: nil), processCodes: ["P"], checkpoints: [:], now: now, sync: SyncConfig())
        let slices = plan.windows[0].slices
        #expect(slices.count == 3)
        #expect(slices.allSatisfy { $0.end.timeIntervalSince($0.start) <= 120 * day })
        #expect(slices.first?.start == start)
        #expect(slices.last?.end == now)
        for (a, b) in zip(slices, slices.dropFirst()) { #expect(a.end == b.start) }
        #expect(!plan.advancesCheckpoint)
    }

    @Test func exactly120DaysIsOneSlice() throws {
        let start = now.addingTimeInterval(-120 * day)
        let plan = try SyncPlan.make(
            mode: .range(start: start, end: now), processCodes: ["P"], checkpoints: [:], now: now, sync: SyncConfig())
        #expect(plan.windows[0].slices.count == 1)
    }

    @Test func startOlderThan365DaysIsRefused() {
        let old = now.addingTimeInterval(-400 * day)
        #expect {
            _ = try SyncPlan.make(
                mode: .range(start: old, end: nil), processCodes: ["P"], checkpoints: [:], now: now, sync: SyncConfig())
        } throws: { error in
            guard let e = error as? SyncPlanError, case .startTooOld(_, _, false, _) = e else { return false }
            return e.exitCode == 64 && e.localizedDescription.contains("365 days")
        }
        #expect {
            _ = try SyncPlan.make(
                mode: .incremental, processCodes: ["P"], checkpoints: ["P": old], now: now, sync: SyncConfig())
        } throws: { error in
            guard let e = error as? SyncPlanError, case .startTooOld(_, _, true, _) = e else { return false }
            return e.exitCode == 2 && e.localizedDescription.contains("delete the checkpoint")
        }
    }

    @Test func futureEndIsClampedToNow() throws {
        let plan = try SyncPlan.make(
            mode: .range(start: now.addingTimeInterval(-day), end: now.addingTimeInterval(day)),
            processCodes: ["P"], checkpoints: [:], now: now, sync: SyncConfig())
        #expect(plan.windows[0].slices.last?.end == now)
    }

    @Test func monthEndBoundaryInShanghai() throws {
        // 2025-01-31 23:30 Beijing → 2025-02-01 00:30 Beijing, across the month end.
        let start = try TimeArgument.parse(
            "2025-01-31 23:30", role: .start, timeZone: SyncConfig().timeZone, flag: "--start-time")
        let end = try TimeArgument.parse(
            "2025-02-01 00:30", role: .end, timeZone: SyncConfig().timeZone, flag: "--end-time")
        let plan = try SyncPlan.make(
            mode: .range(start: start, end: end), processCodes: ["P"], checkpoints: [:],
            now: end.addingTimeInterval(3600), sync: SyncConfig())
        #expect(plan.windows[0].slices == [TimeWindow(start: start, end: end)])
        #expect(end.timeIntervalSince(start) == 3600)
    }
}
