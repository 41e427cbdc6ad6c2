import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct ReliabilityUnitTests {
    // MARK: Feishu writes that meet deleted records and oversized cells

    @Test func batchUpdateLeavesOutRecordsDeletedInBitable() async throws {
        let server = FakeServer.feishu { request, _ in
            if request.url.path.hasSuffix("batch_get") {
                return json(
                    200,
                    [
                        "code": 0,
                        "data": ["records": [["record_id": "rec1", "fields": [:]]], "absent_record_ids": ["recGone"]]
                    ])
            }
            let ids = (bodyObject(request)["records"] as? [[String: Any]] ?? []).compactMap {
                $0["record_id"] as? String
            }
            if ids.contains("recGone") { return json(200, ["code": 1_254_043, "msg": "RecordIdNotFound"]) }
            return json(200, ["code": 0, "data": ["records": []]])
        }
        let client = feishuClient(server, batchSize: 10)
        let written = Recorded()
        let outcome = try await client.batchUpdate(
            table: "tbl", records: [("rec1", [("title", .text("a"))]), ("recGone", [("title", .text("b"))])]
        ) {
            await written.add($0)
        }
        #expect(outcome.absent == [1])
        #expect(outcome.rejected.isEmpty)
        #expect(await written.indices == [0], "the record that exists is written in the same call")
        let updates = server.requests(to: "/open-apis/bitable/v1/apps/bascn/tables/tbl/records/batch_update")
        #expect(updates.count == 2)
    }

    @Test func batchDeleteTreatsAlreadyGoneRecordsAsDeleted() async throws {
        let server = FakeServer.feishu { request, _ in
            if request.url.path.hasSuffix("batch_get") {
                return json(200, ["code": 0, "data": ["records": [], "absent_record_ids": ["recGone"]]])
            }
            let ids = bodyObject(request)["records"] as? [String] ?? []
            if ids.contains("recGone") { return json(200, ["code": 1_254_043, "msg": "RecordIdNotFound"]) }
            return json(200, ["code": 0, "data": [:]])
        }
        let gone = try await feishuClient(server, batchSize: 10).batchDelete(
            table: "tbl", recordIds: ["rec1", "recGone"])
        #expect(gone == ["recGone"])
    }

    @Test func aRowTooLargeForACellIsIsolatedAndTheOthersCreated() async throws {
        let server = FakeServer.feishu { request, n in
            let records = bodyObject(request)["records"] as? [[String: Any]] ?? []
            if records.contains(where: { ($0["fields"] as? [String: Any])?["title"] as? String == "huge" }) {
                return json(200, ["code": 1_254_130, "msg": "TooLargeCell"])
            }
            return json(200, ["code": 0, "data": ["records": records.indices.map { ["record_id": "rec\(n)_\($0)"] }]])
        }
        let rows: [FeishuFields] = ["a", "b", "huge", "c", "d"].map { [("title", .text($0))] }
        let outcome = try await feishuClient(server, batchSize: 10).batchCreate(table: "tbl", records: rows)
        #expect(Array(outcome.rejected.keys) == [2])
        #expect(outcome.recordIds.enumerated().allSatisfy { ($0.offset == 2) == ($0.element == nil) })
    }

    /// Reference §5: 1254104 (too many records in one call) means split; a server that takes at
    /// most 2 records per call still gets all 5, in halves.
    @Test func aBatchRefusedAsTooLargeIsSentInHalves() async throws {
        let server = FakeServer.feishu { request, n in
            let records = bodyObject(request)["records"] as? [[String: Any]] ?? []
            if records.count > 2 { return json(200, ["code": 1_254_104, "msg": "RecordAddOnceExceedLimit"]) }
            return json(200, ["code": 0, "data": ["records": records.indices.map { ["record_id": "rec\(n)_\($0)"] }]])
        }
        let rows: [FeishuFields] = ["a", "b", "c", "d", "e"].map { [("title", .text($0))] }
        let outcome = try await feishuClient(server, batchSize: 10).batchCreate(table: "tbl", records: rows)
        #expect(outcome.rejected.isEmpty)
        #expect(outcome.recordIds.allSatisfy { $0 != nil })
        #expect(Set(outcome.recordIds.compactMap { $0 }).count == 5)
    }

    actor Recorded {
        var indices: [Int] = []
        func add(_ more: [Int]) { indices += more }
    }

    @Test func oldestRecordIsKept() {
        let records = [
            FeishuRecord(recordId: "recB", fields: [:], createdTime: 2000),
            FeishuRecord(recordId: "recA", fields: [:], createdTime: 3000),
            FeishuRecord(recordId: "recC", fields: [:], createdTime: 1000)
        ]
        #expect(FeishuRecord.oldest(records)?.recordId == "recC")
        #expect(
            FeishuRecord.oldest([
                FeishuRecord(recordId: "recZ", fields: [:]), FeishuRecord(recordId: "recY", fields: [:])
            ])?.recordId == "recY")
    }

    // MARK: cell limit

    @Test func longTextIsCutToTheCellLimitWithAMarker() throws {
        #expect(CellLimit.capped(String(repeating: "a", count: 100_000)) == nil)
        let long = String(repeating: "评论😀", count: 40_000)  // 40,000 × (1 + 1 + 2) UTF-16 units
        let capped = try #require(CellLimit.capped(long))
        #expect(capped.utf16.count <= CellLimit.maxTextLength)
        #expect(capped.contains("已截断") && capped.contains("160000"))
        #expect(capped.unicodeScalars.allSatisfy { $0 != "\u{FFFD}" }, "no character is split")
        var warnings: [String] = []
        let row = CellLimit.cap(
            BitableRow(key: "i#1", fields: [BitableField(name: "comment", value: .text(long))]), warnings: &warnings)
        #expect(warnings.count == 1 && warnings[0].contains("i#1") && warnings[0].contains("comment"))
        if case .text(let text)? = row["comment"] { #expect(text == capped) } else { Issue.record("not text") }
    }

    // MARK: clocks and checkpoints

    @Test func httpDatesAreRead() {
        #expect(ServerClock.parseHTTPDate("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(
            ServerClock.parseHTTPDate("Mon, 07 Dec 2026 02:23:34 GMT") == Date(timeIntervalSince1970: 1_796_610_214))
        #expect(ServerClock.parseHTTPDate("Sunday, 06-Nov-94 08:49:37 GMT") != nil)
        #expect(ServerClock.parseHTTPDate("yesterday") == nil)
        #expect(
            ServerClock(offset: -86_400, observedAt: Date()).describe(platform: "DingTalk")
                == "the local clock is ahead of DingTalk's by 24 h")
        #expect(!ServerClock(offset: 30, observedAt: Date()).isSkewed)
    }

    @Test func serverClockIsLearntFromAnswers() async throws {
        let server = FakeServer { _, _ in
            json(200, ["accessToken": "tok", "expireIn": 7200], headers: ["Date": "Sun, 06 Nov 1994 08:49:37 GMT"])
        }
        let client = dingTalkClient(server, api: .new)
        try await client.verifyToken()
        let clock = try #require(await client.counter.serverClock)
        #expect(clock.isSkewed && clock.offset < -365 * 86_400)
    }

    @Test func impossibleCheckpointValuesAreRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/checkpoint.json"
        let manager = FileCheckpointStore(path: path, timeZone: .current)
        for value in ["1e20", "-5", "1743480000"] {  // too large, negative, seconds instead of milliseconds
            try Data("{\"process_codes\": {\"P\": {\"synced_until_ms\": \(value)}}}".utf8).write(
                to: URL(fileURLWithPath: path))
            #expect(throws: CheckpointError.self) { _ = try manager.load() }
        }
        try manager.save(["P": Date(timeIntervalSince1970: 1_743_480_000)])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(DingTalkTime.epochMilliseconds(Date(timeIntervalSince1970: 1e20)) == .max, "never traps")
    }

    @Test func aFullDiskIsNamedWithThePath() {
        let error = CheckpointError(
            path: "/var/lib/dingsync/checkpoint.json",
            problem: "could not be written (\(AtomicFile.reason(POSIXFileError(path: "/x", code: ENOSPC))))",
            saving: true)
        #expect(
            error.localizedDescription
                == "checkpoint file /var/lib/dingsync/checkpoint.json could not be written (No space left on device).")
    }

    @Test func aBackfillStartingInTheFutureIsRefusedAsSuch() {
        #expect {
            _ = try SyncPlan.make(
                mode: .range(start: Date().addingTimeInterval(86_400 * 365), end: nil), processCodes: ["P"],
                checkpoints: [:],
                now: Date(), sync: SyncConfig())
        } throws: { error in
            (error as? SyncPlanError)?.exitCode == 64
                && (error as? SyncPlanError)?.localizedDescription.contains("in the future") == true
        }
    }

    @Test func clockAlertNamesTheSkewAndTheCorrection() {
        var summary = RunSummary(mode: "incremental")
        summary.clockOffset = -86_400
        summary.checkpointCorrections = ["PROC-A: the checkpoint … is ahead of DingTalk's clock"]
        let alerts = AlertRules.evaluate(
            summary: summary, snapshot: MonitoringSnapshot(now: Date()), thresholds: AlertThresholds())
        let clock = alerts.first { $0.kind == .clock }
        #expect(clock?.detail.contains("ahead of DingTalk's by 24 h") == true)
        #expect(clock?.detail.contains("PROC-A") == true)
    }

    @Test func apiErrorAlertGivesConnectionAdviceForRefusedConnections() {
        var summary = RunSummary(mode: "incremental")
        summary.apiErrors = ["DingTalk listids": 12]
        summary.unreachable = 12
        var thresholds = AlertThresholds()
        thresholds.alerts.apiErrors = 5
        let alert = AlertRules.evaluate(
            summary: summary, snapshot: MonitoringSnapshot(now: Date()), thresholds: thresholds
        ).first { $0.kind == .apiErrors }
        #expect(alert?.fix.contains("reaches the API hosts") == true)
        #expect(alert?.fix.contains("lower dingtalk.qps") == false)
    }
}

/// The scope of an error (run or call) and its typed condition are set by the platform's
/// classifier, not read off the wording of its hint.
@Suite struct ErrorScopeTests {
    func feishu(_ code: Int) -> APIError? {
        FeishuErrors.classify(json(200, ["code": code, "msg": "m"]), api: "records/batch_update", table: "tbl")
    }

    @Test func feishuScopes() {
        #expect(feishu(99_991_672)?.scope == .run)  // permission: nothing works
        #expect(feishu(1_254_045)?.scope == .run)  // a field is missing
        #expect(feishu(1_254_043)?.scope == .call)  // one record gone
        #expect(feishu(1_254_043)?.condition == .recordIdNotFound)
        #expect(feishu(1_254_130)?.condition == .cellTooLarge)
        #expect(feishu(1_254_104)?.condition == .batchTooLarge && feishu(1_254_104)?.scope == .call)
        #expect(feishu(1_254_291)?.scope == .call)  // write conflict: retried
    }

    @Test func dingtalkScopesAndConditions() {
        let denied = DingTalkErrors.classifyNew(
            json(403, ["code": "Forbidden.AccessDenied.AccessTokenPermissionDenied", "message": "x"]), api: "listids")
        #expect(denied?.stopsRun == true)
        let refused = DingTalkErrors.classifyNew(
            json(400, ["code": "invalidParameter", "message": "bad statuses"]), api: "listids")
        #expect(refused?.condition == .invalidParameter && refused?.scope == .call)
        let legacy = DingTalkErrors.classifyLegacy(
            json(200, ["errcode": 60020, "errmsg": "ip"]), api: "processinstance/get")
        #expect(legacy?.scope == .run)
        let busy = DingTalkErrors.classifyLegacy(
            json(200, ["errcode": -1, "errmsg": "系统繁忙"]), api: "processinstance/get")
        #expect(busy?.scope == .call)
    }
}
