import Foundation
import DingSyncBasics
import DingSyncProcessing

/// Lenient reads from a JSON object body: numbers or numeric strings, missing keys as nil.
///
/// `@unchecked Sendable`: it only wraps what `JSONSerialization` parsed (immutable Foundation
/// values) or a literal built by the caller, and it is never mutated.
package struct JSONBody: @unchecked Sendable {
    let object: [String: Any]

    package init?(_ data: Data) {
        guard let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
              let object = parsed as? [String: Any] else { return nil }
        self.object = object
    }

    init(object: [String: Any]) { self.object = object }

    subscript(key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    package func string(_ key: String) -> String? {
        switch self[key] {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }

    package func int(_ key: String) -> Int64? {
        switch self[key] {
        case let n as NSNumber: return n.int64Value
        case let s as String: return Int64(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    func bool(_ key: String) -> Bool? {
        switch self[key] {
        case let b as Bool: return b
        case let s as String: return s.lowercased() == "true"
        case let n as NSNumber: return n.boolValue
        default: return nil
        }
    }

    func child(_ key: String) -> JSONBody? {
        (self[key] as? [String: Any]).map(JSONBody.init(object:))
    }

    func children(_ key: String) -> [JSONBody] {
        ((self[key] as? [Any]) ?? []).compactMap { ($0 as? [String: Any]).map(JSONBody.init(object:)) }
    }

    func strings(_ key: String) -> [String] {
        switch self[key] {
        case let list as [Any]: return list.compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
        case let s as String: return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default: return []
        }
    }

    package static func encode(_ object: [String: Any]) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }
}
