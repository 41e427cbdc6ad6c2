import Foundation
import TestSupport
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct StateStoreTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "dingsync-store-\(UUID().uuidString)/state.sqlite"
        ).path
    }

    func detail(_ id: String, status: String = "RUNNING", code: String = "PROC-A") -> InstanceDetail {
        InstanceDetail(
            instanceId: id, processCode: code, title: "t", businessId: "b", status: status,
            result: status == "COMPLETED" ? "agree" : "",
            createTime: Date(timeIntervalSince1970: 1_743_470_123), finishTime: nil, originatorUserId: "u1",
            originatorDeptId: "1", originatorDeptName: "研发", ccUserIds: [], approverUserIds: [],
            attachedInstanceIds: [],
            bizAction: "NONE", mainInstanceId: nil,
            formValues: [.init(name: "金额", componentType: "MoneyField", value: "1,280.50")],
            operationRecords: [
                .init(
                    userId: "u1", date: Date(timeIntervalSince1970: 1_743_470_123), type: "START_PROCESS_INSTANCE",
                    result: "NONE", remark: "")
            ],
            tasks: [])
    }

    /// A second connection to the same database as `store`.
    func reopen(_ store: StateStore, _ backend: TestBackend) throws -> any SQLDatabase {
        switch backend {
        case .sqlite: return try SQLiteDatabase(path: store.path)
        case .mysql: return try MySQLDatabase(endpoint: (store.db as! MySQLDatabase).endpoint)
        }
    }

    @Test(arguments: TestBackend.all) func schemaIsVersionedAndReopenable(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        #expect(try store.storedVersion() == StateStore.schemaVersion)
        let again = try StateStore(database: try reopen(store, backend), timeZone: store.timeZone)
        #expect(try again.storedVersion() == StateStore.schemaVersion)
    }

    @Test(arguments: TestBackend.all) func refusesANewerSchema(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        let db = try reopen(store, backend)
        try db.run("UPDATE meta SET value = '99' WHERE `key` = 'schema_version'")
        #expect { _ = try StateStore(database: try reopen(store, backend), timeZone: store.timeZone) } throws: {
            ($0 as? SchemaVersionError)?.localizedDescription.contains("upgrade dingsync") == true
        }
    }

    /// A file written by schema 1 (before the views) is migrated: wall-clock times filled, views readable.
    @Test func migratesAVersion1File() throws {
        let path = tempPath()
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for statement in SQLiteSchema.steps[0].statements { try db.execute(statement) }
        try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        try db.run(
            """
            INSERT INTO instances (instance_id, process_code, business_id, title, status, result, create_time, finish_time, is_final, detail_json, synced_at)
            VALUES ('i1', 'PROC-A', 'B1', '报销', 'COMPLETED', 'agree', 1743470123000, 1743473723000, 1, '{}', 0)
            """)
        let store = try StateStore(path: path, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(try store.storedVersion() == StateStore.schemaVersion)
        let row = try store.db.query("SELECT process_instance_id, create_time, finish_time FROM ding_process_instances")
        #expect(row == [["i1", "2025-04-01 09:15:23", "2025-04-01 10:15:23"]])
    }

    @Test(arguments: TestBackend.all) func unicodeSurvives(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        var d = detail("i-😀")
        d.title = "王小明提交的报销 🚄 — “出差”"
        d.formValues = [.init(name: "事由 📝", componentType: "TextField", value: String(repeating: "长文本😀", count: 300))]
        let names = NameLookup(users: ["u1": "王小明🐉"])
        let p = DataProcessor().process(d, names: names, syncedAt: Date())
        try store.commit([InstanceCommit(detail: d, processed: p, ledger: [])], names: names, at: Date())
        #expect(try store.mirroredDetail("i-😀") == d)
        let form = try store.db.query(
            "SELECT component_name, value_text FROM ding_form_component_values WHERE process_instance_id = ?", ["i-😀"])
        #expect(form.first?[0].string == "事由 📝")
        #expect(form.first?[1].string == String(repeating: "长文本😀", count: 300))
        #expect(
            try store.db.query("SELECT originator_user_name FROM ding_process_instances").first?.first?.string == "王小明🐉"
        )
        // Keys are case-sensitive on both backends (instance ids are).
        try store.recordWritten(
            .main,
            [
                LedgerEntry(key: "Ab", instanceId: "Ab", recordId: "r1", contentHash: "h"),
                LedgerEntry(key: "aB", instanceId: "aB", recordId: "r2", contentHash: "h")
            ], at: Date())
        #expect(try store.ledger(.main, keys: ["Ab", "aB"]).mapValues(\.recordId) == ["Ab": "r1", "aB": "r2"])
    }

    /// A connection the server dropped (restart, idle timeout, KILL) is reopened once: a lone
    /// statement runs again, a transaction in flight is replayed on the new connection.
    @Test func mysqlReconnectsOnceAfterALostConnection() throws {
        guard TestBackend.all.contains(.mysql) else { return }
        let store = try TestBackend.mysql.makeStore()
        func killConnection() throws {
            let id = try #require(store.db.query("SELECT CONNECTION_ID()").first?.first?.int)
            try TestMySQL.adminExecute(["KILL \(id)"])
        }
        try store.saveNames(users: ["u1": "甲"], departments: [:], at: Date())
        try killConnection()
        #expect(try store.names().users == ["u1": "甲"])
        try killConnection()
        try store.saveNames(users: ["u2": "乙"], departments: [:], at: Date())
        #expect(try store.names().users == ["u1": "甲", "u2": "乙"])
        // Killed inside a transaction: replayed once, nothing half-written.
        var attempts = 0
        try store.locked {
            try store.db.transaction {
                attempts += 1
                try store.db.run("INSERT INTO users (user_id, name, updated_at) VALUES ('u3', '丙', 0)")
                if attempts == 1 { try killConnection() }
                try store.db.run("INSERT INTO users (user_id, name, updated_at) VALUES ('u4', '丁', 0)")
            }
        }
        #expect(attempts == 2)
        #expect(try store.names().users.keys.sorted() == ["u1", "u2", "u3", "u4"])
    }

    @Test(arguments: TestBackend.all) func checkpointsInTheDatabase(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        let manager = DatabaseCheckpointStore(store: store)
        #expect(!manager.exists)
        let a = Date(timeIntervalSince1970: 1_743_480_000)
        let b = Date(timeIntervalSince1970: 1_743_490_000.5)
        try manager.save(["PROC-A": a, "PROC-B": b])
        #expect(try manager.load() == ["PROC-A": a, "PROC-B": Date(timeIntervalSince1970: 1_743_490_000.5)])
        try manager.save(["PROC-A": b])
        #expect(try manager.load() == ["PROC-A": b])
        #expect(manager.exists)
    }

    @Test(arguments: TestBackend.all) func commitMirrorsAndOpenInstancesFollowStatus(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        let processor = DataProcessor()
        let names = NameLookup(users: ["u1": "王小明"])
        let running = detail("i1")
        let p = processor.process(running, names: names, syncedAt: Date())
        try store.commit(
            [
                InstanceCommit(
                    detail: running, processed: p,
                    ledger: [
                        (
                            .main,
                            LedgerEntry(key: "i1", instanceId: "i1", recordId: "rec1", contentHash: p.main.contentHash)
                        )
                    ])
            ],
            names: names, at: Date())
        #expect(try store.openInstances(processCodes: ["PROC-A"]).map(\.instanceId) == ["i1"])
        #expect(try store.openInstances(processCodes: ["PROC-B"]).isEmpty)
        #expect(try store.ledger(.main, keys: ["i1", "x"])["i1"]?.recordId == "rec1")
        #expect(try store.mirroredDetail("i1") == running)

        let done = detail("i1", status: "COMPLETED")
        try store.commit(
            [
                InstanceCommit(
                    detail: done, processed: processor.process(done, names: names, syncedAt: Date()), ledger: [])
            ], names: names, at: Date())
        #expect(try store.openInstances(processCodes: ["PROC-A"]).isEmpty)
        #expect(try store.instanceCount() == 1)
    }

    @Test(arguments: TestBackend.all) func pendingCreatesAndFailures(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        try store.markPendingCreates(.main, keys: ["a", "b"], table: "tbl", at: Date())
        #expect(try store.pendingCreates(.main) == ["a", "b"])
        try store.recordWritten(
            .main, [LedgerEntry(key: "a", instanceId: "a", recordId: "r", contentHash: "h")], at: Date())
        #expect(try store.pendingCreates(.main) == ["b"])
        try store.resolvePendingCreates(
            .main, found: [LedgerEntry(key: "b", instanceId: "b", recordId: "r2", contentHash: nil)], at: Date())
        #expect(try store.pendingCreates(.main).isEmpty)
        #expect(try store.ledger(.main, keys: ["b"])["b"]?.contentHash == nil)

        try store.recordFailure(instanceId: "x", processCode: "PROC-A", error: "boom", at: Date())
        try store.recordFailure(instanceId: "x", processCode: "PROC-A", error: "boom again", at: Date())
        let failed = try store.failedInstances(processCodes: ["PROC-A"])
        #expect(failed == [FailedInstance(instanceId: "x", processCode: "PROC-A", error: "boom again", attempts: 2)])
        try store.clearFailure("x")
        #expect(try store.failedInstances(processCodes: ["PROC-A"]).isEmpty)
    }

    @Test(arguments: TestBackend.all) func namesAndMonthlyCalls(_ backend: TestBackend) throws {
        let store = try backend.makeStore()
        try store.saveNames(users: ["u1": "王小明"], departments: ["1": "某公司"], at: Date())
        try store.saveNames(users: ["u1": "王晓明"], departments: [:], at: Date())
        let names = try store.names()
        #expect(names.users == ["u1": "王晓明"])
        #expect(names.departments == ["1": "某公司"])
        try store.addCalls(month: "2025-04", platform: "dingtalk", calls: ["listids": 3, "processinstance/get": 10])
        try store.addCalls(month: "2025-04", platform: "dingtalk", calls: ["listids": 2])
        #expect(try store.calls(month: "2025-04", platform: "dingtalk") == ["listids": 5, "processinstance/get": 10])
    }
}

@Suite struct FileCheckpointStoreTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    @Test func roundTripIsReadableAndAtomic() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cp-\(UUID().uuidString)/checkpoint.json"
        ).path
        let manager = FileCheckpointStore(path: path, timeZone: zone)
        #expect(try manager.load().isEmpty)
        let date = Date(timeIntervalSince1970: 1_743_480_000)
        try manager.save(["PROC-A": date])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"synced_until\": \"2025-04-01 12:00:00 +08:00\""))
        #expect(try manager.load() == ["PROC-A": date])
        let folder = (path as NSString).deletingLastPathComponent
        // no temp file left
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["checkpoint.json"])
    }

    @Test func handEditedTextIsAccepted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString).json").path
        try #"{"process_codes": {"PROC-A": {"synced_until": "2025-04-01 12:00:00 +08:00"}}}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(
            try FileCheckpointStore(path: path, timeZone: zone).load() == [
                "PROC-A": Date(timeIntervalSince1970: 1_743_480_000)
            ])
    }

    @Test(arguments: [
        "{ nope", "[]", #"{"process_codes": {"P": "x"}}"#, #"{"process_codes": {"P": {"synced_until": "yesterday"}}}"#
    ])
    func corruptFilesAreATypedError(text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CheckpointError.self) { _ = try FileCheckpointStore(path: path, timeZone: zone).load() }
    }
}

@Suite struct RowDiffTests {
    func row(_ key: String, _ title: String) -> BitableRow {
        BitableRow(
            key: key,
            fields: [
                BitableField(name: "instance_id", value: .text(key)), BitableField(name: "title", value: .text(title))
            ])
    }

    @Test func createsUpdatesSkipsAndDeletes() {
        let a = row("a", "x")
        let b = row("b", "y")
        let c = row("c", "z")
        let ledger = [
            "a": LedgerEntry(key: "a", instanceId: "a", recordId: "r1", contentHash: a.contentHash),
            "b": LedgerEntry(key: "b", instanceId: "b", recordId: "r2", contentHash: "old")
        ]
        let stale = [LedgerEntry(key: "d", instanceId: "d", recordId: "r4", contentHash: "h")]
        let diff = RowDiff.compute(rows: [a, b, c], ledger: ledger, stale: stale + [ledger["a"]!])
        #expect(diff.unchanged == [a])
        #expect(diff.update.map(\.row) == [b])
        #expect(diff.update.first?.entry.recordId == "r2")
        #expect(diff.create == [c])
        #expect(diff.delete.map(\.key) == ["d"])
    }

    @Test func unknownHashIsRewritten() {
        let a = row("a", "x")
        let diff = RowDiff.compute(
            rows: [a], ledger: ["a": LedgerEntry(key: "a", instanceId: "a", recordId: "r", contentHash: nil)])
        #expect(diff.update.count == 1)
    }
}
