import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncStore
import DingSyncStream
import Foundation
import Logging

extension WatchRunner {
    /// How serving one connection ended.
    enum Ending: Equatable {
        case stopped
        case rotate(String)
        case dropped(String, framesSeen: Bool)
        case fatal(String)
    }

    /// Serves one connection until it closes, the server rotates it, or a stop is requested.
    /// Frames are answered as they come, also while a batch or a catch-up runs (pings, events
    /// of other templates and copies already committed at once; others queue). On each tick, with
    /// nothing running: a due catch-up (the waiting batch first), else a due batch. One piece of
    /// work runs at a time, beside the frames; it reports back through `continuation`. An ending
    /// waits for the work in hand and for what is queued to be synced.
    func serve(
        _ inputs: AsyncStream<WatchInput>, continuation: AsyncStream<WatchInput>.Continuation,
        socket: any StreamSocket, session: WatchSession, quota: inout EventQuotaWatch, nextCatchUp: inout Date,
        reconnected: Bool
    ) async -> Ending {
        // after a reconnect: a catch-up at once (`owed` below), beside the new connection's frames
        var reconnected = reconnected
        if reconnected { continuation.yield(.tick) }
        var framesSeen = false
        var working = false
        var ending: Ending?
        var open = true
        func startBatch() {
            let batch = session.beginBatch(all: ending != nil)
            guard !batch.isEmpty else { return }
            working = true
            Task {
                let result = await session.syncBatch(batch)
                continuation.yield(.batchDone(batch, result))
            }
        }
        for await input in inputs {
            switch input {
            case .text(let text):
                framesSeen = true
                if case .rotate(let reason) = await session.handle(text, socket: socket, now: Date()), ending == nil {
                    ending = .rotate(reason)
                }
            case .closed(let reason):
                // the batch in hand is still synced; its acks cannot be sent (DingTalk redelivers, dedupe absorbs)
                open = false
                if ending == nil { ending = .dropped(reason, framesSeen: framesSeen) }
            case .tick:
                if stop.isRequested { ending = .stopped }
            case .batchDone(let batch, let result):
                working = false
                if case .fatal(let message) = await session.finishBatch(batch, result, socket: open ? socket : nil) {
                    return .fatal(message)
                }
            case .catchUpDone(let result):
                working = false
                switch result {
                case .fatal: return .fatal("watch: the catch-up run failed (see above)")
                case .stopped: ending = .stopped
                case .done: nextCatchUp = Date().addingTimeInterval(catchUpInterval)
                }
            }
            if working { continue }
            let catchUpDue = Date() >= nextCatchUp
            if !session.coalescer.isEmpty, ending != nil || catchUpDue || session.coalescer.isDue(at: Date()) {
                startBatch()
                continue
            }
            // the catch-up owed to a reconnect runs even when this connection ends before it (not at a stop)
            let owed = reconnected && ending != .stopped
            if let ending, !owed { return ending }
            guard owed || catchUpDue else { continue }
            let reason = reconnected ? "after a reconnect" : "every \(config.stream.catchupMinutes) min"
            if !reconnected { logger.info("\(session.takeSummaryLine())") }
            reconnected = false
            await session.saveCounts()
            await checkQuota(session, &quota)
            working = true
            Task {
                continuation.yield(.catchUpDone(await catchUp(reason: reason)))
            }
        }
        return .dropped("the connection's input ended", framesSeen: framesSeen)
    }

    enum CatchUp: Sendable {
        case done
        case stopped
        case fatal
    }

    /// A plain incremental run (windows, open and failed instances) under the lock, waiting for
    /// it at least a few seconds. A held lock or an unreachable API only postpones it; bad
    /// credentials, a missing permission or an unusable state database are fatal (the run notified).
    func catchUp(reason: String) async -> CatchUp {
        logger.info("watch: catch-up run (\(reason))")
        var runConfig = config
        runConfig.sync.lockWaitSeconds = max(5, config.sync.lockWaitSeconds)
        // `notification.on_success` is for cron runs: a clean catch-up every `catchup_minutes` would
        // post a message each time. Failures and alerts are still notified.
        runConfig.notification.onSuccess = false
        do {
            let summary = try await SyncRunner.run(
                config: runConfig,
                request: .init(mode: .incremental, processCodes: config.dingtalk.processCodes, now: Date(), stop: stop),
                logger: logger, transports: transports, environment: environment, mailer: mailer)
            if stop.isRequested { return .stopped }
            switch summary.exitStatus {
            case .success, .partial:
                logger.info(
                    Logger.Message(
                        stringLiteral:
                            "watch: catch-up done: \(summary.listed) listed, \(summary.fetched) fetched, \(summary.created) "
                            + "created, \(summary.updated) updated, \(summary.failed) failed"))
                return .done
            case .failed where summary.unreachable > 0:
                logger.warning(
                    Logger.Message(
                        stringLiteral:
                            "watch: catch-up could not reach the APIs (\(summary.fatalError ?? "unreachable")); the next one "
                            + "retries"))
                return .done
            default:
                logger.error("watch: catch-up failed: \(summary.fatalError ?? "exit \(summary.exitStatus.rawValue)")")
                return .fatal
            }
        } catch let held as LockHeldError {
            logger.warning("watch: catch-up postponed: \(held.localizedDescription)")
            return .done
        } catch {
            return .fatal  // logged and notified by the run
        }
    }

    /// Warns (log and notification, once per level and session) when this month's events reach
    /// or are projected past `dingtalk.monthly_event_quota`.
    func checkQuota(_ session: WatchSession, _ watch: inout EventQuotaWatch) async {
        let now = Date()
        let month = QuotaProjection.monthKey(now, config.sync.timeZone)
        guard let events = try? session.store.events(month: month) else { return }
        let projection = QuotaProjection(
            calls: events, quota: config.dingtalk.monthlyEventQuota, now: now, timeZone: config.sync.timeZone)
        guard let alert = watch.check(projection) else { return }
        logger.warning("alert: \(alert.title) — \(alert.facts.map { $0.value }.joined(separator: "; "))")
        if notifier.hasChannel { await notifier.deliver(alert, now: now) }
    }
}
