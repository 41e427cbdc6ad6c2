import Foundation
import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import DingSyncClients
import DingSyncPipeline

/// A JSON value with ordered keys, written pretty-printed; numbers that are not finite are
/// written as `null`, so the output never holds NaN or infinity.
public indirect enum JSONOutput: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number rounded to `places` decimals (nil or not finite → null).
    case number(Double?, places: Int)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    public static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool { lhs.text() == rhs.text() }

    /// An optional string: `null` when nil.
    static func string(_ value: String?) -> JSONOutput { value.map { .string($0) } ?? .null }
    /// An optional integer: `null` when nil.
    static func int(_ value: Int64?) -> JSONOutput { value.map { .int(Int($0)) } ?? .null }

    /// The pretty-printed text (two-space indent), ending without a newline.
    public func text() -> String {
        var out = ""
        write(to: &out, indent: "")
        return out
    }

    private func write(to out: inout String, indent: String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value, let places):
            guard let rounded = StatsMath.rounded(value, places) else { out += "null"; return }
            out += Self.numberText(rounded)
        case .string(let value): out += Self.quoted(value)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += indent + "  "
                item.write(to: &out, indent: indent + "  ")
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += indent + "  " + Self.quoted(member.0) + ": "
                member.1.write(to: &out, indent: indent + "  ")
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    /// The shortest text of a finite double, integers without a fraction (`3`, `0.75`, `1234.5`).
    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
