import DingSyncBasics
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// Overdue notices (SPEC 8): after a run or a catch-up, the open instances that passed a service
/// level since the last notice, once each, in one message per channel; remembered in the state
/// database (`sla_notices`).
public struct OverdueNotices: Sendable {
    /// Instances listed one per line in a message; the rest are counted (a Feishu bot message
    /// must stay under 20 KB).
    public static let listLimit = 40

    let store: StateStore
    let sla: StatsSLA
    let timeZone: TimeZone

    public init(store: StateStore, timeZone: TimeZone, sla: StatsSLA) {
        self.store = store
        self.timeZone = timeZone
        self.sla = sla
    }

    /// The instances overdue at `now` that were not notified yet, the longest overdue first.
    public func due(now: Date) throws -> [OpenOverdue] {
        let notified = try store.notifiedOverdue()
        let overdue = Overdue.evaluate(
            try store.openInstances(), now: DigestPeriod.ms(now), sla: sla)
        return overdue.filter { !notified.contains($0.instance.instanceId) }
    }

    /// The message for `overdue` (nil when empty).
    public func message(_ overdue: [OpenOverdue], names: [String: String], host: String) -> NotificationMessage? {
        guard !overdue.isEmpty else { return nil }
        var facts: [(label: String, value: String)] = []
        for item in overdue.prefix(Self.listLimit) {
            facts.append((Self.label(item, names: names), Self.line(item, timeZone: timeZone)))
        }
        if overdue.count > Self.listLimit {
            facts.append(
                (
                    "还有 More",
                    "\(overdue.count - Self.listLimit) more overdue instance(s) — the report's sheet 时效与超期 lists them all"
                ))
        }
        return NotificationMessage(
            severity: .alert,
            title: "dingsync: \(overdue.count) approval(s) overdue · 审批超时 \(overdue.count) 条",
            facts: facts,
            fixes: [
                "Remind the approvers named above; each instance is notified once, when it becomes overdue.",
                "Service levels are set by sla.hours / sla.node_hours (per template: sla.templates)."
            ],
            footer: "dingsync \(DingSyncVersion.current) on \(host)")
    }

    /// `SP-2025… 报销 · 王小明提交的报销`: the business id to find it by, the template, the title.
    static func label(_ item: OpenOverdue, names: [String: String]) -> String {
        let id = item.instance.businessId.isEmpty ? item.instance.instanceId : item.instance.businessId
        let template = names[item.instance.processCode] ?? item.instance.processCode
        return "\(id) \(template)"
    }

    /// `王小明提交的报销 · applicant 王小明 · at 财务审批 (李四) · waiting 3.2 d · SLA 48 h (due 04-12 10:00)`.
    static func line(_ item: OpenOverdue, timeZone: TimeZone) -> String {
        let open = item.instance
        var parts: [String] = []
        if !open.title.isEmpty { parts.append(open.title) }
        if !open.applicant.isEmpty { parts.append("申请人 \(open.applicant)") }
        let approvers = open.approvers.isEmpty ? "" : "（\(open.approvers.joined(separator: "、"))）"
        parts.append("当前节点 \(open.place)\(approvers)")
        let what = item.kind == .total ? "已等待" : "本节点已等待"
        parts.append("\(what) \(Overdue.duration(hours: item.waitedHours))")
        let limit = item.kind == .total ? "SLA" : "节点 SLA"
        let due = TimeText.format(Date(timeIntervalSince1970: Double(item.dueAt) / 1000), timeZone)
        parts.append("\(limit) \(Overdue.limit(hours: item.limitHours))，\(due) 到期")
        return parts.joined(separator: " · ")
    }

    /// Finds what became overdue, sends one message on every channel and remembers it. Never
    /// throws: a failure is logged (and the notices are tried again after the next run).
    public func send(notifier: Notifier, names: [String: String], logger: Logger, now: Date = Date()) async {
        do {
            let overdue = try due(now: now)
            guard let message = message(overdue, names: names, host: notifier.host) else { return }
            logger.warning("overdue: \(overdue.count) instance(s) passed their service level")
            guard notifier.hasChannel else {
                logger.info("overdue: no notification channel is set; the notices are only logged")
                try store.recordOverdueNotices(overdue, at: now)
                return
            }
            let results = await notifier.deliver(message, now: now)
            if results.contains(where: \.delivered) {
                try store.recordOverdueNotices(overdue, at: now)
            } else {
                logger.error(
                    "overdue: the notice could not be sent on any channel; it is tried again after the next run")
            }
        } catch {
            logger.warning("overdue notices not evaluated: \(error.localizedDescription)")
        }
    }
}
