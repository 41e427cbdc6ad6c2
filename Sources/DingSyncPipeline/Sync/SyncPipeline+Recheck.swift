import Foundation
import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import DingSyncClients

extension SyncPipeline {
    /// The open instances (not final in the mirror, outside this run's windows) whose detail to fetch.
    ///
    /// Fetching each costs one call per instance. On the new API, listing their creation span
    /// filtered on `RUNNING` costs at most one call per 20 of them: every open instance that is
    /// no longer listed as running has changed (finished, terminated, cancelled) and only those
    /// are fetched. The cheaper of the two is used. A `--full-check` re-checks every open
    /// instance by detail (SPEC 5), which also refreshes the current node of running ones.
    func openInstancesToFetch(_ open: [KnownInstance], fullCheck: Bool, now: Date, _ summary: inout RunSummary) async throws -> [KnownInstance] {
        guard !open.isEmpty else { return [] }
        guard !fullCheck, dingtalk.family == .new else {
            summary.recheckStrategy = "\(open.count) open instance(s) by detail"
            summary.recheckCalls = open.count
            return open
        }
        var result: [KnownInstance] = []
        var listingCalls = 0
        var detailCalls = 0
        let limit = now.addingTimeInterval(-SyncPlan.maxAge + 3600)
        for (code, instances) in Dictionary(grouping: open, by: \.processCode).sorted(by: { $0.key < $1.key }) {
            let dated = instances.filter { ($0.createTime ?? .distantPast) > limit }
            let undatable = instances.filter { ($0.createTime ?? .distantPast) <= limit }
            result += undatable    // too old to list: only a detail can tell
            detailCalls += undatable.count
            guard let first = dated.compactMap(\.createTime).min(), let last = dated.compactMap(\.createTime).max() else { continue }
            // new-API times carry minutes only: widen by a minute so the last one is inside
            let span = TimeWindow(start: max(limit, first.addingTimeInterval(-60)), end: min(now, last.addingTimeInterval(61)))
            let slices = span.slices(maxSpan: SyncPlan.maxSliceSpan).count
            let estimatedListing = max(slices, (dated.count + 19) / 20)
            guard estimatedListing < dated.count else {
                result += dated
                detailCalls += dated.count
                continue
            }
            let before = await dingtalk.counter.calls["listids"] ?? 0
            let stillRunning = Set(try await listOpen(code: code, span: span, withNew: dated.contains { $0.status == "NEW" }))
            listingCalls += (await dingtalk.counter.calls["listids"] ?? 0) - before
            let changed = dated.filter { !stillRunning.contains($0.instanceId) }
            result += changed
            detailCalls += changed.count
            logger.info("\(code): \(changed.count) of \(dated.count) open instance(s) changed status since the last run (found by a RUNNING-filtered listing)")
        }
        summary.recheckStrategy = "\(open.count) open instance(s): status-filtered listing where cheaper, \(detailCalls) detail(s)"
        summary.recheckCalls = listingCalls + detailCalls
        return result
    }

    /// Ids still open in `span`: `RUNNING`, and `NEW` when the mirror holds such instances (older
    /// docs list it as a filter; if the API refuses it, `RUNNING` alone and NEW ones get a detail).
    private func listOpen(code: String, span: TimeWindow, withNew: Bool) async throws -> [String] {
        guard withNew else { return try await dingtalk.listAllInstanceIds(processCode: code, window: span, statuses: ["RUNNING"]) }
        do {
            return try await dingtalk.listAllInstanceIds(processCode: code, window: span, statuses: ["RUNNING", "NEW"])
        } catch let error as APIError where error.condition == .invalidParameter {
            logger.info("\(code): the listing refuses the NEW filter (\(error.code)); NEW instances are re-checked by detail")
            return try await dingtalk.listAllInstanceIds(processCode: code, window: span, statuses: ["RUNNING"])
        }
    }
}
