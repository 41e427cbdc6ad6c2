import ArgumentParser
import DingSyncBasics
import DingSyncPipeline
import DingSyncWatch
import Foundation

extension DingSync {
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep Bitable within seconds of DingTalk: approval events over DingTalk Stream (a service).",
            discussion: """
                Runs until stopped, as a systemd service (scripts/systemd/dingsync-watch.service), beside the \
                nightly `dingsync --full-check`. At start, every stream.catchup_minutes and after every \
                reconnect it runs a plain incremental sync (the catch-up). In between it holds a DingTalk Stream \
                connection: each approval event of dingtalk.process_codes leads to one detail read of its \
                instance (events of one instance within stream.coalesce_ms share it), written like a run under \
                the same lock, and is acked only after its commit. A dropped connection is reopened with \
                backoff (1 s doubling to 60 s). Every stream.catchup_minutes one summary line is logged.

                SIGTERM or SIGINT: the batch in hand is synced and acked, the connection closed, exit 0. Bad \
                credentials, a missing permission or an unusable state database: notified, exit 2.

                The app must have Stream mode chosen in the DingTalk developer console (事件订阅 → Stream 模式推送) \
                with bpms_instance_change and bpms_task_change ticked (DEPLOYMENT.md).

                Example: dingsync watch --config /etc/dingsync/config.yaml
                """
        )

        @OptionGroup var options: ConfigOption

        @Flag(name: [.short, .long], help: "Log debug detail on the console (every frame and event).")
        var verbose = false

        func run() async throws {
            let config = try options.load(.sync)
            let logger = LogSetup.makeLogger(config: config, verbosity: verbose ? .verbose : .normal)
            let stop = StopSignal()
            SignalHandling.install(stop)
            let status = await WatchRunner(config: config, logger: logger, stop: stop).run()
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
