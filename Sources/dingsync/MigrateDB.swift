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
    struct MigrateDB: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate-db",
            abstract: "Copy the SQLite state (and the checkpoint file) into the MySQL database of the config.",
            discussion: """
                For moving from SQLite to MySQL without a re-sync. Set database.type: mysql and the server's \
                keys in the config first; the target database must exist and be empty (dingsync creates its \
                tables). Everything is copied in one transaction and verified by counting every table; on \
                any error nothing is kept. Takes the run lock on the server, so no sync runs meanwhile. \
                The SQLite file and the checkpoint file are left as they were (keep them as a backup).

                Examples:
                  dingsync migrate-db
                  dingsync migrate-db --from /var/lib/dingsync/dingsync.sqlite --checkpoint /var/lib/dingsync/checkpoint.json
                """
        )

        @OptionGroup var options: ConfigOption

        @Option(help: ArgumentHelp("The SQLite state database to copy (default: sync.state_db).", valueName: "file"))
        var from: String?

        @Option(help: ArgumentHelp("The checkpoint file to copy (default: sync.checkpoint_file).", valueName: "file"))
        var checkpoint: String?

        func run() async throws {
            let config = try options.load(.none)
            try CommandRunner.run {
                guard config.database.type == .mysql else {
                    throw StateCopyError(
                        message:
                            "database.type is sqlite in \(config.sourcePath): set database.type: mysql and the server's keys (README, \"Database\") first, then run migrate-db again"
                    )
                }
                let sourcePath = from ?? config.sync.stateDB
                guard FileManager.default.fileExists(atPath: sourcePath) else {
                    throw StateCopyError(
                        message:
                            "no SQLite state database at \(sourcePath): pass --from FILE (the file sync.state_db pointed at)"
                    )
                }
                let checkpointPath = checkpoint ?? config.sync.checkpointFile
                let zone = config.sync.timeZone
                let lock = StateBackend(config).lock()
                try lock.acquire(now: Date(), timeZone: zone)
                defer { lock.release() }
                let source = try StateStore(path: sourcePath, timeZone: zone)
                let checkpoints = try FileCheckpointStore(path: checkpointPath, timeZone: zone).load()
                let target = try StateBackend(config).openStore(.write)
                let result = try StateCopy.copy(from: source, checkpoints: checkpoints, to: target) { line in
                    print("copied \(line)")
                }
                let total = result.counts.reduce(0) { $0 + $1.rows }
                print(
                    "verified: \(total) rows in \(result.counts.count) tables and \(result.checkpoints) checkpoint(s) now in \(target.path)"
                )
                print("next: run `dingsync doctor`, then the usual sync; keep \(sourcePath) as a backup")
            }
        }
    }
}
