import Foundation
import Testing
@testable import DingSyncCore

@Suite struct StateStoreTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-store-\(UUID().uuidString)/state.sqlite").path
    }

    func detail(_ id: String, status: String = "RUNNING", code: String = "PROC-A") -> InstanceDetail {
        InstanceDetail(instanceId: id, processCode: code, title: "t", businessId: "b", status: status, result: status == "COMPLETED" ? "agree" : "",
                       createTime: Date(timeIntervalSince1970: 1_743_470_123), finishTime: nil, originatorUserId: "u1",
                       originatorDeptId: "1", originatorDeptName: "研发", ccUserIds: [], approverUserIds: [], attachedInstanceIds: [],
                       bizAction: "NONE", mainInstanceId: nil,
                       formValues: [.init(name: "金额", componentType: "MoneyField", value: "1,280.50")],
                       operationRecords: [.init(userId: "u1", date: Date(timeIntervalSince1970: 1_743_470_123), type: "START_PROCESS_INSTANCE", result: "NONE", remark: "")],
                       tasks: [])
    }

    @Test func schemaIsVersionedAndReopenable() throws {
        let path = tempPath()
        let store = try StateStore(path: path)
        #expect(try store.storedVersion() == StateStore.schemaVersion)
        let again = try StateStore(path: path)
        #expect(try again.storedVersion() == StateStore.schemaVersion)
    }

    @Test func refusesANewerSchema() throws {
        let path = tempPath()
        _ = try StateStore(path: path)
        let db = try SQLiteDatabase(path: path)
        try db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        #expect { _ = try StateStore(path: path) } throws: { ($0 as? SQLiteError)?.localizedDescription.contains("upgrade dingsync") == true }
    }

    @Test func commitMirrorsAndOpenInstancesFollowStatus() throws {
        let store = try StateStore(path: tempPath())
        let processor = DataProcessor()
        let names = NameLookup(users: ["u1": "王小明"])
        let running = detail("i1")
        let p = processor.process(running, names: names, syncedAt: Date())
        try store.commit([InstanceCommit(detail: running, processed: p, ledger: [(.main, LedgerEntry(key: "i1", instanceId: "i1", recordId: "rec1", contentHash: p.main.contentHash))])],
                         names: names, at: Date())
        #expect(try store.openInstances(processCodes: ["PROC-A"]).map(\.instanceId) == ["i1"])
        #expect(try store.openInstances(processCodes: ["PROC-B"]).isEmpty)
        #expect(try store.ledger(.main, keys: ["i1", "x"])["i1"]?.recordId == "rec1")
        #expect(try store.mirroredDetail("i1") == running)

        let done = detail("i1", status: "COMPLETED")
        try store.commit([InstanceCommit(detail: done, processed: processor.process(done, names: names, syncedAt: Date()), ledger: [])], names: names, at: Date())
        #expect(try store.openInstances(processCodes: ["PROC-A"]).isEmpty)
        #expect(try store.instanceCount() == 1)
    }

    @Test func pendingCreatesAndFailures() throws {
        let store = try StateStore(path: tempPath())
        try store.markPendingCreates(.main, keys: ["a", "b"], table: "tbl", at: Date())
        #expect(try store.pendingCreates(.main) == ["a", "b"])
        try store.recordWritten(.main, [LedgerEntry(key: "a", instanceId: "a", recordId: "r", contentHash: "h")], at: Date())
        #expect(try store.pendingCreates(.main) == ["b"])
        try store.resolvePendingCreates(.main, found: [LedgerEntry(key: "b", instanceId: "b", recordId: "r2", contentHash: nil)], at: Date())
        #expect(try store.pendingCreates(.main).isEmpty)
        #expect(try store.ledger(.main, keys: ["b"])["b"]?.contentHash == nil)

        try store.recordFailure(instanceId: "x", processCode: "PROC-A", error: "boom", at: Date())
        try store.recordFailure(instanceId: "x", processCode: "PROC-A", error: "boom again", at: Date())
        let failed = try store.failedInstances(processCodes: ["PROC-A"])
        #expect(failed == [FailedInstance(instanceId: "x", processCode: "PROC-A", error: "boom again", attempts: 2)])
        try store.clearFailure("x")
        #expect(try store.failedInstances(processCodes: ["PROC-A"]).isEmpty)
    }

    @Test func namesAndMonthlyCalls() throws {
        let store = try StateStore(path: tempPath())
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

@Suite struct CheckpointManagerTests {
    let zone = TimeZone(identifier: "Asia/Shanghai")!

    @Test func roundTripIsReadableAndAtomic() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString)/checkpoint.json").path
        let manager = CheckpointManager(path: path, timeZone: zone)
        #expect(try manager.load().isEmpty)
        let date = Date(timeIntervalSince1970: 1_743_480_000)
        try manager.save(["PROC-A": date])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"synced_until\" : \"2025-04-01 12:00:00 +08:00\""))
        #expect(try manager.load() == ["PROC-A": date])
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["checkpoint.json"])   // no temp file left
    }

    @Test func handEditedTextIsAccepted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString).json").path
        try #"{"process_codes": {"PROC-A": {"synced_until": "2025-04-01 12:00:00 +08:00"}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CheckpointManager(path: path, timeZone: zone).load() == ["PROC-A": Date(timeIntervalSince1970: 1_743_480_000)])
    }

    @Test(arguments: ["{ nope", "[]", #"{"process_codes": {"P": "x"}}"#, #"{"process_codes": {"P": {"synced_until": "yesterday"}}}"#])
    func corruptFilesAreATypedError(text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: CheckpointError.self) { _ = try CheckpointManager(path: path, timeZone: zone).load() }
    }
}

@Suite struct RowDiffTests {
    func row(_ key: String, _ title: String) -> BitableRow {
        BitableRow(key: key, fields: [BitableField(name: "instance_id", value: .text(key)), BitableField(name: "title", value: .text(title))])
    }

    @Test func createsUpdatesSkipsAndDeletes() {
        let a = row("a", "x"), b = row("b", "y"), c = row("c", "z")
        let ledger = ["a": LedgerEntry(key: "a", instanceId: "a", recordId: "r1", contentHash: a.contentHash),
                      "b": LedgerEntry(key: "b", instanceId: "b", recordId: "r2", contentHash: "old")]
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
        let diff = RowDiff.compute(rows: [a], ledger: ["a": LedgerEntry(key: "a", instanceId: "a", recordId: "r", contentHash: nil)])
        #expect(diff.update.count == 1)
    }
}
