import DingSyncBasics
import DingSyncClients
import DingSyncStore
import Foundation
import Logging

/// Carries out a ``RecheckPlan``: lists what it plans to list, returns the instances to fetch
/// and the calls that cost.
struct RecheckStage: Sendable {
    let dingtalk: DingTalkClient
    let logger: Logger

    /// The instances to fetch (changed, or fetched by detail anyway), the listing calls spent, and
    /// the open instances nothing vouched for as changed: candidates for a refresh read.
    func run(_ plan: RecheckPlan) async throws -> (instances: [KnownInstance], calls: Int, unchanged: [KnownInstance]) {
        var result = plan.byDetail
        var listingCalls = 0
        var unchanged = plan.unlisted
        for listing in plan.listings {
            let (stillOpen, calls) = try await listOpen(listing)
            listingCalls += calls
            let changed = RecheckPlan.changed(listing, stillOpen: stillOpen)
            unchanged += listing.instances.filter { stillOpen.contains($0.instanceId) }
            result += changed
            logger.info(
                "\(listing.code): \(changed.count) of \(listing.instances.count) open instance(s) changed status since the last run (found by a RUNNING-filtered listing)"
            )
        }
        return (result, listingCalls, unchanged)
    }

    /// Ids still open in the span: `RUNNING`, and `NEW` when the mirror holds such instances (older
    /// docs list it as a filter; if the API refuses it, `RUNNING` alone and NEW ones get a detail).
    private func listOpen(_ listing: RecheckPlan.Listing) async throws -> (Set<String>, Int) {
        guard listing.withNew else { return try await list(listing, ["RUNNING"]) }
        do {
            return try await list(listing, ["RUNNING", "NEW"])
        } catch let error as APIError where error.condition == .invalidParameter {
            logger.info(
                "\(listing.code): the listing refuses the NEW filter (\(error.code)); NEW instances are re-checked by detail"
            )
            return try await list(listing, ["RUNNING"])
        }
    }

    private func list(_ listing: RecheckPlan.Listing, _ statuses: [String]) async throws -> (Set<String>, Int) {
        let found = try await dingtalk.listAll(processCode: listing.code, window: listing.span, statuses: statuses)
        return (Set(found.ids), found.calls)
    }
}
