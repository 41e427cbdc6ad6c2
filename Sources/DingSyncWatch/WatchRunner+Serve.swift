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

    /// Serves one connection until it closes, the server rotates it, or a stop is requested:
    /// frames are handled as they come; on each tick a due batch is synced, a due catch-up run
    /// and the summary line logged.
    func serve(
        _ inputs: AsyncStream<WatchInput>, socket: any StreamSocket, session: WatchSession,
        quota: inout EventQuotaWatch, nextCatchUp: inout Date
    ) async -> Ending {
        var framesSeen = false
        for await input in inputs {
            switch input {
            case .text(let text):
                framesSeen = true
                if case .rotate(let reason) = await session.handle(text, socket: socket, now: Date()) {
                    if case .fatal(let message) = await session.processBatch(socket: socket) { return .fatal(message) }
                    return .rotate(reason)
                }
            case .closed(let reason):
                // the batch in hand is still synced; its acks cannot be sent (DingTalk redelivers, dedupe absorbs)
                if case .fatal(let message) = await session.processBatch(socket: nil) { return .fatal(message) }
                return .dropped(reason, framesSeen: framesSeen)
            case .tick:
                if stop.isRequested {
                    if case .fatal(let message) = await session.processBatch(socket: socket) {
                        return .fatal(message)
                    }
                    return .stopped
                }
                if session.coalescer.isDue(at: Date()),
                    case .fatal(let message) = await session.processBatch(socket: socket)
                {
                    return .fatal(message)
                }
                if Date() >= nextCatchUp {
                    if case .fatal(let message) = await session.processBatch(socket: socket) {
                        return .fatal(message)
                    }
                    logger.info("\(session.takeSummaryLine())")
                    await session.saveCounts()
                    await checkQuota(session, &quota)
                    switch await catchUp(reason: "every \(config.stream.catchupMinutes) min") {
                    case .fatal: return .fatal("watch: the catch-up run failed (see above)")
                    case .stopped: return .stopped
                    case .done: nextCatchUp = Date().addingTimeInterval(catchUpInterval)
                    }
                }
            }
        }
        return .dropped("the connection's input ended", framesSeen: framesSeen)
    }

    enum CatchUp {
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
