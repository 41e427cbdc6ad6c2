import Foundation
import DingSyncBasics

/// A JSON value that keeps object keys in source order and numbers as their literal text.
///
/// Form values carry JSON text (`extValue`, attachments, tables); rendering them must be
/// deterministic (row hashes depend on it) and must not round numbers through `Double`, which
/// `JSONSerialization` and `JSONDecoder` dictionaries do not promise.
indirect enum JSONNode: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's literal text, e.g. `1280.50`.
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([Member])

    /// One key of an object, in source order.
    struct Member: Equatable, Sendable {
        var key: String
        var value: JSONNode
    }

    /// Parses JSON text; nil when it is not exactly one JSON value.
    static func parse(_ text: String) -> JSONNode? {
        var parser = JSONTextParser(Array(text.utf8))
        guard let node = parser.parseValue() else { return nil }
        parser.skipWhitespace()
        return parser.atEnd ? node : nil
    }

    /// The value of `key` when this is an object.
    subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text of a string, the literal of a number or boolean; nil otherwise.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// Compact JSON text of the value.
    var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let literal): return literal
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.compactText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { Self.quoted($0.key) + ":" + $0.value.compactText }
                .joined(separator: ",") + "}"
        }
    }

    private static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension JSONNode: Decodable {
    /// Decodes structured JSON met where text was expected; object keys come out sorted
    /// (a `Decoder` does not keep source order), so the text stays deterministic.
    init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONNode] = []
            while !list.isAtEnd {
                items.append(try list.decode(JSONNode.self))
            }
            self = .array(items)
            return
        }
        if let keyed = try? decoder.container(keyedBy: DetailCodingKey.self) {
            let keys = keyed.allKeys.sorted { Array($0.stringValue.utf8).lexicographicallyPrecedes(Array($1.stringValue.utf8)) }
            self = .object(try keys.map { Member(key: $0.stringValue, value: try keyed.decode(JSONNode.self, forKey: $0)) })
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
}

extension KeyedDecodingContainer {
    /// Text that may arrive as structured JSON (a form `value` or `extValue` sent as an object
    /// or array instead of JSON text): scalars as in `lenientString`, structures as compact JSON.
    func lenientText(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? lenientString(key) { return text }
        return try decode(JSONNode.self, forKey: key).compactText
    }
}

/// A small recursive-descent JSON parser over UTF-8 bytes.
private struct JSONTextParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) {
            index += 1
        }
    }

    mutating func parseValue(depth: Int = 0) -> JSONNode? {
        skipWhitespace()
        guard index < bytes.count, depth < 64 else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return parseObject(depth: depth)
        case UInt8(ascii: "["): return parseArray(depth: depth)
        case UInt8(ascii: "\""): return parseString().map(JSONNode.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return parseNumber()
        }
    }

    private mutating func literal(_ word: String, _ node: JSONNode) -> JSONNode? {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
              Array(bytes[index..<index + expected.count]) == expected
        else { return nil }
        index += expected.count
        return node
    }

    private mutating func parseNumber() -> JSONNode? {
        let start = index
        let allowed = Array("+-0123456789.eE".utf8)
        while index < bytes.count, allowed.contains(bytes[index]) {
            index += 1
        }
        let literal = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !literal.isEmpty, Decimal(string: literal) != nil || Double(literal) != nil else { return nil }
        return .number(literal)
    }

    private mutating func parseArray(depth: Int) -> JSONNode? {
        index += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            guard let item = parseValue(depth: depth + 1) else { return nil }
            items.append(item)
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "]") { return .array(items) }
            guard byte == UInt8(ascii: ",") else { return nil }
        }
    }

    private mutating func parseObject(depth: Int) -> JSONNode? {
        index += 1
        var members: [JSONNode.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = parseString() else { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let value = parseValue(depth: depth + 1) else { return nil }
            members.append(.init(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") { return .object(members) }
            guard byte == UInt8(ascii: ",") else { return nil }
        }
    }

    /// Parses a string literal starting at the opening quote.
    private mutating func parseString() -> String? {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                flush()
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                raw.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "u"):
                guard var code = hex4() else { return nil }
                if (0xD800...0xDBFF).contains(code), index + 1 < bytes.count,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    index += 2
                    guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: raw.append(escape)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count,
              let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { return nil }
        index += 4
        return code
    }
}
