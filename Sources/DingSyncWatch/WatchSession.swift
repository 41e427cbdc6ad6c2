import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncStore
import DingSyncStream
import Foundation
import Logging

/// What `watch` holds between its catch-ups: the state database, the two clients (their tokens
/// cached), the instance stage, the events seen and waiting, the counts. The connection's task owns
/// it; only ``syncBatch(_:)`` runs beside that task, one at a time, on what it alone touches.
final class WatchSession: @unchecked Sendable {
    let config: Config
    let logger: Logger
    let backend: StateBackend
    let store: StateStore
    let dingtalk: DingTalkClient
    let feishu: FeishuClient
    let instances: InstanceSync
    var deduper: EventDeduper
    var coalescer: EventCoalescer
    var stats = WatchStats()
    /// Whether the "events arrive without content" warning was logged in this session.
    var overQuotaWarned = false
    /// When `stats` started counting.
    var statsSince = Date()
    /// Events received and not yet added to the month's count, per event type.
    var unsavedEvents: [String: Int] = [:]
    /// The clients' call counts already added to `api_calls`.
    private var savedDingTalk: [String: Int] = [:]
    private var savedFeishu: [String: Int] = [:]
    /// When the names the state database knows were last given to the DingTalk client.
    private var namesLoaded: Date?

    /// How many event ids are remembered (in memory and in the state database).
    static let rememberedEvents = 2000

    init(config: Config, logger: Logger, transports: Transports, environment: [String: String]) throws {
        self.config = config
        self.logger = logger
        let backend = StateBackend(config)
        let store = try backend.openStore(.write)
        let maxIds = environment["DINGSYNC_MAX_IDS_PER_QUERY"].flatMap(Int.init) ?? 10_000
        let timeout = TimeInterval(config.sync.requestTimeoutSeconds)
        let dingtalk = DingTalkClient(
            options: .init(
                config: config.dingtalk, timeZone: config.sync.timeZone, maxRetries: config.sync.maxRetries,
                maxIdsPerQuery: maxIds, requestTimeout: timeout),
            transport: transports.dingtalk, logger: logger)
        let feishu = FeishuClient(
            options: .init(
                config: config.feishu, batchSize: config.sync.batchSize, maxRetries: config.sync.maxRetries,
                requestTimeout: timeout),
            transport: transports.feishu, logger: logger)
        self.backend = backend
        self.store = store
        self.dingtalk = dingtalk
        self.feishu = feishu
        instances = InstanceSync(config: config, dingtalk: dingtalk, feishu: feishu, store: store, logger: logger)
        try? instances.loadHints()
        deduper = EventDeduper(capacity: Self.rememberedEvents, recent: (try? store.watchEventIds()) ?? [])
        coalescer = EventCoalescer(window: TimeInterval(config.stream.coalesceMs) / 1000)
    }

    /// What a batch came to.
    enum BatchOutcome: Equatable {
        case done
        /// Another run holds the lock: the events are answered LATER (DingTalk delivers them
        /// again; the next catch-up covers them too).
        case lockHeld
        /// Credentials, permission, lock or state database: `watch` stops (exit 2).
        case fatal(String)
    }

    /// Instances with their waiting events, taken from the coalescer for one batch.
    typealias Batch = [(instanceId: String, events: [ApprovalEvent])]

    /// What ``syncBatch(_:)`` did (the rows it counted, or why nothing was synced).
    struct SyncResult: Sendable {
        var outcome: BatchOutcome
        var counts = SyncCounts()
    }

    /// The events of one batch while it syncs, for ``WatchSession/event(_:socket:now:)``: a copy
    /// delivered again meanwhile is answered with the batch, not synced a second time.
    private(set) var inFlight: Set<String> = []
    /// Message ids of such copies, answered when the batch in flight is.
    var lateAcks: [String] = []

    /// How long an instance's events must have been quiet before its batch takes it (one change
    /// arrives as several events; the batch should read the instance after the last of them).
    static let settleTime: TimeInterval = 0.15

    /// Takes the waiting events for a batch (empty when none wait) and marks them in flight:
    /// every instance at an ending (`all`), else those whose events have settled.
    func beginBatch(all: Bool = false, now: Date = Date()) -> Batch {
        let settle = min(Self.settleTime, coalescer.window)
        let batch = all ? coalescer.take() : coalescer.take(settledBy: now.addingTimeInterval(-settle))
        inFlight = Set(batch.flatMap { $0.events.map(\.eventId) })
        return batch
    }

    /// Syncs the instances of `batch` under the run lock and releases it. Runs beside the
    /// connection's frames: it touches only the clients, the instance stage and the state
    /// database, never the session's event bookkeeping (``finishBatch(_:_:socket:)`` does that).
    func syncBatch(_ batch: Batch) async -> SyncResult {
        guard !batch.isEmpty else { return SyncResult(outcome: .done) }
        let items = batch.map { WorkItem(id: $0.instanceId, code: $0.events.first?.processCode ?? "") }
        let lock = backend.lock()
        do {
            try await lock.acquireSuspending(
                now: Date(), timeZone: config.sync.timeZone, wait: TimeInterval(max(5, config.sync.lockWaitSeconds)))
        } catch let held as LockHeldError {
            logger.warning(
                Logger.Message(
                    stringLiteral:
                        "events of \(items.count) instance(s) not synced now: \(held.localizedDescription); DingTalk "
                        + "delivers them again and the next catch-up covers them"))
            return SyncResult(outcome: .lockHeld)
        } catch {
            return SyncResult(outcome: .fatal(error.localizedDescription))
        }
        defer { lock.release() }
        var counts = SyncCounts()
        var failure: Error?
        // the names runs and catch-ups learnt (users, departments): a known approver costs no contacts call
        if namesLoaded.map({ Date().timeIntervalSince($0) > 60 }) ?? true, let cached = try? store.names() {
            await dingtalk.preloadNames(users: cached.users, departments: cached.departments)
            namesLoaded = Date()
        }
        do {
            counts = try await instances.sync(items, at: Date())
        } catch let partial as PartialWrite {
            counts = partial.counts
            failure = partial.error
        } catch {
            failure = error
        }
        if let failure {
            if let api = failure as? APIError, api.stopsRun {
                return SyncResult(outcome: .fatal(api.localizedDescription), counts: counts)
            }
            for item in items {
                try? store.recordFailure(
                    instanceId: item.id, processCode: item.code, error: failure.localizedDescription, at: Date())
            }
            logger.error(
                Logger.Message(
                    stringLiteral:
                        "events: syncing \(items.count) instance(s) failed: \(failure.localizedDescription); recorded as "
                        + "failed, the next catch-up retries them"))
        }
        return SyncResult(outcome: .done, counts: counts)
    }

    /// After ``syncBatch(_:)``: remembers the events, saves the counts, then acks each event
    /// (SUCCESS once committed, LATER when the lock was held) on `socket`, when the connection is
    /// still there, with the copies delivered again meanwhile.
    func finishBatch(_ batch: Batch, _ result: SyncResult, socket: (any StreamSocket)?) async -> BatchOutcome {
        let events = batch.flatMap(\.events)
        let late = lateAcks
        inFlight = []
        lateAcks = []
        switch result.outcome {
        case .fatal:
            return result.outcome
        case .lockHeld:
            for id in events.map(\.messageId) + late { await ack(id, status: .later, on: socket) }
            return result.outcome
        case .done:
            break
        }
        for event in events { deduper.insert(event.eventId) }
        await saveCounts()
        let committed = Date()
        for id in events.map(\.messageId) + late { await ack(id, on: socket) }
        for event in events {
            if let born = event.bornAt { stats.latencies.append(committed.timeIntervalSince(born)) }
        }
        stats.processed += events.count
        stats.rowsWritten += result.counts.rowsWritten
        let c = result.counts
        logger.info(
            Logger.Message(
                stringLiteral:
                    "events: \(batch.count) instance(s) synced (\(events.count) event(s)): \(c.created) created, "
                    + "\(c.updated) updated, \(c.unchanged) unchanged, \(c.failed) failed"))
        return .done
    }

    /// Takes the waiting events, syncs their instances and acks them, one after the other (at a
    /// stop, when no connection serves frames any more).
    func processBatch(socket: (any StreamSocket)?) async -> BatchOutcome {
        let batch = beginBatch(all: true)
        guard !batch.isEmpty else { return .done }
        return await finishBatch(batch, await syncBatch(batch), socket: socket)
    }

    /// Sends an ack (SUCCESS unless said otherwise); a connection that is gone is logged
    /// (DingTalk redelivers, dedupe absorbs it).
    func ack(_ messageId: String, status: StreamAck.Status = .success, on socket: (any StreamSocket)?) async {
        guard let socket, !messageId.isEmpty else { return }
        do {
            try await socket.send(StreamAck.event(messageId: messageId, status: status))
        } catch {
            logger.debug("ack of \(messageId) not sent: \(error.localizedDescription)")
        }
    }

    /// Adds the events received and the clients' calls since the last save to the month's counts,
    /// and saves the remembered event ids.
    func saveCounts() async {
        let month = QuotaProjection.monthKey(Date(), config.sync.timeZone)
        let dingtalkCalls = await dingtalk.counter.calls
        let feishuCalls = await feishu.counter.calls
        let dingtalkDelta = Self.delta(dingtalkCalls, since: savedDingTalk)
        stats.detailCalls += QuotaProjection.counted(dingtalkDelta)
        do {
            try store.addEvents(month: month, events: unsavedEvents)
            try store.addCalls(month: month, platform: "dingtalk", calls: dingtalkDelta)
            try store.addCalls(month: month, platform: "feishu", calls: Self.delta(feishuCalls, since: savedFeishu))
            try store.saveWatchEventIds(deduper.recent)
            unsavedEvents = [:]
            savedDingTalk = dingtalkCalls
            savedFeishu = feishuCalls
        } catch {
            logger.warning("event and call counts not saved: \(error.localizedDescription)")
        }
    }

    /// The summary line of what was counted since the last one, and a fresh count.
    func takeSummaryLine(now: Date = Date()) -> String {
        let minutes = max(1, Int((now.timeIntervalSince(statsSince) / 60).rounded()))
        let line = stats.line(minutes: minutes)
        stats = WatchStats()
        statsSince = now
        return line
    }

    static func delta(_ now: [String: Int], since saved: [String: Int]) -> [String: Int] {
        now.reduce(into: [:]) { result, entry in
            let n = entry.value - (saved[entry.key] ?? 0)
            if n > 0 { result[entry.key] = n }
        }
    }
}
