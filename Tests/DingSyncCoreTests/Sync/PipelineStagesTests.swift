import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncStore

/// The pure parts of the pipeline's stages: the action-row carry across chunks, the re-check
/// plan and the repair plan.
@Suite struct PipelineStagesTests {
    func commit(_ id: String) -> InstanceCommit {
        let detail = InstanceDetail(
            instanceId: id, processCode: "P", status: "RUNNING", createTime: Date(timeIntervalSince1970: 1_743_470_123),
            originatorUserId: "u1")
        return InstanceCommit(
            detail: detail,
            processed: ProcessedInstance(main: BitableRow(key: id, fields: []), actions: [], warnings: []),
            ledger: [])
    }

    func action(_ id: String, _ seq: Int) -> BitableRow {
        BitableRow(key: "\(id)#\(seq)", fields: [BitableField(name: "instance_id", value: .text(id))])
    }

    // MARK: action-row carry

    @Test func actionRowsGoOutInWholeBatchesAcrossChunks() {
        var carry = ChildRowCarry()
        // chunk 1: instance a with 3 rows, b with 2 → 5 rows, batch 4: one batch now, one row carried
        carry.queue(
            .action, creates: [action("a", 1), action("a", 2), action("a", 3), action("b", 1), action("b", 2)],
            updates: [])
        carry.add(waiting: [commit("a"), commit("b")], names: nil)
        let first = carry.nextWrite(.action, batchSize: 4, final: false)
        #expect(first.create.map(\.key) == ["a#1", "a#2", "a#3", "b#1"])
        carry.written(.action, first)
        #expect(carry.takeReady().map(\.detail.instanceId) == ["a"], "a's rows are all written; b waits for b#2")
        // chunk 2: c with 3 rows → 4 waiting: one whole batch
        carry.queue(.action, creates: [action("c", 1), action("c", 2), action("c", 3)], updates: [])
        carry.add(waiting: [commit("c")], names: nil)
        let second = carry.nextWrite(.action, batchSize: 4, final: false)
        #expect(second.create.map(\.key) == ["b#2", "c#1", "c#2", "c#3"])
        carry.written(.action, second)
        #expect(carry.takeReady().map(\.detail.instanceId) == ["b", "c"])
        #expect(carry.nextWrite(.action, batchSize: 4, final: true).writes == 0)
    }

    @Test func theFinalFlushWritesWhatIsLeftAndAnInstanceWithoutRowsIsReadyAtOnce() {
        var carry = ChildRowCarry()
        carry.queue(.action, creates: [action("a", 1)], updates: [])
        carry.add(waiting: [commit("a"), commit("x")], names: nil)
        #expect(carry.nextWrite(.action, batchSize: 500, final: false).writes == 0, "no whole batch yet")
        #expect(carry.takeReady().map(\.detail.instanceId) == ["x"], "an instance with no action row waits for nothing")
        let last = carry.nextWrite(.action, batchSize: 500, final: true)
        #expect(last.create.map(\.key) == ["a#1"])
        carry.written(.action, last)
        #expect(carry.takeReady().map(\.detail.instanceId) == ["a"])
        #expect(carry.waiting.isEmpty)
    }

    @Test func anInstanceWhoseRowWasRefusedIsDroppedNotCommitted() {
        var carry = ChildRowCarry()
        carry.queue(.action, creates: [action("a", 1), action("b", 1)], updates: [])
        carry.add(waiting: [commit("a"), commit("b")], names: nil)
        let all = carry.nextWrite(.action, batchSize: 10, final: true)
        carry.written(.action, all)
        #expect(carry.drop(["b"]).map(\.detail.instanceId) == ["b"])
        #expect(carry.takeReady().map(\.detail.instanceId) == ["a"])
    }

    @Test func updatesAreCarriedLikeCreatesAndNamesMerge() {
        var carry = ChildRowCarry()
        let entry = LedgerEntry(key: "a#1", instanceId: "a", recordId: "rec1", contentHash: "h")
        carry.queue(.action, creates: [], updates: [(entry, action("a", 1))])
        carry.add(
            waiting: [commit("a")],
            names: NameLookup(users: ["u1": "王"]))
        carry.queue(.action, creates: [], updates: [])
        carry.add(waiting: [], names: NameLookup(users: ["u2": "李"]))
        #expect(carry.names.users == ["u1": "王", "u2": "李"])
        #expect(carry.takeReady().isEmpty, "a waits for its update")
        let diff = carry.nextWrite(.action, batchSize: 1, final: false)
        #expect(diff.update.map(\.entry.recordId) == ["rec1"])
        carry.written(.action, diff)
        #expect(carry.takeReady().count == 1)
    }

    @Test func anInstanceWaitsForItsRowsInEveryChildTable() {
        var carry = ChildRowCarry()
        carry.queue(.action, creates: [action("a", 1)], updates: [])
        carry.queue(.detail, creates: [action("a", 9), action("b", 9)], updates: [])
        carry.add(waiting: [commit("a"), commit("b")], names: nil)
        let actions = carry.nextWrite(.action, batchSize: 10, final: true)
        carry.written(.action, actions)
        #expect(carry.takeReady().isEmpty, "a and b still have detail lines to write")
        #expect(carry.nextWrite(.detail, batchSize: 2, final: false).create.map(\.key) == ["a#9", "b#9"])
        carry.written(.detail, carry.nextWrite(.detail, batchSize: 2, final: false))
        #expect(carry.takeReady().map(\.detail.instanceId) == ["a", "b"])
    }

    // MARK: re-check plan

    func open(_ id: String, _ code: String, hoursAgo: Double, status: String = "RUNNING") -> KnownInstance {
        KnownInstance(
            instanceId: id, processCode: code, createTime: Date().addingTimeInterval(-hoursAgo * 3600), status: status)
    }

    @Test func manyOpenInstancesAreListedFewAreFetched() {
        let now = Date()
        let many = (0..<45).map { open("m\($0)", "PROC-A", hoursAgo: Double($0)) }
        let few = [open("f1", "PROC-B", hoursAgo: 1)]
        let plan = RecheckPlan.make(open: many + few, fullCheck: false, statusFilter: true, now: now)
        #expect(plan.listings.map(\.code) == ["PROC-A"])
        #expect(plan.listings.first?.instances.count == 45)
        #expect(plan.byDetail.map(\.instanceId) == ["f1"])
        let listing = try? #require(plan.listings.first)
        if let listing {
            let still = Set(many.dropFirst(3).map(\.instanceId))
            #expect(RecheckPlan.changed(listing, stillOpen: still).map(\.instanceId) == ["m0", "m1", "m2"])
        }
    }

    @Test func aFullCheckOrAnAPIWithoutStatusFilterFetchesEveryOpenInstance() {
        let instances = (0..<45).map { open("m\($0)", "PROC-A", hoursAgo: Double($0)) }
        #expect(
            RecheckPlan.make(open: instances, fullCheck: true, statusFilter: true, now: Date()).byDetail.count == 45)
        #expect(RecheckPlan.make(open: instances, fullCheck: false, statusFilter: false, now: Date()).listings.isEmpty)
        #expect(
            RecheckPlan.make(open: Array(instances.prefix(1)), fullCheck: false, statusFilter: true, now: Date())
                .listings.isEmpty,
            "one instance costs fewer calls by detail than by a listing")
    }

    // MARK: repair plan

    @Test func repairPlanRecreatesRestoresAndKeepsTheOldestDuplicate() {
        func record(_ id: String, _ key: String, title: String, created: Int64) -> FeishuRecord {
            FeishuRecord(recordId: id, fields: ["instance_id": key, "title": title], createdTime: created)
        }
        let ledger = [
            LedgerEntry(key: "a", instanceId: "a", recordId: "recNew", contentHash: "h"),
            LedgerEntry(key: "b", instanceId: "b", recordId: "recB", contentHash: "h"),
            LedgerEntry(key: "c", instanceId: "c", recordId: "recC", contentHash: "h")
        ]
        let records = [
            record("recOld", "a", title: "A", created: 1), record("recNew", "a", title: "A", created: 2),
            record("recB", "b", title: "edited", created: 1), record("recX", "x", title: "mine", created: 1)
        ]
        let expected = ["a": "A", "b": "B", "c": "C"].mapValues {
            BitableRow(key: "", fields: [BitableField(name: "title", value: .text($0))])
        }
        let plan = RepairPlan.make(
            kind: .main, records: records, ledger: ledger, keyColumn: "instance_id", column: { $0 }
        ) { entry in
            expected[entry.key].map { BitableRow(key: entry.key, fields: $0.fields) }
        }
        #expect(plan.deletes == ["recNew"], "the newer duplicate goes, the oldest stays")
        #expect(plan.adopted.map(\.recordId) == ["recOld"])
        #expect(plan.updates.map(\.entry.key) == ["b"])
        #expect(plan.creates.map(\.key) == ["c"])
        #expect(plan.unknown == 1)
        #expect(plan.repairs.count == 3)
    }
}

@Suite struct CheckpointCorrectionTests {
    @Test func aCheckpointAheadOfDingTalksClockMovesBackToTheNewestMirroredInstance() {
        let now = Date(timeIntervalSince1970: 1_743_480_000)
        let saved = [
            "A": now.addingTimeInterval(86_400), "B": now.addingTimeInterval(-3600), "C": now.addingTimeInterval(30)
        ]
        let newest = ["A": now.addingTimeInterval(-7200)]
        let corrections = CheckpointCorrection.make(
            saved, apiNow: now, processCodes: ["A", "B", "C", "D"], defaultHours: 24
        ) { newest[$0] }
        #expect(corrections.map(\.code) == ["A"], "B is in the past, C within the tolerance, D has none")
        #expect(corrections.first?.corrected == now.addingTimeInterval(-7200))
        let none = CheckpointCorrection.make(
            ["A": now.addingTimeInterval(86_400)], apiNow: now, processCodes: ["A"], defaultHours: 24
        ) { _ in nil }
        #expect(none.first?.corrected == now.addingTimeInterval(-86_400), "no mirrored instance: default_hours back")
    }
}
