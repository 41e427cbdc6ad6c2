import Foundation

/// Reading a value: exact views of one case, and lenient reads of an object's keys.
///
/// The lenient reads accept what the DingTalk and Feishu APIs send (numbers as strings and
/// the reverse); a read of a missing key, of `null` or of a non-object gives nil (or `[]`).
extension JSON {
    /// The value of `key` when this is an object (the first when the key repeats), `null` included.
    ///
    /// Setting replaces the first value, appends a new key, or with nil removes the key; on a
    /// value that is not an object, setting does nothing.
    public subscript(key: String) -> JSON? {
        get {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.key == key }?.value
        }
        set {
            guard case .object(var members) = self else { return }
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
            self = .object(members)
        }
    }

    /// The members of an object; nil for other values.
    public var members: [(key: String, value: JSON)]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The items of an array; nil for other values.
    public var items: [JSON]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The text of a string, the literal of a number, `true`/`false`; nil otherwise.
    public var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    /// A number's value as a `Double` (possibly rounded); nil for other values.
    public var doubleValue: Double? {
        guard case .number(let literal) = self else { return nil }
        return Double(literal) ?? Decimal(string: literal).map { NSDecimalNumber(decimal: $0).doubleValue }
    }

    /// An integer read leniently; nil for other values and numbers out of the `Int64` range.
    ///
    /// A number gives its integer part, a string of an integer (spaces around allowed) its
    /// value, a boolean 1 or 0.
    public var intValue: Int64? {
        switch self {
        case .number(let literal):
            if let exact = Int64(literal) { return exact }
            guard let value = doubleValue?.rounded(.towardZero), value >= -0x1p63, value < 0x1p63 else { return nil }
            return Int64(value)
        case .string(let text): return Int64(text.trimmingCharacters(in: .whitespaces))
        case .bool(let flag): return flag ? 1 : 0
        case .null, .array, .object: return nil
        }
    }

    /// A boolean read leniently; nil for `null`, arrays and objects.
    ///
    /// A string is true when it is `true` in any case (any other string is false), a number
    /// when its integer part is not zero.
    public var boolValue: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string(let text): return text.lowercased() == "true"
        case .number: return doubleValue.map { $0.rounded(.towardZero) != 0 }
        case .null, .array, .object: return nil
        }
    }

    /// The text of `key`: a string, a number's literal or `true`/`false` (``scalarText``).
    public func string(_ key: String) -> String? {
        self[key]?.scalarText
    }

    /// The integer of `key`, read as ``intValue``.
    public func int(_ key: String) -> Int64? {
        self[key]?.intValue
    }

    /// The boolean of `key`, read as ``boolValue``.
    public func bool(_ key: String) -> Bool? {
        self[key]?.boolValue
    }

    /// The object at `key`; nil when absent or not an object.
    public func child(_ key: String) -> JSON? {
        guard let value = self[key], case .object = value else { return nil }
        return value
    }

    /// The objects in the array at `key` (other items skipped); empty when there is none.
    public func children(_ key: String) -> [JSON] {
        (self[key]?.items ?? []).filter { if case .object = $0 { return true } else { return false } }
    }

    /// The texts of `key`: an array's scalars, or a comma-separated string's parts.
    ///
    /// Array items are read as ``scalarText`` (other items skipped); a string is split at
    /// commas, parts trimmed, empty parts dropped. Anything else gives `[]`.
    public func strings(_ key: String) -> [String] {
        switch self[key] {
        case .array(let items)?:
            return items.compactMap(\.scalarText)
        case .string(let text)?:
            return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        default:
            return []
        }
    }
}
