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
        let options = StatsOptions(config: config, now: now, from: from, to: to, template: template)
        let data = try store.statsDataset(
            from: options.from, to: options.to, processCode: template,
            categoryField: options.categoryField)
        var statistics = StatsEngine.compute(data, options: options)
        statistics.detailAmounts = try detailAmounts(store: store, config: config, statistics: statistics)
        return statistics
    }

    /// The statistics of one month, with the monthly trend of the twelve months ending with it.
    public static func monthlyReport(store: StateStore, config: Config, month: ReportMonth, now: Date = Date()) throws
        -> Statistics
    {
        let zone = config.sync.timeZone
        let start = month.start(in: zone)
        let end = month.end(in: zone)
        let trendStart = month.adding(months: -11).start(in: zone)
        var options = StatsOptions(config: config, now: now, from: nil, to: nil, template: nil)
        options.from = start
        options.to = end
        let year = try store.statsDataset(
            from: trendStart, to: end, processCode: nil, categoryField: options.categoryField)
        var statistics = StatsEngine.compute(year.created(from: start, to: end), options: options)
        var trendOptions = options
        trendOptions.from = trendStart
        statistics.monthly = StatsEngine.monthlyTrend(year.instances, options: trendOptions)
        statistics.detailAmounts = try detailAmounts(store: store, config: config, statistics: statistics)
        return statistics
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
