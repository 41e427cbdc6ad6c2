import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore

@main
struct DingSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dingsync",
        abstract: "Copy DingTalk approval instances into a Feishu Bitable, keep a local mirror, report on it.",
        discussion: """
            With no subcommand, dingsync runs a sync (the `sync` subcommand): an incremental run from the \
            checkpoint, or --init, --full-check, or a --start-time/--end-time backfill. See `dingsync sync --help`.

            Examples:
              dingsync                                   incremental run with ./config.yaml
              dingsync --init --config /etc/dingsync/config.yaml
              dingsync --start-time 2025-01-01 --end-time "2025-03-31 18:00"
              dingsync --full-check --dry-run
              dingsync watch          real time over DingTalk Stream (a service)
              dingsync setup          create or check the Bitable tables
              dingsync doctor         health check
              dingsync stats --from 2025-01-01 --format json
              dingsync report --month 2025-04
              dingsync digest --day   yesterday's digest for managers (bot card and email)

            Exit codes: 0 all synced · 1 some instances failed (retried next run) · 2 the run could not \
            proceed · 64 bad command line or configuration · 75 another run holds the lock.
            The config file is --config PATH, else ./config.yaml, else $DINGSYNC_CONFIG.
            """,
        version: DingSyncVersion.current,
        subcommands: [
            Sync.self, Watch.self, Setup.self, Doctor.self, Stats.self, Report.self, Export.self, DigestCommand.self,
            MigrateDB.self
        ],
        defaultSubcommand: Sync.self
    )

    static func main() async {
        MemoryTuning.limitArenas()
        await main(nil)
    }
}
