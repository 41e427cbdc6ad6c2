import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// Builds everything a sync needs from the configuration and runs it: the entry point the
/// `dingsync` command calls.
public enum SyncRunner {
    /// Runs one sync and returns its summary (exit status and alerts included). Throws only
    /// for a held lock or a state database that cannot be opened.
    ///
    /// After the run (not a dry run) the alerts are decided and the notification is sent
    /// (`RunMonitor`); neither changes the exit status.
    public static func run(
        config: Config, request: SyncPipeline.Request, logger: Logger,
        transports: Transports = .live(), observer: SyncObserver = SilentObserver(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        mailer: Mailer? = nil
    ) async throws -> RunSummary {
        let monitor = RunMonitor(
            config: config,
            notifier: Notifier(
                config: config.notification, transport: transports.feishu,
                mailer: mailer ?? CurlMailer(environment: environment), logger: logger),
            logger: logger)
        let backend = StateBackend(config)
        let lock = backend.lock()
        if !request.dryRun {
            do {
                try lock.acquire(
                    now: request.now, timeZone: config.sync.timeZone, wait: TimeInterval(config.sync.lockWaitSeconds))
            } catch let held as LockHeldError {
                throw held  // another run is working: nothing to report
            } catch {
                // a lock that cannot be taken at all (file, folder, server) stops every run: log it and say so
                logger.error("\(error.localizedDescription)")
                await monitor.startFailed(mode: request.mode.name, error: error.localizedDescription)
                throw error
            }
        }
        defer { lock.release() }

        // A dry run writes nothing: without a state database it works on an empty one in memory.
        let store: StateStore
        let checkpoints: any CheckpointStore
        do {
            (store, checkpoints) = try backend.open(request.dryRun ? .dryRun : .write)
        } catch {
            logger.error("\(error.localizedDescription)")
            if !request.dryRun { await monitor.startFailed(mode: request.mode.name, error: error.localizedDescription) }
            throw error
        }

        let maxIds = environment["DINGSYNC_MAX_IDS_PER_QUERY"].flatMap(Int.init) ?? 10_000
        let dingtalk = DingTalkClient(
            options: .init(
                config: config.dingtalk, timeZone: config.sync.timeZone,
                maxRetries: config.sync.maxRetries, maxIdsPerQuery: maxIds,
                requestTimeout: TimeInterval(config.sync.requestTimeoutSeconds)),
            transport: transports.dingtalk, logger: logger)
        let feishu = FeishuClient(
            options: .init(
                config: config.feishu, batchSize: config.sync.batchSize, maxRetries: config.sync.maxRetries,
                requestTimeout: TimeInterval(config.sync.requestTimeoutSeconds)),
            transport: transports.feishu, logger: logger)
        // One chunk of instances fills one batch of main rows: fewer Feishu calls, bounded memory.
        let pipeline = SyncPipeline(
            config: config, dingtalk: dingtalk, feishu: feishu, store: store, checkpoints: checkpoints, logger: logger,
            observer: observer, chunkSize: max(100, config.sync.batchSize))
        let summary = await pipeline.run(request)
        if let reading = await dingtalk.newAPITimeReading(), config.dingtalk.api.usesNewAPI {
            logger.debug("new-API times read as \(reading.reading.rawValue): \(reading.reason)")
        }
        return await monitor.afterRun(summary, store: store, processCodes: request.processCodes)
    }
}
