import ArgumentParser
import DingSyncCore

extension DingSync {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Health check: config, credentials, permissions, schema, state, quota.",
            discussion: """
            One line per check, ok / warn / fail, with the fix. Exit 0 when all pass, 1 on warnings, 2 on failures.

            Example: dingsync doctor --config /etc/dingsync/config.yaml
            """
        )

        @OptionGroup var options: ConfigOption

        func run() async throws {
            _ = try options.load(.sync)
            print("ok    config is valid")
            try CommandRunner.run { throw NotAvailableError(command: "doctor (the remaining checks)") }
        }
    }
}
