import Foundation

/// Writing a value as JSON text, compact or pretty-printed.
///
/// Compact text is for request bodies and form values (row content hashes depend on it),
/// pretty text for `stats --format json`. Keys keep their order, numbers are written as their
/// literal, strings escape `"`, `\` and control characters only (`/` and non-ASCII as is).
extension JSON {
    /// Compact JSON text without any whitespace: `{"a":[1,true],"b":"x"}`.
    public var compactText: String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    /// The compact text as UTF-8 bytes (a request body).
    public var compactData: Data {
        Data(compactText.utf8)
    }

    /// Pretty-printed JSON text without a final newline.
    ///
    /// Two-space indent, `"key": value`, one item per line, empty arrays and objects as `[]`
    /// and `{}`.
    public var prettyText: String {
        var out = ""
        writePretty(to: &out, indent: "")
        return out
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .null, .bool, .number, .string:
            writeScalar(to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.writeQuoted(member.key, to: &out)
                out += ":"
                member.value.writeCompact(to: &out)
            }
            out += "}"
        }
    }

    private func writePretty(to out: inout String, indent: String) {
        switch self {
        case .null, .bool, .number, .string:
            writeScalar(to: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += indent + "  "
                item.writePretty(to: &out, indent: indent + "  ")
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += indent + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            for (index, member) in members.enumerated() {
                out += indent + "  "
                Self.writeQuoted(member.key, to: &out)
                out += ": "
                member.value.writePretty(to: &out, indent: indent + "  ")
                out += index == members.count - 1 ? "\n" : ",\n"
            }
            out += indent + "}"
        }
    }

    private func writeScalar(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let literal): out += literal
        case .string(let text): Self.writeQuoted(text, to: &out)
        case .array, .object: writeCompact(to: &out)
        }
    }

    /// `text` as a JSON string literal.
    private static func writeQuoted(_ text: String, to out: inout String) {
        out += "\""
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" }) else {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
