import DingSyncBasics
import Foundation

/// Tolerant readers for DingTalk's messy JSON (reference §3.6): fields left out, `null`,
/// numbers where strings are documented and the reverse, lists as comma-joined text.
extension KeyedDecodingContainer {
    /// A scalar as text: a string, an integer, a decimal or a boolean; nil when the key is
    /// absent or `null`. Any other JSON type is a type mismatch.
    func lenientString(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return text }
        if let integer = try? decode(Int64.self, forKey: key) { return String(integer) }
        if let unsigned = try? decode(UInt64.self, forKey: key) { return String(unsigned) }
        if let number = try? decode(Decimal.self, forKey: key) { return "\(number)" }
        if let flag = try? decode(Bool.self, forKey: key) { return flag ? "true" : "false" }
        throw DecodingError.typeMismatch(
            String.self,
            .init(
                codingPath: codingPath + [key], debugDescription: "expected text or a number"))
    }

    /// A boolean written as `true` or as the string `"true"`/`"false"`; nil when absent.
    func lenientBool(_ key: Key) throws -> Bool? {
        guard let text = try lenientString(key) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath + [key], debugDescription: "expected a boolean, found \"\(text)\""))
        }
    }

    /// A list of ids: a JSON array of strings or numbers, a comma-joined string (old legacy
    /// docs), or JSON-array text; `[]` when absent, `null` or empty.
    func lenientStringList(_ key: Key) throws -> [String] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        if var list = try? nestedUnkeyedContainer(forKey: key) {
            var values: [String] = []
            while !list.isAtEnd {
                if try list.decodeNil() { continue }
                if let text = try? list.decode(String.self) {
                    values.append(text)
                } else if let integer = try? list.decode(Int64.self) {
                    values.append(String(integer))
                } else {
                    throw DecodingError.typeMismatch(
                        String.self,
                        .init(
                            codingPath: list.codingPath, debugDescription: "expected an id (text or number) in the list"
                        ))
                }
            }
            return values.filter { !$0.isEmpty }
        }
        guard let text = try lenientString(key) else { return [] }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("["), let data = trimmed.data(using: .utf8),
            let parsed = try? JSONDecoder().decode([String].self, from: data)
        {
            return parsed.filter { !$0.isEmpty }
        }
        return trimmed.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && $0 != "null" }
    }

    /// Text that may arrive as structured JSON (a form `value` or `extValue` sent as an object
    /// or array instead of JSON text): scalars as in `lenientString`, structures as compact JSON.
    func lenientText(_ key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? lenientString(key) { return text }
        return try decode(JSON.self, forKey: key).compactText
    }

    /// A list of objects; `[]` when absent or `null`. A list of the wrong shape throws.
    func objectList<Element: Decodable>(_ type: Element.Type, _ key: Key) throws -> [Element] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        return try decode([Element].self, forKey: key)
    }
}

/// A `CodingKey` for any string, so raw bodies can name their keys inline.
struct DetailCodingKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension DecodingError {
    /// The failing path (`a.b[2].c`) and what was wrong, for operator-facing messages.
    var operatorParts: (path: String, problem: String) {
        let (path, message): ([CodingKey], String)
        switch self {
        case .typeMismatch(_, let context):
            (path, message) = (context.codingPath, context.debugDescription)
        case .valueNotFound(_, let context):
            (path, message) = (context.codingPath, "missing value: " + context.debugDescription)
        case .keyNotFound(let key, let context):
            (path, message) = (context.codingPath + [key], "required field is missing")
        case .dataCorrupted(let context):
            (path, message) = (context.codingPath, context.debugDescription)
        @unknown default:
            (path, message) = ([], String(describing: self))
        }
        return (Self.pathText(path), message)
    }

    /// `a.b[2].c`, or `(body)` for the top level.
    static func pathText(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(body)" : text
    }
}
