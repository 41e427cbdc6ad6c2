import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import TestSupport
import Testing

extension SandboxProcess {
    /// Points this sandbox's config at a fresh MySQL database (the test server's admin account).
    @discardableResult
    func useMySQL(_ endpoint: MySQLEndpoint? = nil) throws -> MySQLEndpoint {
        let target = try endpoint ?? TestMySQL.freshDatabase(prefix: "dse2e")
        try editConfig { text in
            text + """

                database:
                  type: mysql
                  host: \(target.host)
                  port: \(target.port)
                  user: \(target.user)
                  password: "${TEST_DB_PASSWORD}"
                  database: \(target.database)
                  tls: disabled

                """
        }
        return target
    }

    /// Runs dingsync with the database password in the environment (never in the file).
    func dingsync(_ arguments: [String], password: String) throws -> CLIResult {
        try dingsync(arguments, environment: ["TEST_DB_PASSWORD": password])
    }
}

/// Runs SQL on the test server as the admin account, in `database`.
func mysqlQuery(_ endpoint: MySQLEndpoint, _ sql: String) throws -> [[SQLValue]] {
    try MySQLDatabase(endpoint: endpoint).query(sql)
}

/// The whole sync with its state on a MySQL server: nothing on the local disk but logs,
/// the server's lock, kills mid-run, the seed-compatible views, the move from SQLite.
@Suite(.serialized, .disabled(if: TestMySQL.skipped, "DINGSYNC_TEST_MYSQL=skip"))
struct MySQLBackendTests {
    @Test func syncKilledMidRunIntoMySQLLosesAndDuplicatesNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "120", "--days", "5", "--latency-ms", "15"])
        let db = try sandbox.useMySQL()
        try sandbox.editConfig { $0.replacingOccurrences(of: "batch_size: 500", with: "batch_size: 7") }
        for delay in [400_000, 1_000_000, 1_700_000, 2_400_000] as [useconds_t] {
            let process = try sandbox.startDingsync(["--init"], environment: ["TEST_DB_PASSWORD": db.password])
            usleep(delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let final = try sandbox.dingsync(["--init"], password: db.password)
        #expect(final.status == 0, "\(final.stdout)\n\(final.stderr)")
        let instances = try sandbox.instances()
        try assertTablesMatch(sandbox, instances: instances)

        // The state is on the server: mirror, ledger, checkpoint — and nothing local but logs.
        let files = try FileManager.default.contentsOfDirectory(atPath: sandbox.folder).sorted()
        #expect(
            !files.contains("dingsync.sqlite") && !files.contains("checkpoint.json")
                && !files.contains("dingsync.lock"), "\(files)")
        #expect(
            try mysqlQuery(db, "SELECT COUNT(*) FROM ding_process_instances").first?.first?.int
                == Int64(instances.count))
        #expect(
            try mysqlQuery(db, "SELECT COUNT(*) FROM ledger WHERE kind = 'main'").first?.first?.int
                == Int64(instances.count))
        #expect(try mysqlQuery(db, "SELECT COUNT(*) FROM checkpoints").first?.first?.int ?? 0 >= 1)
        #expect(try mysqlQuery(db, "SELECT COUNT(*) FROM pending_creates").first?.first?.int == 0)

        // A second run changes nothing.
        let writes = try sandbox.writeCalls()
        let again = try sandbox.dingsync([], password: db.password)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try sandbox.writeCalls() == writes)
    }

    @Test func twoHostsOnOneDatabaseNeverRunAtOnce() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "5", "--latency-ms", "60"])
        let db = try sandbox.useMySQL()
        // A second "host": its own folder and config, the same database.
        let other = try CLIRunner.tempDirectory() + "/config.yaml"
        try FileManager.default.copyItem(atPath: sandbox.configPath, toPath: other)
        let first = try sandbox.startDingsync(["--init"], environment: ["TEST_DB_PASSWORD": db.password])
        usleep(1_200_000)
        let second = try CLIRunner.run(["--init", "--config", other], environment: ["TEST_DB_PASSWORD": db.password])
        first.waitUntilExit()
        #expect(second.status == 75, "\(second.stdout)\n\(second.stderr)")
        #expect(
            second.stderr.contains(
                "another dingsync run holds the lock dingsync.\(db.database) on \(db.host):\(db.port)"),
            "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.processIdentifier)"), "\(second.stderr)")
        #expect(first.terminationStatus == 0)
        // Once the first is done, the other host runs.
        #expect(try CLIRunner.run(["--config", other], environment: ["TEST_DB_PASSWORD": db.password]).status == 0)
    }

    /// SQLite → MySQL with `migrate-db`, then the same statistics from both, and the original
    /// system's SQL on the views gives the figures `dingsync stats` prints.
    @Test func migrateThenSameStatisticsAndSeedSQL() throws {
        let sandbox = try SandboxProcess(["--instances", "90", "--days", "5"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        func stats(_ password: String? = nil) throws -> [String: Any] {
            let result = try sandbox.dingsync(
                ["stats", "--format", "json"], environment: password.map { ["TEST_DB_PASSWORD": $0] } ?? [:])
            #expect(result.status == 0, "\(result.stderr)")
            var object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
            object["generated_at"] = nil
            return object
        }
        let fromSQLite = try stats()

        let db = try sandbox.useMySQL()
        let copy = try sandbox.dingsync(["migrate-db"], password: db.password)
        #expect(copy.status == 0, "\(copy.stdout)\n\(copy.stderr)")
        #expect(copy.stdout.contains("verified: "), "\(copy.stdout)")
        #expect(copy.stdout.contains("copied instances: 90 row(s)"), "\(copy.stdout)")
        // A second copy is refused: the target is not empty.
        let again = try sandbox.dingsync(["migrate-db"], password: db.password)
        #expect(again.status == 2 && again.stderr.contains("is not empty"), "\(again.stderr)")

        let fromMySQL = try stats(db.password)
        #expect(NSDictionary(dictionary: fromSQLite).isEqual(to: fromMySQL), "stats differ between the backends")

        // The original system's SQL, unchanged, on the views.
        let overview = try #require(fromMySQL["overview"] as? [String: Any])
        let seed =
            try mysqlQuery(
                db,
                """
                SELECT COUNT(*) AS total,
                       SUM(CASE WHEN status = 'COMPLETED' AND result = 'agree' THEN 1 ELSE 0 END) AS approved,
                       SUM(CASE WHEN status = 'COMPLETED' AND result = 'refuse' THEN 1 ELSE 0 END) AS refused,
                       SUM(CASE WHEN status = 'TERMINATED' THEN 1 ELSE 0 END) AS revoked,
                       SUM(CASE WHEN status IN ('RUNNING', 'NEW') THEN 1 ELSE 0 END) AS running,
                       COUNT(DISTINCT originator_user_id) AS applicants
                FROM ding_process_instances
                WHERE create_time IS NOT NULL
                """
            ).first ?? []
        #expect(
            seed.map { $0.int ?? -1 }
                == ["created", "approved", "refused", "revoked", "running", "applicants"].map {
                    Int64((overview[$0] as? NSNumber)?.intValue ?? -2)
                }, "\(seed) vs \(overview)")
        let byDepartment = try mysqlQuery(
            db,
            """
            SELECT originator_dept_name, COUNT(*) FROM ding_process_instances GROUP BY originator_dept_name ORDER BY originator_dept_name
            """
        ).map { "\($0[0].string ?? ""):\($0[1].int ?? 0)" }
        let fromStats = (fromMySQL["by_department"] as? [[String: Any]] ?? []).map {
            "\($0["name"] as? String ?? ""):\(($0["created"] as? NSNumber)?.intValue ?? 0)"
        }
        #expect(byDepartment.sorted() == fromStats.sorted())
        // Wall-clock DATETIME in sync.timezone, and one row per form field.
        let sample =
            try mysqlQuery(db, "SELECT create_time FROM ding_process_instances ORDER BY create_time LIMIT 1").first?
            .first?.string ?? ""
        #expect(
            sample.range(of: #"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"#, options: .regularExpression) != nil, "\(sample)"
        )
        let fields = try mysqlQuery(db, "SELECT COUNT(*) FROM ding_form_component_values").first?.first?.int ?? 0
        #expect(
            fields == (try mysqlQuery(db, "SELECT COUNT(*) FROM form_values").first?.first?.int ?? -1) && fields > 0)

        // The sync goes on from the copied state: nothing written again.
        let writes = try sandbox.writeCalls()
        let run = try sandbox.dingsync([], password: db.password)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try sandbox.writeCalls() == writes, "after migrate-db the ledger knows every row")
    }

    @Test func badDatabaseSettingsAreOneClearExit2AndWriteNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "10", "--days", "3"])
        let admin = try TestMySQL.admin()
        let db = try sandbox.useMySQL()
        let original = try String(contentsOfFile: sandbox.configPath, encoding: .utf8)
        func expectFailure(_ password: String, _ needles: [String], _ note: String) throws {
            let run = try sandbox.dingsync([], password: password)
            #expect(run.status == 2, "\(note): \(run.stderr)")
            for needle in needles {
                #expect(run.stderr.contains(needle), "\(note): missing \(needle) in \(run.stderr)")
            }
            #expect(!run.stderr.contains(password) || password.count < 4, "\(note): the password leaked")
            #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack"), "\(run.stderr)")
        }
        let who = ["\(db.host):\(db.port)", "user \(db.user)", db.database]
        try expectFailure("wrong-password-123", who + ["access denied", "DINGSYNC_DB_PASSWORD"], "wrong password")

        try sandbox.editConfig { _ in
            original.replacingOccurrences(
                of: "database: \(db.database)", with: "database: dsnone_\(UUID().uuidString.prefix(6).lowercased())")
        }
        try expectFailure(db.password, ["does not exist", "CREATE DATABASE"], "unknown database")

        // A port where nothing listens.
        try sandbox.editConfig { _ in original.replacingOccurrences(of: "port: \(db.port)", with: "port: 1") }
        try expectFailure(db.password, ["127.0.0.1:1", "cannot reach the server"], "unreachable")

        // An account with SELECT only: the schema cannot be created.
        let user = "dsro_\(UUID().uuidString.prefix(6).lowercased())"
        try TestMySQL.adminExecute([
            "CREATE USER '\(user)'@'%' IDENTIFIED BY 'ro-pass-123'",
            "GRANT SELECT ON \(db.database).* TO '\(user)'@'%'"
        ])
        try sandbox.editConfig { _ in original.replacingOccurrences(of: "user: \(admin.user)", with: "user: \(user)") }
        try expectFailure(
            "ro-pass-123", ["privilege is missing", "GRANT SELECT, INSERT, UPDATE, DELETE", user], "missing privilege")
        #expect(try sandbox.writeCalls() == 0, "nothing may be written to Bitable when the state cannot be kept")

        // doctor names the same problem on its database line; with the right settings it is ok.
        let doctor = try sandbox.dingsync(["doctor"], password: "ro-pass-123")
        #expect(doctor.stdout.contains("state database") && doctor.stdout.contains("GRANT"), "\(doctor.stdout)")
        try sandbox.editConfig { _ in original }
        #expect(try sandbox.dingsync(["--init"], password: db.password).status == 0)
        let healthy = try sandbox.dingsync(["doctor"], password: db.password)
        let line = healthy.stdout.split(separator: "\n").first { $0.contains("state database") } ?? ""
        #expect(line.contains("ok") && line.contains("reads and writes allowed"), "\(healthy.stdout)")
    }
}
