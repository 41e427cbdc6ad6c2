import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore

extension DingSync {
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the Excel report of a month or an ISO week from the local mirror.",
            discussion: """
                Sheets 总体概览, 部门统计, 类别统计, 个人排行榜, 处理效率分析, 月度趋势, 审批人负载, 异常与瓶颈, 时效与超期, with \
                charts, over the instances created in that month or ISO week (Monday to Sunday, sync.timezone); the \
                trend covers the twelve months ending with it. A period still running says "至今" (to date); a \
                period before the first mirrored instance says "无数据" (no data), not 0. Every figure is defined in \
                README.md.

                Examples:
                  dingsync report --month 2025-04
                  dingsync report --week 2025-W17 --template PROC-XXXX
                  dingsync report --month 2025-04 -o /srv/reports/approvals-2025-04.xlsx
                """
        )

        @OptionGroup var options: ConfigOption

        @Option(help: ArgumentHelp("The month, YYYY-MM.", discussion: "Example: --month 2025-04", valueName: "YYYY-MM"))
        var month: String?

        @Option(
            help: ArgumentHelp(
                "The ISO week, YYYY-Www (Monday to Sunday in sync.timezone).", discussion: "Example: --week 2025-W17",
                valueName: "YYYY-Www"))
        var week: String?

        @Option(
            help: ArgumentHelp(
                "Only this template (process code).", discussion: "Example: --template PROC-XXXX", valueName: "code"))
        var template: String?

        @Option(
            name: [.customShort("o"), .long],
            help: ArgumentHelp(
                "Output file (default: report-YYYY-MM.xlsx or report-YYYY-Www.xlsx).",
                discussion: "Example: -o report.xlsx", valueName: "file.xlsx"))
        var output: String?

        func validate() throws {
            switch (month, week) {
            case (nil, nil):
                throw ValidationError(
                    "give the period: --month YYYY-MM (e.g. 2025-04) or --week YYYY-Www (e.g. 2025-W17).")
            case (.some, .some):
                throw ValidationError("--month and --week cannot be combined: give one period.")
            default:
                break
            }
            if let month {
                let parts = month.split(separator: "-")
                guard month.count == 7, parts.count == 2, let year = Int(parts[0]), let m = Int(parts[1]),
                    (2000...2999).contains(year), (1...12).contains(m)
                else {
                    throw ValidationError("--month must be YYYY-MM (e.g. 2025-04), got \"\(month)\".")
                }
            }
            if let week {
                guard let parsed = ReportWeek(week), (2000...2999).contains(parsed.year) else {
                    throw ValidationError(
                        "--week must be an ISO week YYYY-Www (e.g. 2025-W17; W01 to W52, or W53 in long years), got \"\(week)\"."
                    )
                }
            }
            if let output, !output.lowercased().hasSuffix(".xlsx") {
                throw ValidationError("-o must name an .xlsx file, got \"\(output)\".")
            }
        }

        func run() async throws {
            let config = try options.load(.none)
            let period: ReportPeriod
            if let week, let parsed = ReportWeek(week) {
                period = .week(parsed)
            } else if let month, let parsed = ReportMonth(month) {
                period = .month(parsed)
            } else {
                throw ValidationError("give the period: --month YYYY-MM or --week YYYY-Www.")
            }
            let path = output ?? StatsQuery.defaultReportName(period)
            let (statistics, charts) = try CommandRunner.run {
                let store = try StatsSource.open(config)
                let statistics = try StatsQuery.report(store: store, config: config, period: period, template: template)
                return (statistics, try ReportWriter.write(statistics, period: period, to: path))
            }
            let created = statistics.overview.counts.created
            print(
                "wrote \(path): \(ReportWriter.sheetNames.count) sheets, \(charts == 1 ? "1 chart" : "\(charts) charts"), "
                    + (created == 0
                        ? "no instances created in \(period.text)"
                        : "\(created) instances created in \(period.text)")
                    + (statistics.overdue.isEmpty ? "" : ", \(statistics.overdue.count) overdue now"))
        }
    }
}
