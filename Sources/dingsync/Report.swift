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
            abstract: "Write the monthly Excel report from the local mirror.",
            discussion: """
                Sheets 总体概览, 部门统计, 类别统计, 个人排行榜, 处理效率分析, 月度趋势, 审批人负载, 异常与瓶颈, with charts, \
                over the instances created in that month (sync.timezone); the trend covers the twelve months ending \
                with it. An empty month gives a report that says so. Every figure is defined in README.md.

                Examples:
                  dingsync report --month 2025-04
                  dingsync report --month 2025-04 -o /srv/reports/approvals-2025-04.xlsx
                """
        )

        @OptionGroup var options: ConfigOption

        @Option(help: ArgumentHelp("The month, YYYY-MM.", discussion: "Example: --month 2025-04", valueName: "YYYY-MM"))
        var month: String

        @Option(
            name: [.customShort("o"), .long],
            help: ArgumentHelp(
                "Output file (default: report-YYYY-MM.xlsx).",
                discussion: "Example: -o report.xlsx", valueName: "file.xlsx"))
        var output: String?

        func validate() throws {
            let parts = month.split(separator: "-")
            guard month.count == 7, parts.count == 2, let year = Int(parts[0]), let m = Int(parts[1]),
                (2000...2999).contains(year), (1...12).contains(m)
            else {
                throw ValidationError("--month must be YYYY-MM (e.g. 2025-04), got \"\(month)\".")
            }
            if let output, !output.lowercased().hasSuffix(".xlsx") {
                throw ValidationError("-o must name an .xlsx file, got \"\(output)\".")
            }
        }

        func run() async throws {
            let config = try options.load(.none)
            guard let reportMonth = ReportMonth(month) else {
                throw ValidationError("--month must be YYYY-MM (e.g. 2025-04), got \"\(month)\".")
            }
            let path = output ?? StatsQuery.defaultReportName(reportMonth)
            let (statistics, charts) = try CommandRunner.run {
                let store = try StatsSource.open(config)
                let statistics = try StatsQuery.monthlyReport(store: store, config: config, month: reportMonth)
                return (statistics, try ReportWriter.write(statistics, month: reportMonth, to: path))
            }
            let created = statistics.overview.counts.created
            print(
                "wrote \(path): \(ReportWriter.sheetNames.count) sheets, \(charts == 1 ? "1 chart" : "\(charts) charts"), "
                    + (created == 0
                        ? "no instances created in \(reportMonth.text)"
                        : "\(created) instances created in \(reportMonth.text)"))
        }
    }
}
