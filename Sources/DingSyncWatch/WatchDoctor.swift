import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncStore
import DingSyncStream
import Foundation

/// `doctor`'s lines for `dingsync watch`: this month's Stream events against
/// `dingtalk.monthly_event_quota`, and whether a Stream connection opens (a ticket from
/// `connections/open`, the WebSocket handshake, closed at once).
public enum WatchDoctor {
    public static func checks(
        config: Config, transport: HTTPTransport, connector: any StreamConnector = StreamConnection(timeout: 10),
        now: Date = Date()
    ) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        // Whether this installation uses `watch`: it has counted events or remembered event ids.
        var watchUsed = false
        if let store = try? StateBackend(config).openStore(.read) {
            checks.append(eventCheck(store, config: config, now: now))
            let month = QuotaProjection.monthKey(now, config.sync.timeZone)
            let events = ((try? store.events(month: month)) ?? [:]).values.reduce(0, +)
            watchUsed = events > 0 || !((try? store.watchEventIds()) ?? []).isEmpty
        }
        do {
            let ticket = try await StreamGateway(config: config.dingtalk, transport: transport, timeout: 15).open()
            let socket = try await connector.connect(to: ticket, onText: { _ in }, onClose: { _ in })
            await socket.close()
            checks.append(.ok("DingTalk Stream", "a connection opens (\(ticket.endpoint))"))
        } catch {
            guard watchUsed else {
                // cron-only installations need no Stream mode: informational, not a warning
                checks.append(
                    .ok(
                        "DingTalk Stream",
                        "not available (\(error.localizedDescription)); only `dingsync watch` needs it, and it has "
                            + "not run here (DEPLOYMENT.md, Real time, to enable it)"))
                return checks
            }
            checks.append(
                .warn(
                    "DingTalk Stream", "no connection: \(error.localizedDescription)",
                    fix:
                        "only `dingsync watch` needs it: choose 事件订阅 → Stream 模式推送 in the developer console and "
                        + "allow outbound wss-open-connection.dingtalk.com:443 (DEPLOYMENT.md, Real time)"))
        }
        return checks
    }

    /// This month's events received by `watch`, projected like the API quota.
    static func eventCheck(_ store: StateStore, config: Config, now: Date) -> DoctorCheck {
        let month = QuotaProjection.monthKey(now, config.sync.timeZone)
        let events = (try? store.events(month: month)) ?? [:]
        let quota = QuotaProjection(
            calls: events, quota: config.dingtalk.monthlyEventQuota, now: now, timeZone: config.sync.timeZone)
        guard quota.tracked else {
            return .ok(
                "Stream events",
                "\(quota.used) received in \(month) (dingtalk.monthly_event_quota is 0: not tracked)")
        }
        let text = "\(quota.used) of \(quota.quota) received in \(month), \(quota.projected) projected for the month"
        if quota.exhausted || quota.overLimit {
            return .warn(
                "Stream events", text,
                fix:
                    "narrow the subscription to the synced templates (订阅规则), buy an add-on pack, or raise "
                    + "dingtalk.monthly_event_quota if the edition allows more (DEPLOYMENT.md)")
        }
        return .ok("Stream events", text)
    }
}
