import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import DingSyncWatch
import Foundation

extension DingSync {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Health check: config, credentials, permissions, schema, state, quota.",
            discussion: """
                One line per check, ok / warn / fail, with the fix after the arrow: the config; the DingTalk \
                token, each process code (one listing call over the last 10 minutes), one instance detail, \
                contacts (warn only: the sync works without them); the Feishu token, the base, each table \
                and its fields; the state database, the last completed run and the checkpoint (warn when \
                older than sync.stale_after_hours); the log folder and disk space; this month's DingTalk \
                calls against dingtalk.monthly_quota with the projection; the notification channels \
                (nothing is sent). Writes nothing to Feishu or DingTalk.

                Exit 0 when all pass, 1 on warnings, 2 on failures (an invalid config is a failure too).

                Example: dingsync doctor --config /etc/dingsync/config.yaml
                """
        )

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let path = ConfigLoader.resolvePath(
                explicit: options.config, environment: ProcessInfo.processInfo.environment,
                currentDirectory: FileManager.default.currentDirectoryPath)
            let loaded: LoadedConfig
            do {
                loaded = try ConfigLoader.load(path: path, requirements: [.dingtalk, .feishu])
            } catch {
                let report = DoctorReport(checks: [
                    .fail(
                        "config", error.localizedDescription,
                        fix: "fix the file (config.yaml.example lists every key), then run doctor again")
                ])
                print(report.text)
                throw ExitCode(report.exitStatus.rawValue)
            }
            var quiet = loaded.config
            quiet.logging.file = ""  // the screen is the report; nothing goes to the run log
            let logger = LogSetup.makeLogger(config: quiet, verbosity: .quiet)
            var report = await DingSyncOperations.Doctor(
                config: loaded.config, configWarnings: loaded.warnings,
                transport: URLSessionTransport(), logger: logger
            ).run()
            report.checks += await WatchDoctor.checks(config: loaded.config, transport: URLSessionTransport())
            print(report.text)
            if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
        }
    }
}
