import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncReports
import DingSyncStore
import Foundation

extension DingSync {
    struct DigestCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "digest",
            abstract: "Send managers the daily or weekly digest (from the local mirror, no API call).",
            discussion: """
                One message on every notification channel: instances created, finished, approved and refused, the \
                pass rate, the median and p90 duration, each beside the period before with its change; what is \
                overdue now (count and the longest waiting, with its approver); the slowest approvers of the period. \
                The email carries the period's Excel report as an attachment. --day is yesterday and --week the last \
                complete ISO week (Monday to Sunday) in sync.timezone; --date picks the day or the week containing it.

                Examples (crontab):
                  0 9 * * *   dingsync digest --day --config /etc/dingsync/config.yaml
                  0 9 * * 1   dingsync digest --week --config /etc/dingsync/config.yaml
                  dingsync digest --week --date 2025-04-14 --dry-run
                """
        )

        @OptionGroup var options: ConfigOption

        @Flag(help: "Yesterday (or the day of --date).") var day = false
        @Flag(help: "The last complete ISO week (or the week containing --date).") var week = false

        @Option(
            help: ArgumentHelp(
                "A day of the period, in sync.timezone.", discussion: "Example: --date 2025-04-14",
                valueName: "date"))
        var date: String?

        @Flag(help: "Print the message and send nothing.") var dryRun = false

        func validate() throws {
            guard day != week else {
                throw ValidationError("say which digest: --day or --week (one of them).")
            }
        }

        func run() async throws {
            let config = try options.load(.none)
            let kind: DigestPeriod.Kind = day ? .day : .week
            let zone = config.sync.timeZone
            let now = Date()
            let period: DigestPeriod = try CommandRunner.run {
                guard let date else { return DigestPeriod.last(kind, now: now, timeZone: zone) }
                let moment = try TimeArgument.parse(date, role: .start, timeZone: zone, flag: "--date")
                return DigestPeriod.containing(moment, kind: kind, timeZone: zone)
            }
            let outcome = try await CommandRunner.runAsync {
                try await DigestRunner(config: config).send(period: period, now: now, dryRun: dryRun)
            }
            print(outcome.text, terminator: "")
            if !outcome.delivered { throw ExitCode(ExitStatus.failed.rawValue) }
        }
    }
}
