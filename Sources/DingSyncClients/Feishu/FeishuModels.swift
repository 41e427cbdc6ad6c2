import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A Bitable field as the schema lists it.
public struct FeishuField: Sendable, Equatable {
    public var fieldId: String
    public var name: String
    /// Feishu field type: 1 text, 2 number, 5 datetime, … (reference §3.6).
    public var type: Int
    public var isPrimary: Bool

    public init(fieldId: String, name: String, type: Int, isPrimary: Bool) {
        self.fieldId = fieldId
        self.name = name
        self.type = type
        self.isPrimary = isPrimary
    }
}

/// A field to create: name, type and, for a select, its options.
public struct FeishuFieldSpec: Sendable, Equatable {
    public var name: String
    public var type: Int
    /// Option names of a single or multi select, in order (empty: none).
    public var options: [String]
    public init(name: String, type: Int, options: [String] = []) {
        self.name = name
        self.type = type
        self.options = options
    }

    public static let text = 1, number = 2, singleSelect = 3, datetime = 5

    /// The `{field_name, type, property?}` body of a create call.
    var json: JSON {
        var body: JSON = ["field_name": .string(name), "type": .number(type)]
        if !options.isEmpty {
            body["property"] = ["options": .array(options.map { ["name": .string($0)] })]
        }
        return body
    }
}

public struct FeishuTable: Sendable, Equatable {
    public var tableId: String
    public var name: String
}

/// A record read back from Bitable: each cell flattened to text (text segments joined,
/// numbers in plain decimal form, datetimes as epoch ms). Empty cells are absent.
public struct FeishuRecord: Sendable, Equatable {
    public var recordId: String
    public var fields: [String: String]
    /// Epoch ms of the record's creation, when read with automatic fields.
    public var createdTime: Int64?

    public init(recordId: String, fields: [String: String], createdTime: Int64? = nil) {
        self.recordId = recordId
        self.fields = fields
        self.createdTime = createdTime
    }

    /// The record to keep among several for one key: the oldest (people's comments and links
    /// are on it); by record id when creation times are unknown or equal.
    public static func oldest(_ records: [FeishuRecord]) -> FeishuRecord? {
        records.min { a, b in
            let ta = a.createdTime ?? .max
            let tb = b.createdTime ?? .max
            return ta != tb ? ta < tb : a.recordId < b.recordId
        }
    }
}

/// What a batch create did: the record id of every row (nil for a refused row) and the refused rows.
public struct BatchCreateOutcome: Sendable {
    public var recordIds: [String?]
    /// Rows Feishu refused on their own (by index), with the reason.
    public var rejected: [Int: APIError]
}

/// What a batch update did besides writing: rows whose record no longer exists, rows refused.
public struct BatchUpdateOutcome: Sendable {
    /// Indices of rows whose record id is gone from the table (deleted in Bitable).
    public var absent: [Int]
    /// Rows Feishu refused on their own (by index), with the reason.
    public var rejected: [Int: APIError]
}

/// Record ids of a batch create as they arrive, call by call.
actor CreatedIds {
    private(set) var ids: [String?]
    init(count: Int) { ids = Array(repeating: nil, count: count) }
    func set(_ pairs: [(index: Int, recordId: String)]) { for pair in pairs { ids[pair.index] = pair.recordId } }
}

/// Indices collected from concurrent-safe callbacks.
actor IndexCollector {
    private(set) var indices: [Int] = []
    func add(_ more: [Int]) { indices += more }
}

/// A record to write: column name → value (`.empty` clears the cell on update, is omitted on create).
public typealias FeishuFields = [(name: String, value: FieldValue)]

/// A search filter of `is` conditions joined by `or` (used to find rows by key, ≤ 50 per call).
public struct FeishuFilter: Sendable, Equatable {
    public var conjunction: String
    public var conditions: [(field: String, op: String, values: [String])]

    public init(conjunction: String = "and", conditions: [(field: String, op: String, values: [String])]) {
        self.conjunction = conjunction
        self.conditions = conditions
    }

    public static func == (l: FeishuFilter, r: FeishuFilter) -> Bool {
        l.conjunction == r.conjunction && l.conditions.count == r.conditions.count
            && zip(l.conditions, r.conditions).allSatisfy {
                $0.field == $1.field && $0.op == $1.op && $0.values == $1.values
            }
    }

    /// `field is k1 OR field is k2 …`.
    public static func anyOf(field: String, values: [String]) -> FeishuFilter {
        FeishuFilter(conjunction: "or", conditions: values.map { (field, "is", [$0]) })
    }

    var json: JSON {
        [
            "conjunction": .string(conjunction),
            "conditions": .array(
                conditions.map {
                    [
                        "field_name": .string($0.field), "operator": .string($0.op),
                        "value": .array($0.values.map(JSON.string))
                    ]
                })
        ]
    }
}

extension FeishuRecord {
    /// A number as plain decimal text: integers exactly (datetimes are ms), others by Swift's
    /// shortest round-trip form. (`NSNumber.decimalValue` of a double is not exact on Linux.)
    static func flattenNumber(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return Decimal(string: String(value)).map(FieldValue.canonicalDecimal) ?? String(value)
    }

    /// Flattens one read cell (segments, numbers, users, links…) to text.
    static func flatten(_ value: JSON) -> String? {
        switch value {
        case .null:
            return nil
        case .string(let s):
            return s
        case .bool(let flag):
            return flag ? "true" : "false"
        case .number:
            return value.doubleValue.map(flattenNumber)
        case .array(let list):
            let parts = list.compactMap { item -> String? in
                if case .object = item {
                    return text(item["text"]) ?? text(item["name"]) ?? text(item["id"])
                }
                return flatten(item)
            }
            let separator = list.allSatisfy { $0["text"] != nil } ? "" : ","
            return parts.joined(separator: separator)
        case .object:
            if let inner = value["value"] { return flatten(inner) }
            if let ids = value["link_record_ids"]?.items {
                let texts = ids.compactMap(text)
                if texts.count == ids.count { return texts.joined(separator: ",") }
            }
            return text(value["text"]) ?? text(value["link"])
        }
    }

    /// The text of a string value; nil for anything else.
    private static func text(_ value: JSON?) -> String? {
        guard case .string(let text)? = value else { return nil }
        return text
    }
}
