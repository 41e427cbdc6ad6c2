import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

extension DingSync {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sync approval instances into Bitable (the default command).",
            discussion: """
                Without a mode flag the run is incremental: from the checkpoint minus sync.lookback_minutes \
                to now (or the last sync.default_hours without a checkpoint), plus every instance still \
                running and every instance that failed before.

                Times accept yyyy-MM-dd HH:mm:ss, yyyy-MM-dd HH:mm, yyyy-MM-dd and ISO 8601 with an offset; \
                a time without an offset is in sync.timezone (default Asia/Shanghai). A bare date means the \
                start of the day for --start-time and the end of the day for --end-time.

                SIGINT or SIGTERM stops the run at its next safe point: what was fetched is written and \
                committed, the checkpoint does not move, the summary is printed, the run is recorded and \
                notified, and the exit code is 130 (SIGINT) or 143 (SIGTERM). A second signal stops at once.

                After the run (not --dry-run) its alerts are decided and, per notification.*, a failed or \
                partial run, an alert, or (with on_success) any run is sent to the Feishu bot and/or by \
                email. A notification that cannot be sent is logged; it never changes the exit code.

                Examples:
                  dingsync --init
                  dingsync --start-time "2025-01-01" --end-time "2025-03-31 18:00" --process-code PROC-XXXX
                  dingsync --full-check --dry-run --verbose
                """
        )

        @OptionGroup var options: ConfigOption

        @Flag(
            help: ArgumentHelp(
                "First sync: the last sync.init_days (default 7) days.", discussion: "Example: dingsync --init"))
        var `init` = false

        @Flag(
            help: ArgumentHelp(
                "Reconcile the last sync.full_check_days (default 30) days and repair the Bitable.",
                discussion: "Example: dingsync --full-check (nightly from cron)"))
        var fullCheck = false

        @Option(
            help: ArgumentHelp(
                "Backfill from this creation time.", discussion: "Example: --start-time \"2025-04-01 08:00\"",
                valueName: "time"))
        var startTime: String?

        @Option(
            help: ArgumentHelp(
                "End of the backfill (default: now). Needs --start-time.",
                discussion: "Example: --end-time 2025-04-30", valueName: "time"))
        var endTime: String?

        @Option(
            name: .customLong("process-code"),
            help: ArgumentHelp(
                "Sync only this template (repeatable; default: every dingtalk.process_codes).",
                discussion: "Example: --process-code PROC-7A1B2C3D --process-code PROC-99AA", valueName: "code"))
        var processCodes: [String] = []

        @Flag(
            help: ArgumentHelp(
                "Read from DingTalk and print every write it would make; write nothing anywhere.",
                discussion: "Example: dingsync --dry-run --verbose"))
        var dryRun = false

        @Flag(name: [.short, .long], help: "Log debug detail on the console.")
        var verbose = false

        @Flag(name: [.short, .long], help: "Only warnings and errors on the console (the summary is still printed).")
        var quiet = false

        func validate() throws {
            if `init` && fullCheck {
                throw ValidationError("--init and --full-check are different runs: choose one.")
            }
            if startTime != nil && (`init` || fullCheck) {
                throw ValidationError(
                    "--start-time is a backfill of its own: do not combine it with --init or --full-check.")
            }
            if endTime != nil && startTime == nil {
                throw ValidationError(
                    "--end-time needs --start-time (e.g. --start-time 2025-04-01 --end-time 2025-04-30).")
            }
            if verbose && quiet {
                throw ValidationError("--verbose and --quiet contradict each other: choose one.")
            }
            if let empty = processCodes.first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw ValidationError("--process-code needs a code, got \"\(empty)\".")
            }
        }

        func run() async throws {
            let config = try options.load(.sync)
            let zone = config.sync.timeZone
            let mode: SyncMode = try CommandRunner.run {
                if let startTime {
                    let range = try TimeArgument.parseRange(
                        start: startTime, end: endTime, timeZone: zone,
                        startFlag: "--start-time", endFlag: "--end-time")
                    if let start = range.start { return .range(start: start, end: range.end) }
                }
                return `init` ? .initial : fullCheck ? .fullCheck : .incremental
            }
            let codes = processCodes.isEmpty ? config.dingtalk.processCodes : processCodes
            let logger = LogSetup.makeLogger(config: config, verbosity: verbose ? .verbose : quiet ? .quiet : .normal)
            for code in codes where !config.dingtalk.processCodes.contains(code) {
                logger.warning("--process-code \(code) is not in dingtalk.process_codes of \(config.sourcePath)")
            }
            let now = Date()
            if dryRun {
                let plan = try CommandRunner.run {
                    try SyncPlan.make(
                        mode: mode, processCodes: codes, checkpoints: try StateBackend(config).loadCheckpoints(),
                        now: now, sync: config.sync, api: config.dingtalk.api)
                }
                print(PlanDescription.text(plan, timeZone: zone, dryRun: true))
            }
            let stop = StopSignal()
            SignalHandling.install(stop)
            let summary = try await CommandRunner.runAsync {
                try await SyncRunner.run(
                    config: config,
                    request: .init(mode: mode, processCodes: codes, dryRun: dryRun, now: now, stop: stop),
                    logger: logger, observer: ProgressObserver(logger: logger))
            }
            print(summary.text(timeZone: zone))
            if summary.exitStatus != .success { throw ExitCode(summary.exitStatus.rawValue) }
        }
    }
}
