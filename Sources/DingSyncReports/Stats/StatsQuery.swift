import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Reads the mirror and computes the statistics of `stats` and `report` (no API call).
public enum StatsQuery {
    /// Statistics over instances created in `from...to` (either end open), optionally of one template.
    public static func statistics(
        store: StateStore, config: Config, from: Date?, to: Date?, template: String?,
        now: Date = Date()
    ) throws -> Statistics {
        if let template { try checkKnown(template, store: store, config: config) }
        var options = StatsOptions(config: config, now: now, from: from, to: to, template: template)
        options.firstMirrored = try store.firstCreateTime(processCode: template)
        let summary = try store.statsSummary(
            from: options.from, to: options.to, processCode: template, categoryField: options.categoryField,
            now: options.now)
        var statistics = try compute(summary, store: store, options: options)
        statistics.detailAmounts = try detailAmounts(store: store, config: config, statistics: statistics)
        return statistics
    }

    /// The statistics of one month or ISO week (optionally of one template), with the monthly trend
    /// of the twelve months ending with the period's last month.
    public static func report(
        store: StateStore, config: Config, period: ReportPeriod, template: String? = nil, now: Date = Date()
    ) throws -> Statistics {
        if let template { try checkKnown(template, store: store, config: config) }
        let zone = config.sync.timeZone
        var options = StatsOptions(config: config, now: now, from: nil, to: nil, template: template)
        options.from = period.start(in: zone)
        options.to = period.end(in: zone)
        options.firstMirrored = try store.firstCreateTime(processCode: template)
        let summary = try store.statsSummary(
            from: options.from, to: options.to, processCode: template, categoryField: options.categoryField,
            now: options.now)
        var statistics = try compute(summary, store: store, options: options)
        let last = period.trendMonth(in: zone)
        var trendOptions = options
        trendOptions.from = last.adding(months: -11).start(in: zone)
        trendOptions.to = last.end(in: zone)
        statistics.monthly = try trend(store: store, options: trendOptions)
        statistics.detailAmounts = try detailAmounts(store: store, config: config, statistics: statistics)
        return statistics
    }

    /// The statistics of one month (``report(store:config:period:template:now:)``).
    public static func monthlyReport(store: StateStore, config: Config, month: ReportMonth, now: Date = Date()) throws
        -> Statistics
    {
        try report(store: store, config: config, period: .month(month), now: now)
    }

    static func compute(
        _ summary: (instances: [StatsInstance], tasks: TaskAggregate, tallies: [ActionTally]), store: StateStore,
        options: StatsOptions
    ) throws -> Statistics {
        let names = StatsEngine.templateNames(titles: try store.templateTitleCounts())
        let open = try store.openStatsDataset(processCode: options.template)
        return StatsEngine.compute(
            instances: summary.instances, tasks: summary.tasks, tallies: summary.tallies, options: options,
            names: names, open: (open.instances, TaskAggregate(open, now: options.now)))
    }

    /// The monthly trend over `options.from...options.to`, streamed from the mirror (no list of instances).
    static func trend(store: StateStore, options: StatsOptions) throws -> [MonthStats] {
        let bucketer = MonthBucketer(timeZone: options.timeZone)
        var counts: [ReportMonth: StatusCounts] = [:]
        var applicants: [ReportMonth: Set<String>] = [:]
        try store.forEachTrendRow(from: options.from, to: options.to, processCode: options.template) {
            created, status, result, applicant in
            let month = bucketer.month(created)
            counts[month, default: StatusCounts()].add(StatsOutcome(status: status, result: result))
            applicants[month, default: []].insert(applicant)
        }
        return StatsEngine.monthlyTrend(counts: counts, applicants: applicants.mapValues(\.count), options: options)
    }

    /// A `--template` must be a code of the configuration or of the mirror: a typo is refused
    /// (exit 64, naming the known codes), not answered with an empty period.
    public static func checkKnown(_ template: String, store: StateStore, config: Config) throws {
        let known = Set(config.dingtalk.processCodes).union(try store.mirroredProcessCodes())
        guard known.contains(template) else {
            throw UnknownTemplateError(code: template, known: known.sorted())
        }
    }

    /// The default report file name, `report-YYYY-MM.xlsx`.
    public static func defaultReportName(_ month: ReportMonth) -> String { "report-\(month.text).xlsx" }

    /// The default report file name of a period, `report-YYYY-MM.xlsx` or `report-YYYY-Www.xlsx`.
    public static func defaultReportName(_ period: ReportPeriod) -> String { "report-\(period.text).xlsx" }
}

/// Opens the state database for `stats`, `report` and `export`, refusing to create one.
public enum StatsSource {
    public static func open(_ config: Config) throws -> StateStore {
        try StateBackend(config).openStore(.read)
    }
}

/// `--template` named a process code that neither the configuration nor the mirror knows.
public struct UnknownTemplateError: OperatorFacingError, Equatable {
    public var code: String
    public var known: [String]
    public var exitStatus: ExitStatus { .usage }
    public var errorDescription: String? {
        "--template \(code) is not a template of this configuration or of the state database; known: "
            + (known.isEmpty ? "none yet (run a sync first)" : known.joined(separator: ", "))
    }
}
