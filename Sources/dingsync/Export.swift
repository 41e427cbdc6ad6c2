import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore

extension DingSync {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Export the main-table rows (with --actions the action rows, with --details the detail lines) to CSV or Excel.",
            discussion: """
                Instances created in the range (all when no range), from the local mirror (no API call). \
                CSV is UTF-8 with a byte-order mark so that Excel shows Chinese text; with --actions the action \
                rows go to a second file, NAME-actions.csv, and with --details the detail lines (明细, one row \
                per line of a table field) to NAME-details.csv. An .xlsx has the sheets 审批实例, 审批动作 and 审批明细. \
                The header row holds the Chinese column names (feishu.field_names renames win); --headers keys \
                writes the canonical keys (instance_id, business_id, …) for scripts.

                Examples:
                  dingsync export --from 2025-04-01 --to 2025-04-30 -o april.csv
                  dingsync export --from 2025-01-01 -o q1.xlsx --actions
                  dingsync export --from 2025-04-01 -o april.csv --details
                  dingsync export --template PROC-XXXX --headers keys -o leave.csv
                """
        )

        @OptionGroup var options: ConfigOption

        @Option(
            help: ArgumentHelp(
                "First creation day (inclusive).", discussion: "Example: --from 2025-04-01", valueName: "date"))
        var from: String?

        @Option(
            help: ArgumentHelp(
                "Last creation day (inclusive).", discussion: "Example: --to 2025-04-30", valueName: "date"))
        var to: String?

        @Option(
            name: [.customShort("o"), .long],
            help: ArgumentHelp("Output file: .csv or .xlsx.", discussion: "Example: -o april.csv", valueName: "file"))
        var output: String

        @Flag(help: "Also export the action rows.")
        var actions = false

        @Flag(help: "Also export the detail lines (明细) of table fields.")
        var details = false

        @Option(
            help: ArgumentHelp(
                "Only this template (process code).", discussion: "Example: --template PROC-XXXX", valueName: "code"))
        var template: String?

        enum Headers: String, ExpressibleByArgument, CaseIterable { case names, keys }

        @Option(
            help: ArgumentHelp(
                "Header row: names (Chinese column names, feishu.field_names renames applied) or keys (canonical keys).",
                discussion: "Example: --headers keys"))
        var headers: Headers = .names

        func validate() throws {
            let lower = output.lowercased()
            if !(lower.hasSuffix(".csv") || lower.hasSuffix(".xlsx")) {
                throw ValidationError("-o must end in .csv or .xlsx, got \"\(output)\".")
            }
        }

        func run() async throws {
            let config = try options.load(.none)
            let result = try CommandRunner.run {
                let range = try TimeArgument.parseRange(
                    start: from, end: to, timeZone: config.sync.timeZone, startFlag: "--from", endFlag: "--to")
                let store = try StatsSource.open(config)
                if let template { try StatsQuery.checkKnown(template, store: store, config: config) }
                return try ExportWriter.export(
                    store: store, config: config, from: range.start, to: range.end, template: template,
                    includeActions: actions, includeDetails: details, headers: headers == .keys ? .keys : .names,
                    to: output)
            }
            let actionText = result.actionRows.map { " and \($0) action rows" } ?? ""
            let detailText = result.detailRows.map { " and \($0) detail lines" } ?? ""
            print(
                "exported \(result.mainRows) instances\(actionText)\(detailText) to \(result.files.joined(separator: ", "))"
            )
        }
    }
}
