import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncStore
import DingSyncStream
import Foundation
import Logging

/// `dingsync watch` (SPEC 7): a catch-up run, then a Stream connection whose approval events are
/// synced in small batches under the run lock and acked after their commit; a catch-up every
/// `stream.catchup_minutes` and after every reconnect. Returns the exit status: 0 after
/// SIGTERM/SIGINT, 2 for bad credentials, a missing permission or an unusable state database
/// (notified first).
public struct WatchRunner: Sendable {
    let config: Config
    let logger: Logger
    let transports: Transports
    let connector: any StreamConnector
    let stop: StopSignal
    let environment: [String: String]
    let mailer: Mailer?
    let monitor: RunMonitor
    let notifier: Notifier

    public init(
        config: Config, logger: Logger, stop: StopSignal, transports: Transports = .live(),
        connector: any StreamConnector = StreamConnection(),
        environment: [String: String] = ProcessInfo.processInfo.environment, mailer: Mailer? = nil
    ) {
        self.config = config
        self.logger = logger
        self.stop = stop
        self.transports = transports
        self.connector = connector
        self.environment = environment
        self.mailer = mailer
        notifier = Notifier(
            config: config.notification, transport: transports.feishu,
            mailer: mailer ?? CurlMailer(environment: environment), logger: logger)
        monitor = RunMonitor(config: config, notifier: notifier, logger: logger)
    }

    /// The longest `stream.coalesce_ms` that leaves a batch time to commit within DingTalk's 3 s
    /// ack deadline (reference §11.3); above it `watch` warns at start.
    static let coalesceAdvice = 2000

    /// `stream.catchup_minutes`; the end-to-end tests shorten it with `DINGSYNC_WATCH_CATCHUP_SECONDS`.
    var catchUpInterval: TimeInterval {
        environment["DINGSYNC_WATCH_CATCHUP_SECONDS"].flatMap(TimeInterval.init).map { max(1, $0) }
            ?? TimeInterval(config.stream.catchupMinutes * 60)
    }

    public func run() async -> ExitStatus {
        logger.info(
            Logger.Message(
                stringLiteral:
                    "watch: starting (catch-up every \(config.stream.catchupMinutes) min, events coalesced within "
                    + "\(config.stream.coalesceMs) ms)"))
        if config.stream.coalesceMs > Self.coalesceAdvice {
            logger.warning(
                Logger.Message(
                    stringLiteral:
                        "stream.coalesce_ms is \(config.stream.coalesceMs): DingTalk delivers an event again when it is "
                        + "not acked within 3 s, and an event is acked after its batch is committed; above "
                        + "\(Self.coalesceAdvice) ms most events arrive twice (each delivery counts against the event "
                        + "quota)"))
        }
        switch await catchUp(reason: "start") {
        case .fatal: return .failed
        case .stopped: return .success
        case .done: break
        }
        let session: WatchSession
        do {
            session = try WatchSession(
                config: config, logger: logger, transports: transports, environment: environment)
        } catch {
            logger.error("\(error.localizedDescription)")
            await monitor.startFailed(mode: "watch", error: error.localizedDescription)
            return .failed
        }
        var quota = EventQuotaWatch(quota: config.dingtalk.monthlyEventQuota)
        await checkQuota(session, &quota)
        let gateway = StreamGateway(
            config: config.dingtalk, transport: transports.dingtalk,
            timeout: TimeInterval(config.sync.requestTimeoutSeconds))
        var backoff = ReconnectBackoff()
        var connections = 0
        var nextCatchUp = Date().addingTimeInterval(catchUpInterval)
        while !stop.isRequested {
            let (inputs, continuation) = AsyncStream<WatchInput>.makeStream()
            let socket: any StreamSocket
            do {
                let ticket = try await gateway.open()
                socket = try await connector.connect(
                    to: ticket, onText: { continuation.yield(.text($0)) }, onClose: { continuation.yield(.closed($0)) })
                logger.info("watch: Stream connection open (\(ticket.endpoint))")
            } catch let api as APIError where api.stopsRun {
                logger.error("\(api.localizedDescription)")
                await monitor.startFailed(mode: "watch", error: api.localizedDescription)
                return .failed
            } catch {
                let delay = backoff.next()
                logger.warning(
                    Logger.Message(
                        stringLiteral:
                            "watch: cannot open the Stream connection (\(error.localizedDescription)); retrying in "
                            + "\(WatchStats.seconds(delay))"))
                if await pause(delay) { break }
                continue
            }
            connections += 1
            if connections > 1 { session.stats.reconnects += 1 }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 200_000_000)
                    continuation.yield(.tick)
                }
            }
            let ending = await serve(
                inputs, continuation: continuation, socket: socket, session: session, quota: &quota,
                nextCatchUp: &nextCatchUp, reconnected: connections > 1)
            ticker.cancel()
            continuation.finish()
            switch ending {
            case .fatal(let message):
                await socket.close()
                logger.error("\(message)")
                await monitor.startFailed(mode: "watch", error: message)
                return .failed
            case .stopped:
                await socket.close()
            case .rotate(let reason):
                logger.info("watch: the server rotates the connection (\(reason)); reconnecting now")
                backoff.reset()
                await socket.close()
            case .dropped(let reason, let framesSeen):
                if framesSeen { backoff.reset() }
                let delay = backoff.next()
                logger.warning(
                    Logger.Message(
                        stringLiteral:
                            "watch: Stream connection lost (\(reason)); reconnecting in \(WatchStats.seconds(delay))"))
                await socket.close()
                if await pause(delay) { break }
            }
        }
        _ = await session.processBatch(socket: nil)
        await session.saveCounts()
        logger.info("watch: stopped by \(stop.name)")
        logger.info("\(session.takeSummaryLine())")
        return .success
    }

    /// Sleeps `seconds`, waking early for a stop; true when a stop was requested.
    func pause(_ seconds: TimeInterval) async -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if stop.isRequested { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return stop.isRequested
    }
}

/// What the connection's task receives: frames, its close, a tick every 200 ms, and the end of
/// the work it started (a batch or a catch-up run).
enum WatchInput: Sendable {
    case text(String)
    case closed(String)
    case tick
    case batchDone(WatchSession.Batch, WatchSession.SyncResult)
    case catchUpDone(WatchRunner.CatchUp)
}
