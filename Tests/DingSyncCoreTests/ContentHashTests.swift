import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("Row content hash")
struct ContentHashTests {
    static let pinnedRow = BitableRow(
        key: "I-1",
        fields: [
            BitableField(name: "instance_id", value: .text("I-1")),
            BitableField(name: "title", value: .text("请假 a:b=c\n")),
            BitableField(name: "amount", value: .number(Decimal(string: "1280.50") ?? 0)),
            BitableField(name: "start_time", value: .datetime(1_743_470_123_000)),
            BitableField(name: "end_time", value: .empty),
            BitableField(name: "synced_at", value: .datetime(1_744_704_000_000))
        ])

    @Test("the canonical serialisation is pinned")
    func serialisation() {
        #expect(
            Self.pinnedRow.canonicalSerialization == "dingsync-row-v1\n"
                + "6:amount=n:6:1280.5\n"
                + "8:end_time=e:0:\n"
                + "11:instance_id=t:3:I-1\n"
                + "10:start_time=d:13:1743470123000\n"
                + "5:title=t:13:请假 a:b=c\n\n")
    }

    @Test("a known row hashes to a pinned literal (catches platform or format drift)")
    func pinned() {
        #expect(Self.pinnedRow.contentHash == "3b8ac2dc70ac9445af24c5698631eb216fbbbe6ba3d94418fda2a7137eabac74")
    }

    @Test("a processed fixture hashes to a pinned literal")
    func pinnedFixture() throws {
        let detail = try Fixture.legacy(
            "legacy_leave_completed_agree", id: "oyTxr2qkQXqjgjJNZZATZQ00891743470123", code: "PROC-LEAVE")
        let output = DataProcessor().process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        // with template_name, node_since and sla_due (new columns: every row's hash changed once)
        #expect(output.main.contentHash == "4a0565efe0c4c968d2647af65200c7f5ebf6fafb4478a982ad395d4a5217acec")
        // without them (a base set up before them) the hash is the one of the version before: no rewrite
        var old = output.main
        old.fields.removeAll { MainTableColumn.optional.map(\.rawValue).contains($0.name) }
        #expect(old.contentHash == "190c88ae12088f434abb9ea3984fdbfe1b188cf7748fb699dfd84916cd8eb5dc")
        #expect(output.actions.map(\.contentHash).count == 3)
    }

    @Test("same input, same hash; synced_at and column order do not matter")
    func stability() throws {
        let detail = try Fixture.new("new_purchase_running", id: "R1744078841")
        let processor = DataProcessor()
        let first = processor.process(detail, names: Fixture.names, syncedAt: Fixture.syncedAt)
        let later = processor.process(
            detail, names: Fixture.names, syncedAt: Fixture.syncedAt.addingTimeInterval(86_400))
        #expect(first.main.contentHash == later.main.contentHash)
        #expect(first.main != later.main)
        #expect(first.actions.map(\.contentHash) == later.actions.map(\.contentHash))
        var reordered = first.main
        reordered.fields.reverse()
        #expect(reordered.contentHash == first.main.contentHash)
        #expect(first.main.contentHash.count == 64)
        #expect(Set(first.actions.map(\.contentHash)).count == first.actions.count)
    }

    @Test(
        "a changed field changes the hash",
        arguments: [
            ("title", FieldValue.text("请假 a:b=c")),
            ("amount", .number(Decimal(string: "1280.51") ?? 0)),
            ("amount", .text("1280.5")),
            ("start_time", .datetime(1_743_470_123_001)),
            ("end_time", .text("")),
            ("instance_id", .empty)
        ])
    func changes(name: String, value: FieldValue) {
        var row = Self.pinnedRow
        guard let index = row.fields.firstIndex(where: { $0.name == name }) else {
            Issue.record("no field \(name)")
            return
        }
        row.fields[index].value = value
        #expect(row.contentHash != Self.pinnedRow.contentHash)
    }

    @Test("equal decimals hash equally whatever their written scale")
    func decimalScale() {
        let a = BitableRow(key: "k", fields: [.init(name: "amount", value: .number(Decimal(string: "2000.00") ?? 0))])
        let b = BitableRow(key: "k", fields: [.init(name: "amount", value: .number(2000))])
        #expect(a.contentHash == b.contentHash)
    }

    @Test("adding or renaming a column changes the hash; values cannot run into each other")
    func unambiguous() {
        let one = BitableRow(key: "k", fields: [.init(name: "a", value: .text("b\n1:c=t:0:"))])
        let two = BitableRow(
            key: "k", fields: [.init(name: "a", value: .text("b")), .init(name: "c", value: .text(""))])
        #expect(one.contentHash != two.contentHash)
        let renamed = BitableRow(key: "k", fields: [.init(name: "A", value: .text("b"))])
        #expect(renamed.contentHash != BitableRow(key: "k", fields: [.init(name: "a", value: .text("b"))]).contentHash)
    }
}

@Suite("FieldValue")
struct FieldValueTests {
    @Test(
        "Codable round trip keeps every case exactly",
        arguments: [
            FieldValue.text("审批\n\"x\""), .number(Decimal(string: "12345678901234567890.123") ?? 0),
            .number(Decimal(string: "-0.5") ?? 0), .datetime(1_743_470_123_000), .datetime(-1), .empty
        ])
    func roundTrip(value: FieldValue) throws {
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(FieldValue.self, from: data) == value)
    }

    @Test("encoded shapes")
    func shapes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func text(_ value: FieldValue) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        #expect(try text(.number(Decimal(string: "1280.50") ?? 0)) == "{\"number\":\"1280.5\"}")
        #expect(try text(.datetime(5)) == "{\"datetime\":5}")
        #expect(try text(.empty) == "{\"empty\":true}")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(FieldValue.self, from: Data("{\"number\":\"x\"}".utf8))
        }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FieldValue.self, from: Data("{}".utf8)) }
    }

    @Test(
        "canonical strings",
        arguments: [
            (FieldValue.number(Decimal(string: "1280.50") ?? 0), "1280.5"),
            (.number(Decimal(string: "-0") ?? 1), "0"),
            (.number(Decimal(string: "100") ?? 0), "100"),
            (.number(Decimal(string: "0.010") ?? 0), "0.01"),
            (.datetime(1_743_470_123_000), "1743470123000"),
            (.text("abc"), "abc"),
            (.empty, "")
        ])
    func canonical(value: FieldValue, expected: String) {
        #expect(value.canonicalString == expected)
    }

    @Test("textOrEmpty and date helpers")
    func helpers() {
        #expect(FieldValue.textOrEmpty("") == .empty)
        #expect(FieldValue.textOrEmpty("x") == .text("x"))
        #expect(FieldValue.date(nil) == .empty)
        #expect(FieldValue.date(Date(timeIntervalSince1970: 1.2345)) == .datetime(1235))
    }
}
