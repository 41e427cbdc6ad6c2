import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation
import Logging

/// The run's ``DetailHints``: loaded from the state database, taught by every detail read (all
/// API families, so that an organisation moving from `new` to `premium` starts with them), saved
/// back after the run.
public final class HintBook: @unchecked Sendable {
    private let lock = NSLock()
    private var hints = DetailHints()

    public init() {}

    func load(_ stored: DetailHints) { lock.withLock { hints = stored } }
    func learn(_ detail: InstanceDetail) { lock.withLock { hints.learn(from: detail) } }
    func complete(_ instance: PremiumInstance) -> InstanceDetail? { lock.withLock { hints.complete(instance) } }
    func missing(_ instance: PremiumInstance) -> Int { lock.withLock { hints.missing(instance).count } }
    func takeChanges() -> [(key: DetailHints.Key, value: String?)] { lock.withLock { hints.takeChanges() } }
}

extension InstanceSync {
    /// Loads the stored hints (once per run or `watch` start).
    public func loadHints() throws { hints.load(try store.detailHints()) }

    /// Saves what detail reads taught since the last save (not on a dry run).
    public func saveHints(at now: Date) throws { try store.saveDetailHints(hints.takeChanges(), at: now) }

    /// Turns premium-listed instances into details: those whose missing parts the hints know are
    /// completed without a call; for the others one detail read teaches what they lack — the
    /// instance missing the most is read first, and each read may complete many others. An
    /// instance whose read fails is left out (the fetch stage reads it again, and records it as
    /// failed if that fails too). Returns the details by instance id and the reads made.
    func completePremium(_ listed: [PremiumInstance], stop: StopSignal?) async throws -> (
        details: [String: InstanceDetail], reads: Int
    ) {
        var done: [String: InstanceDetail] = [:]
        var pending: [PremiumInstance] = []
        for instance in listed {
            if let detail = hints.complete(instance) {
                done[instance.instanceId] = detail
            } else {
                pending.append(instance)
            }
        }
        var reads = 0
        while !pending.isEmpty, stop?.isRequested != true {
            let costs = pending.map { hints.missing($0) }
            let best = costs.indices.max { costs[$0] < costs[$1] } ?? 0
            let chosen = pending.remove(at: best)
            reads += 1
            do {
                let detail = try await dingtalk.instanceDetail(
                    id: chosen.instanceId, processCode: chosen.partial.processCode)
                hints.learn(detail)
                done[chosen.instanceId] = detail
            } catch let error as APIError where error.stopsRun {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.warning(
                    "instance \(chosen.instanceId): the detail read that completes the premium listing failed (\(error.localizedDescription)); it is read again below"
                )
            }
            pending = pending.filter { instance in
                guard let detail = hints.complete(instance) else { return true }
                done[instance.instanceId] = detail
                return false
            }
        }
        if reads > 0 {
            logger.info(
                "premium listing: \(reads) detail read(s) taught node names, component types or department names the listing lacks"
            )
        }
        return (done, reads)
    }
}

/// Re-checks open instances with OA premium: listing their creation span again brings every
/// instance of it with its details, 20 per call; where the mirror says that span holds more
/// instances than a detail read of each open one would cost, those are read by detail instead.
struct PremiumRecheckStage: Sendable {
    let dingtalk: DingTalkClient
    let store: StateStore
    let logger: Logger

    struct Outcome {
        /// Open instances found again in a listing (with their details).
        var listed: [PremiumInstance] = []
        /// Open instances to read by detail (within the run's refresh budget).
        var byDetail: [KnownInstance] = []
        var calls = 0
        var strategy = ""
    }

    func run(open: [KnownInstance], now: Date) async throws -> Outcome {
        var outcome = Outcome()
        guard !open.isEmpty else { return outcome }
        let limit = now.addingTimeInterval(-SyncPlan.premiumMaxAge + 3600)
        var relisted = 0
        for (code, instances) in Dictionary(grouping: open, by: \.processCode).sorted(by: { $0.key < $1.key }) {
            let dated = instances.filter { ($0.createTime ?? .distantPast) > limit }
            outcome.byDetail += instances.filter { ($0.createTime ?? .distantPast) <= limit }
            guard let first = dated.compactMap(\.createTime).min(), let last = dated.compactMap(\.createTime).max()
            else { continue }
            let span = TimeWindow(
                start: max(limit, first.addingTimeInterval(-60)), end: min(now, last.addingTimeInterval(61)))
            let slices = span.slices(maxSpan: SyncPlan.maxSliceSpan).count
            let pages = max(slices, (try store.instanceCount(processCode: code, window: span) + 19) / 20)
            guard pages < dated.count else {
                outcome.byDetail += dated
                continue
            }
            let listing = try await dingtalk.listPremium(processCode: code, window: span)
            outcome.calls += listing.calls
            let found = Dictionary(
                listing.instances.map { ($0.instanceId, $0) }, uniquingKeysWith: { first, _ in first })
            for instance in dated {
                if let again = found[instance.instanceId] {
                    outcome.listed.append(again)
                } else {
                    outcome.byDetail.append(instance)
                }
            }
            relisted += dated.count
            logger.info(
                "\(code): \(dated.count) open instance(s) re-checked by listing their creation span again (\(listing.calls) premium call(s))"
            )
        }
        outcome.strategy =
            "\(open.count) open instance(s): \(relisted) by the premium listing of their span, the others by detail"
        return outcome
    }
}
