import DingSyncOperations
import DingSyncPipeline
import Foundation

/// The Stream event quota (`dingtalk.monthly_event_quota`, reference §11.5) checked like the API
/// quota: an alert when the month's events are used up or projected past it, once per level.
struct EventQuotaWatch: Sendable {
    let quota: Int
    private var alerted: Set<String> = []

    init(quota: Int) {
        self.quota = quota
    }

    /// The alert to send for this projection, nil when none is due (or it was sent already).
    mutating func check(_ projection: QuotaProjection) -> NotificationMessage? {
        guard projection.tracked else { return nil }
        let text =
            "\(projection.used) of \(projection.quota) Stream events received in \(projection.month), "
            + "\(projection.projected) projected for the month"
        let level: String
        let title: String
        let fix: String
        if projection.exhausted {
            level = "exhausted \(projection.month)"
            title = "DingTalk's monthly Stream event quota is used up"
            fix =
                "DingTalk now pushes events without content: `dingsync watch` still catches up every "
                + "stream.catchup_minutes. Buy an add-on pack or a higher edition (DEPLOYMENT.md), or narrow the "
                + "subscription with 订阅规则 to the synced templates."
        } else if projection.overLimit {
            level = "projected \(projection.month)"
            title = "DingTalk's monthly Stream event quota will run out at this rate"
            fix =
                "Narrow the event subscription to the synced templates (订阅规则, DEPLOYMENT.md), or raise "
                + "dingtalk.monthly_event_quota if the edition allows more."
        } else {
            return nil
        }
        guard alerted.insert(level).inserted else { return nil }
        return NotificationMessage(
            severity: .alert, title: title, facts: [("Events", text)], fixes: [fix], footer: Notifier.hostName)
    }
}
