import DingSyncBasics
import DingSyncClients
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// `dingsync digest --day|--week` (SPEC 8): one message per channel with the period's figures
/// beside the period before, what is overdue now and the slowest approvers. The state database
/// only: no API call.
public struct Digest: Sendable {
    /// Everything a digest message says, read from the mirror.
    public struct Content: Sendable {
        public var period: DigestPeriod
        public var previous: DigestPeriod
        public var figures: PeriodFigures
        public var before: PeriodFigures
        /// Overdue now; nil when no service level is configured.
        public var overdue: [OpenOverdue]?
        public var approvers: [ApproverTimes]
        public var names: [String: String]
        /// The period has not ended yet (a `--date` of today): its figures are to date.
        public var toDate: Bool
    }

    /// Approvers named in the message.
    public static let slowestCount = 5

    /// Reads the content of `period` (and the one before) from `store`.
    public static func content(
        store: StateStore, period: DigestPeriod, timeZone: TimeZone, names: [String: String], now: Date,
        sla: StatsSLA?
    ) throws -> Content {
        let previous = period.previous(timeZone: timeZone)
        let overdue = try sla.map {
            Overdue.evaluate(try store.openInstances(), now: DigestPeriod.ms(now), sla: $0)
        }
        return Content(
            period: period, previous: previous, figures: try store.periodFigures(from: period.start, to: period.end),
            before: try store.periodFigures(from: previous.start, to: previous.end), overdue: overdue,
            approvers: try store.approverTimes(from: period.start, to: period.end), names: names,
            toDate: period.isRunning(now: now))
    }

    /// The message of `content`.
    public static func message(_ content: Content, timeZone: TimeZone, host: String) -> NotificationMessage {
        let c = content
        let kind = c.period.kind == .day ? ("日报", "daily digest", "前一日") : ("周报", "weekly digest", "上周")
        let range = Self.range(c.period, timeZone: timeZone)
        var facts: [(label: String, value: String)] = []
        facts.append(
            (
                "周期 Period",
                "\(c.period.label)\(range == c.period.label ? "" : " (\(range))")\(c.toDate ? ", to date · 截至目前" : "") · compared with \(c.previous.label)"
            ))
        func count(_ label: String, _ now: Int, _ then: Int) {
            facts.append((label, "\(now) (\(kind.2) \(then), \(Self.signed(now - then)))"))
        }
        count("新建 Created", c.figures.created, c.before.created)
        count("完成 Finished", c.figures.finished, c.before.finished)
        count("同意 Approved", c.figures.approved, c.before.approved)
        count("拒绝 Refused", c.figures.refused, c.before.refused)
        facts.append(
            (
                "通过率 Pass rate",
                "\(Self.percent(c.figures.passRate)) (\(kind.2) \(Self.percent(c.before.passRate))\(Self.pointChange(c.figures.passRate, c.before.passRate)))"
            ))
        facts.append(
            (
                "审批时长 Duration",
                "median \(Self.hours(c.figures.medianHours)), p90 \(Self.hours(c.figures.p90Hours)) of \(c.figures.approved + c.figures.refused) decided "
                    + "(\(kind.2) median \(Self.hours(c.before.medianHours)), p90 \(Self.hours(c.before.p90Hours)))"
            ))
        if let overdue = c.overdue {
            if let longest = overdue.max(by: { $0.waitedHours < $1.waitedHours }) {
                facts.append(
                    (
                        "当前超时 Overdue now",
                        "\(overdue.count); longest: \(OverdueNotices.label(longest, names: c.names)) · "
                            + OverdueNotices.line(longest, timeZone: timeZone)
                    ))
            } else {
                facts.append(("当前超时 Overdue now", "0"))
            }
        } else {
            facts.append(("当前超时 Overdue now", "no service level set (sla.hours / sla.node_hours)"))
        }
        let slowest = c.approvers.prefix(slowestCount).map {
            "\($0.name) median \(Self.hours($0.medianHours)), p90 \(Self.hours($0.p90Hours)) (\($0.acted) acted)"
        }
        facts.append(
            (
                "最慢审批人 Slowest approvers",
                slowest.isEmpty ? "nobody acted in the period" : slowest.joined(separator: "; ")
            ))
        return NotificationMessage(
            severity: .digest,
            title: "dingsync \(kind.0) \(c.period.label)\(c.toDate ? "（截至目前）" : "") · \(kind.1)",
            facts: facts,
            fixes: [
                "Figures are read from the state database: instances created, finished and acted on in the period "
                    + "(README, \"Digests\"). The email carries the period's Excel report."
            ],
            footer: "dingsync \(DingSyncVersion.current) on \(host)")
    }

    /// `2025-04-14 – 2025-04-20` (the last day inclusive) or the one day.
    static func range(_ period: DigestPeriod, timeZone: TimeZone) -> String {
        let first = TimeText.format(Date(timeIntervalSince1970: Double(period.start) / 1000), timeZone).prefix(10)
        let last = TimeText.format(Date(timeIntervalSince1970: Double(period.end - 1) / 1000), timeZone).prefix(10)
        return first == last ? String(first) : "\(first) – \(last)"
    }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "±0" }

    static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f%%", $0 * 100) } ?? "n/a"
    }

    static func pointChange(_ now: Double?, _ then: Double?) -> String {
        guard let now, let then else { return "" }
        let delta = (now - then) * 100
        return abs(delta) < 0.05 ? ", ±0 pp" : String(format: ", %@%.1f pp", delta > 0 ? "+" : "−", abs(delta))
    }

    static func hours(_ value: Double?) -> String {
        value.map { Overdue.duration(hours: $0) } ?? "n/a"
    }
}

/// No channel to send a digest on.
public struct NoChannelError: OperatorFacingError, Equatable {
    public var exitStatus: ExitStatus { .usage }
    public var errorDescription: String? {
        "no notification channel is set: a digest goes to the Feishu bot (notification.webhook_url) and/or by email "
            + "(notification.email.enabled); set one, or use --dry-run to print it"
    }
}

/// Builds and sends (or prints) a digest.
public struct DigestRunner: Sendable {
    public struct Outcome: Sendable {
        /// What to print: the message (dry run) or what became of each channel.
        public var text: String
        /// False when no channel took the message.
        public var delivered: Bool
    }

    let config: Config
    let transport: HTTPTransport
    let mailer: Mailer
    let logger: Logger
    /// The period's workbook for the email; nil: none attached.
    let workbook: (@Sendable (DigestPeriod, StateStore) throws -> EmailAttachment?)?

    public init(
        config: Config, transport: HTTPTransport = Transports.live().feishu, mailer: Mailer? = nil,
        logger: Logger = Logger(label: "dingsync.digest"),
        workbook: (@Sendable (DigestPeriod, StateStore) throws -> EmailAttachment?)? = nil
    ) {
        self.config = config
        self.transport = transport
        self.mailer = mailer ?? CurlMailer()
        self.logger = logger
        self.workbook = workbook ?? DigestRunner.weekWorkbook(config)
    }

    /// The workbook an email digest carries: `report --week` of the period's ISO week (for a daily
    /// digest, the week the day falls in, to date), made in a temporary file and read back.
    public static func weekWorkbook(_ config: Config) -> @Sendable (DigestPeriod, StateStore) throws -> EmailAttachment?
    {
        { period, store in
            let zone = config.sync.timeZone
            let start = Date(timeIntervalSince1970: Double(period.start) / 1000)
            let label = DigestPeriod.containing(start, kind: .week, timeZone: zone).label
            guard let week = ReportWeek(label) else { return nil }
            let reportPeriod = ReportPeriod.week(week)
            let statistics = try StatsQuery.report(store: store, config: config, period: reportPeriod)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "dingsync-digest-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let name = StatsQuery.defaultReportName(reportPeriod)
            let path = folder.appendingPathComponent(name).path
            _ = try ReportWriter.write(statistics, period: reportPeriod, to: path)
            return .workbook(name, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    public func send(period: DigestPeriod, now: Date, dryRun: Bool) async throws -> Outcome {
        let notifier = Notifier(config: config.notification, transport: transport, mailer: mailer, logger: logger)
        guard dryRun || notifier.hasChannel else { throw NoChannelError() }
        let store = try StateBackend(config).openStore(.read)
        let sla = DigestRunner.serviceLevels(config)
        let content = try Digest.content(
            store: store, period: period, timeZone: config.sync.timeZone, names: DigestRunner.names(store),
            now: now, sla: sla)
        let message = Digest.message(content, timeZone: config.sync.timeZone, host: notifier.host)
        if dryRun { return Outcome(text: message.plainText, delivered: true) }
        var attachments: [EmailAttachment] = []
        if config.notification.email.enabled, let workbook {
            do {
                if let file = try workbook(period, store) { attachments.append(file) }
            } catch {
                logger.warning(
                    "digest: the period's workbook could not be made (\(error.localizedDescription)); sent without it")
            }
        }
        let results = await notifier.deliver(message, attachments: attachments, now: now)
        let lines = results.map { "\($0.channel): \($0.delivered ? "sent" : "not sent: \($0.detail)")" }
        return Outcome(
            text: "digest \(period.label): " + lines.joined(separator: "; ") + "\n",
            delivered: results.contains { $0.delivered })
    }
}

extension DigestRunner {
    /// The service levels of the configuration (`sla:` keys); nil when none is set.
    public static func serviceLevels(_ config: Config) -> StatsSLA? {
        let policy = SLAPolicy(config.sla)
        return policy.isEmpty ? nil : StatsSLA(policy: policy)
    }

    /// Template names as the main table shows them (remembered by the sync), else from titles.
    public static func names(_ store: StateStore) -> [String: String] {
        (try? store.templateNames()) ?? [:]
    }
}
