import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore

extension DingSync {
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Statistics from the local mirror (no API call).",
            discussion: """
                Overview, departments, categories, templates, monthly trend, top applicants, processing \
                efficiency, approver load, bottlenecks, anomalies and amount thresholds over instances created in \
                the range (all when no range), read from the local mirror (sync.state_db). Every figure is defined \
                in README.md, section "Statistics and reports".

                Examples:
                  dingsync stats --from 2025-01-01 --to 2025-03-31
                  dingsync stats --template PROC-XXXX --format json > stats.json
                  dingsync stats --from 2025-04-01 --format csv > april.csv
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

        @OptionGroup var options: ConfigOption

        @Option(
            help: ArgumentHelp(
                "First creation day (inclusive), in sync.timezone.", discussion: "Example: --from 2025-01-01",
                valueName: "date"))
        var from: String?

        @Option(
            help: ArgumentHelp(
                "Last creation day (inclusive).", discussion: "Example: --to 2025-03-31", valueName: "date"))
        var to: String?

        @Option(
            help: ArgumentHelp(
                "Only this template (process code).", discussion: "Example: --template PROC-XXXX", valueName: "code"))
        var template: String?

        @Option(help: ArgumentHelp("Output format.", discussion: "Example: --format csv"))
        var format: Format = .table

        func run() async throws {
            let config = try options.load(.none)
            let output = try CommandRunner.run {
                let range = try TimeArgument.parseRange(
                    start: from, end: to, timeZone: config.sync.timeZone, startFlag: "--from", endFlag: "--to")
                let store = try StatsSource.open(config)
                let statistics = try StatsQuery.statistics(
                    store: store, config: config, from: range.start, to: range.end, template: template)
                return StatsFormatter.render(
                    statistics, format: StatsFormatter.Format(rawValue: format.rawValue) ?? .table)
            }
            print(output, terminator: "")
        }
    }
}
