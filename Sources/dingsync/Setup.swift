import ArgumentParser
import DingSyncCore

extension DingSync {
    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or verify the Bitable tables and fields.",
            discussion: """
            Creates the main and action tables with every field of SPEC section 4 in feishu.app_token when \
            they are missing (and prints their ids for feishu.tables), adds missing fields to existing tables, \
            and reports fields of the wrong type without touching data. Safe to run again.

            Example: dingsync setup --config /etc/dingsync/config.yaml
            """
        )

        @OptionGroup var options: ConfigOption

        func run() async throws {
            _ = try options.load(.feishu)
            try CommandRunner.run { throw NotAvailableError(command: "setup") }
        }
    }
}
