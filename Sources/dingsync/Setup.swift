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
    struct Setup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or verify the Bitable tables, fields and views.",
            discussion: """
                Creates the main and action tables (审批实例表, 审批动作表) with every field of SPEC section 4 in \
                feishu.app_token when they are missing, and prints their ids for feishu.tables; with --details \
                (or when feishu.tables.detail or a detail_fields mapping is set) also the detail-line table \
                审批明细表 (SPEC 4.7), with one column per mapping.detail_fields entry; adds missing \
                fields to existing tables; reports fields of the wrong type without touching data. Creates the \
                views 审批中, 已超时, 按状态 and 时间线 on the main table when no view of that name exists (an \
                existing view is never changed) and prints what to finish by hand in Bitable. Safe to run \
                again. Exit 0 when the schema is complete, 2 when a field has the wrong type or the base is unreachable.

                Example: dingsync setup --config /etc/dingsync/config.yaml
                """
        )

        @OptionGroup var options: ConfigOption

        @Flag(
            name: .long,
            help: "Also create the detail-line table 审批明细表 (one row per TableField line, SPEC 4.7).")
        var details = false

        func run() async throws {
            let config = try options.load(.feishu)
            let logger = LogSetup.makeLogger(config: config, verbosity: .normal)
            let feishu = FeishuClient(
                options: .init(
                    config: config.feishu, batchSize: config.sync.batchSize, maxRetries: config.sync.maxRetries),
                transport: URLSessionTransport(), logger: logger)
            // one writer per table (SPEC 4): setup waits for a run or `watch`'s batch like a run does
            let lock = StateBackend(config).lock()
            var locked = false
            do {
                try await lock.acquireSuspending(
                    now: Date(), timeZone: config.sync.timeZone, wait: TimeInterval(config.sync.lockWaitSeconds))
                locked = true
            } catch let held as LockHeldError {
                Console.error(
                    "error: \(held.localizedDescription) — run setup when it is done, or give it sync.lock_wait_seconds"
                )
                throw ExitCode(held.exitStatus.rawValue)
            } catch {
                // a lock that cannot be taken at all (no MySQL server yet, an unwritable folder) does not stop setup
                Console.error("warning: setup runs without the run lock: \(error.localizedDescription)")
            }
            defer { if locked { lock.release() } }
            let report = try await CommandRunner.runAsync {
                try await TableSetup(config: config, feishu: feishu, details: details).run()
            }
            for line in report.lines { print(line) }
            for problem in report.problems { print("problem: \(problem)") }
            for line in report.clickLines { print("to finish in Bitable: \(line)") }
            print(
                """

                Put these in \(config.sourcePath):
                feishu:
                  tables:
                    main: "\(report.mainTable)"
                    action: "\(report.actionTable)"\(report.detailTable.isEmpty ? "" : "\n    detail: \"\(report.detailTable)\"")
                """)
            if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
        }
    }
}
