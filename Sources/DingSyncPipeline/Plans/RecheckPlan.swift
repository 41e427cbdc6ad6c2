import DingSyncBasics
import DingSyncStore
import Foundation

/// How a run re-checks the open instances it holds (SPEC 5). Pure: made from the mirror's open
/// instances, carried out by ``RecheckStage``.
///
/// Fetching each costs one call per instance. On the new API, listing their creation span
/// filtered on `RUNNING` costs at most one call per 20 of them: every open instance that is no
/// longer listed as running has changed (finished, terminated, cancelled) and only those are
/// fetched. The cheaper of the two is chosen per template. A `--full-check` re-checks every open
/// instance by detail, which also refreshes the current node of running ones.
public struct RecheckPlan: Sendable, Equatable {
    /// Open instances of one template to find by a status-filtered listing of their creation span.
    public struct Listing: Sendable, Equatable {
        public var code: String
        public var span: TimeWindow
        public var instances: [KnownInstance]
        /// Also list `NEW` (the mirror holds such instances).
        public var withNew: Bool
    }

    /// Instances to fetch by detail whatever happens.
    public var byDetail: [KnownInstance] = []
    /// Open instances no listing can vouch for (an API without a status filter): read within the
    /// run's refresh budget, longest-unrefreshed first.
    public var unlisted: [KnownInstance] = []
    public var listings: [Listing] = []
    /// One line for the summary.
    public var strategy = ""

    /// The plan for `open` (instances of this run's windows already left out).
    public static func make(open: [KnownInstance], fullCheck: Bool, statusFilter: Bool, now: Date) -> RecheckPlan {
        var plan = RecheckPlan()
        guard !open.isEmpty else { return plan }
        if fullCheck {
            plan.byDetail = open
            plan.strategy = "\(open.count) open instance(s) by detail"
            return plan
        }
        guard statusFilter else {
            plan.unlisted = open
            plan.strategy = "\(open.count) open instance(s) by detail within the refresh budget"
            return plan
        }
        let limit = now.addingTimeInterval(-SyncPlan.maxAge + 3600)
        for (code, instances) in Dictionary(grouping: open, by: \.processCode).sorted(by: { $0.key < $1.key }) {
            let dated = instances.filter { ($0.createTime ?? .distantPast) > limit }
            // too old to list: only a detail can tell
            plan.byDetail += instances.filter { ($0.createTime ?? .distantPast) <= limit }
            guard let first = dated.compactMap(\.createTime).min(), let last = dated.compactMap(\.createTime).max()
            else { continue }
            // new-API times carry minutes only: widen by a minute so the last one is inside
            let span = TimeWindow(
                start: max(limit, first.addingTimeInterval(-60)), end: min(now, last.addingTimeInterval(61)))
            let slices = span.slices(maxSpan: SyncPlan.maxSliceSpan).count
            let estimatedListing = max(slices, (dated.count + 19) / 20)
            if estimatedListing < dated.count {
                plan.listings.append(
                    Listing(code: code, span: span, instances: dated, withNew: dated.contains { $0.status == "NEW" }))
            } else {
                plan.byDetail += dated
            }
        }
        plan.strategy = "\(open.count) open instance(s): status-filtered listing where cheaper"
        return plan
    }

    /// The instances of `listing` that changed: those no longer listed as open.
    public static func changed(_ listing: Listing, stillOpen: Set<String>) -> [KnownInstance] {
        listing.instances.filter { !stillOpen.contains($0.instanceId) }
    }
}
