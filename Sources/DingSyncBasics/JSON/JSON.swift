import Foundation

/// A JSON value that keeps object keys in their order and numbers as their literal text.
///
/// One type for the JSON the tool handles as values: form values inside approval details
/// (rendered deterministically, row content hashes depend on ``compactText``), the answers and
/// request bodies of the DingTalk and Feishu APIs (read with the lenient accessors of
/// `JSON+Reading.swift`, written with literals), and the pretty-printed `stats --format json`.
/// Parsing and printing never round numbers through `Double`: `1280.50` stays `1280.50`.
///
/// Build values with literals (`["processCode": .string(code), "size": 20, "flag": true]`)
/// or with the number helpers of `JSON+Building.swift`; parse text with ``parse(_:)-(String)``.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    /// A number as its literal JSON text, e.g. `1280.50` or `1e3`.
    case number(String)
    case string(String)
    case array([JSON])
    /// Key–value pairs in their order; a key may repeat (reads see the first).
    case object([(key: String, value: JSON)])
}

extension JSON: Equatable {
    /// Structural equality: same case, same number text, same keys in the same order.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

extension JSON: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { compactText }
}

extension JSON: Decodable {
    /// Decodes structured JSON met through a `Decoder` (a form value sent as an object, not text).
    ///
    /// Object keys come out sorted by their UTF-8 bytes: a `Decoder` does not keep source
    /// order, and the text written from the value must stay deterministic.
    public init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSON] = []
            while !list.isAtEnd {
                items.append(try list.decode(JSON.self))
            }
            self = .array(items)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            let keys = keyed.allKeys.sorted {
                Array($0.stringValue.utf8).lexicographicallyPrecedes(Array($1.stringValue.utf8))
            }
            self = .object(try keys.map { (key: $0.stringValue, value: try keyed.decode(JSON.self, forKey: $0)) })
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? single.decode(Int64.self) {
            self = .number(String(integer))
        } else if let number = try? single.decode(Decimal.self) {
            self = .number("\(number)")
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// A coding key for any object key.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }
}
