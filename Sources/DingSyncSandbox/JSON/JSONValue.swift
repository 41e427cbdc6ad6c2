/// A JSON value that keeps what the wire carries: object key order, and numbers as their
/// exact text (so `1718089200000`, `2580.5` and a 64-bit `dept_order_list.order` survive a
/// round trip unchanged, and integers are told apart from strings and booleans).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as its JSON text, e.g. `"20"`, `"2580.5"`, `"1e3"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Key/value pairs in order; duplicate keys are not expected (the parser keeps the last).
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)):
            if a == b { return true }
            guard let x = Double(a), let y = Double(b) else { return false }
            return x == y
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let other = b.first(where: { $0.0 == key }), other.1 == value else { return false }
            }
            return true
        default: return false
        }
    }

    // MARK: Builders

    static func int(_ value: Int64) -> JSONValue { .number(String(value)) }
    static func int(_ value: Int) -> JSONValue { .number(String(value)) }
    static func double(_ value: Double) -> JSONValue {
        if value.isNaN || value.isInfinite { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number(String(value))
    }
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    // MARK: Accessors

    subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        for (k, v) in pairs.reversed() where k == key { return v }
        return nil
    }

    var objectPairs: [(String, JSONValue)]? {
        if case .object(let pairs) = self { return pairs }
        return nil
    }
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
    /// The number as an integer, if it is a JSON number written without fraction or exponent.
    var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text)
    }
    var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }
    /// An integer from a JSON number or a numeric string (the legacy TOP SDK sends strings).
    var lenientInt64: Int64? {
        switch self {
        case .number(let text):
            return Int64(text) ?? Double(text).flatMap { $0 == $0.rounded() ? Int64(exactly: $0) : nil }
        case .string(let text): return Int64(text.trimmingSpaces)
        default: return nil
        }
    }
    /// A string from a JSON string, or the text of a number (lenient legacy reading).
    var lenientString: String? {
        switch self {
        case .string(let s): return s
        case .number(let n): return n
        default: return nil
        }
    }

    /// Returns an object with `key` set (replacing or appending).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var pairs) = self else { return self }
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(String(value)) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
    init(nilLiteral: ()) { self = .null }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\n" || first == "\r" {
            scalars = scalars.dropFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
            scalars = scalars.dropLast()
        }
        return String(scalars)
    }
}

/// Builds an object from optional members, leaving out the nil ones (empty fields are
/// absent in real responses).
struct ObjectBuilder {
    private(set) var pairs: [(String, JSONValue)] = []
    mutating func set(_ key: String, _ value: JSONValue?) {
        if let value { pairs.append((key, value)) }
    }
    mutating func set(_ key: String, _ value: String?) {
        if let value { pairs.append((key, .string(value))) }
    }
    /// Sets a string only if it is non-empty.
    mutating func setNonEmpty(_ key: String, _ value: String?) {
        if let value, !value.isEmpty { pairs.append((key, .string(value))) }
    }
    /// Sets a string array only if it is non-empty.
    mutating func setNonEmpty(_ key: String, _ values: [String]) {
        if !values.isEmpty { pairs.append((key, .strings(values))) }
    }
    var value: JSONValue { .object(pairs) }
}
