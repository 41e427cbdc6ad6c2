import Foundation

/// Building values: numbers from Swift numbers with their exact text, and literals.
///
/// A request body reads `["processCode": .string(code), "startTime": .number(ms), "size": 20]`.
extension JSON {
    /// An integer number.
    public static func number(_ value: Int) -> JSON {
        .number(String(value))
    }

    /// An integer number (epoch milliseconds, cursors).
    public static func number(_ value: Int64) -> JSON {
        .number(String(value))
    }

    /// A decimal number written exactly, in plain notation (`1280.5`, `0.0000001`); `null` for NaN.
    public static func number(_ value: Decimal) -> JSON {
        value.isNaN ? .null : .number("\(value)")
    }

    /// A floating-point number; `null` when not finite.
    ///
    /// Integral values below 10^15 are written without a fraction (`3`), others in Swift's
    /// shortest round-trip form (`0.75`, `1e+16`).
    public static func number(_ value: Double) -> JSON {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int64(value))) }
        return .number("\(value)")
    }
}

extension JSON: ExpressibleByBooleanLiteral {
    /// `true` or `false`.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension JSON: ExpressibleByIntegerLiteral {
    /// An integer number.
    public init(integerLiteral value: Int) {
        self = .number(String(value))
    }
}

extension JSON: ExpressibleByFloatLiteral {
    /// A number, written as ``number(_:)-(Double)`` writes it.
    public init(floatLiteral value: Double) {
        self = .number(value)
    }
}

extension JSON: ExpressibleByStringLiteral {
    /// A string.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension JSON: ExpressibleByArrayLiteral {
    /// An array.
    public init(arrayLiteral elements: JSON...) {
        self = .array(elements)
    }
}

extension JSON: ExpressibleByDictionaryLiteral {
    /// An object whose keys keep the literal's order.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}
