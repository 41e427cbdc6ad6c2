import DingSyncBasics
import Foundation

/// One `名称: 值` line of the `form_data` column.
public struct FormLine: Sendable, Equatable {
    /// The label.
    public var name: String
    /// The readable value (may be empty).
    public var value: String

    /// Creates a line.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `名称: 值`.
    public var text: String { "\(name): \(value)" }
}

/// Renders form values as readable text for `form_data` and `mapping.form_fields` columns.
///
/// Every form field gives at least one line, in form order; nothing is dropped.
/// - `"null"` and empty values show as empty.
/// - Text, textarea, number, money and date fields: the value as it is.
/// - `DDSelectField`: `extValue.label`, else the value.
/// - `DDMultiSelectField`: the `label`s (or `name`s) of the `extValue` array, else the
///   value's JSON array items, joined with `、`.
/// - `InnerContactField`, `DepartmentField` (and other contact pickers): the `name`s of the
///   `extValue` array, else the value (JSON array items joined with `、`, or as is).
/// - `DDAttachment`: the `fileName`s of the value's JSON array, joined with `、`.
/// - `DDDateRangeField`: the value's JSON array items joined with ` ~ `.
/// - `TableField`: one line per row, `名称: 第1行 列A=…；列B=…`, each cell rendered by these
///   same rules from its `label`, `componentType`, `value` and `extValue`.
/// - A compound field whose name is JSON-array text (`["开始时间","结束时间"]`) gives one line
///   per name paired with the value's JSON array items; values beyond the names go to one more
///   line `开始时间、结束时间（其余）: 1、day、年假`.
/// - Anything else (`InvoiceField`, unknown types): a JSON value made readable (objects as
///   `key=value, …`, scalar lists joined with `、`, lists of structures with ` | `); plain text
///   as is; when the value is empty, the `extValue` rendered the same way.
public enum FormValueRenderer {
    /// The whole `form_data` text: every line of every field, joined with `\n`.
    public static func formData(_ values: [InstanceDetail.FormValue]) -> String {
        values.flatMap(lines(for:)).map(\.text).joined(separator: "\n")
    }

    /// The value for a `mapping.form_fields` column: the single line's value; for a field of
    /// several lines under its own name (tables) the values joined with `\n`; otherwise the
    /// lines' `名称: 值` texts joined with `\n`.
    public static func columnValue(_ value: InstanceDetail.FormValue) -> String {
        let rendered = lines(for: value)
        if rendered.count == 1, let only = rendered.first { return only.value }
        if rendered.allSatisfy({ $0.name == value.name }) {
            return rendered.map(\.value).joined(separator: "\n")
        }
        return rendered.map(\.text).joined(separator: "\n")
    }

    /// The lines one form field gives.
    public static func lines(for value: InstanceDetail.FormValue) -> [FormLine] {
        if let names = compoundNames(value.name) {
            return compoundLines(names: names, value: value)
        }
        if TableFieldValue.isTable(value) {
            return tableLines(value)
        }
        return [FormLine(name: value.name, value: display(value))]
    }

    /// The readable value of a single (non-compound, non-table) field.
    static func display(_ field: InstanceDetail.FormValue) -> String {
        let value = cleaned(field.value)
        let ext = field.extValue.map(cleaned) ?? ""
        switch field.componentType {
        case "TextField", "TextareaField", "NumberField", "MoneyField", "DDDateField":
            return value
        case "DDSelectField":
            return JSON.parse(ext)?["label"]?.scalarText ?? value
        case "DDMultiSelectField":
            return names(in: ext, keys: ["label", "name"]) ?? scalarList(value, separator: "、") ?? value
        case "InnerContactField", "DepartmentField", "ExternalContactField", "RelateField":
            return names(in: ext, keys: ["name", "label"]) ?? scalarList(value, separator: "、") ?? value
        case "DDAttachment", "DDPhotoField":
            return names(in: value, keys: ["fileName", "name"]) ?? generic(value)
        case "DDDateRangeField":
            return scalarList(value, separator: " ~ ") ?? value
        default:
            return value.isEmpty ? generic(ext) : generic(value)
        }
    }

    /// `"null"` → `""`; other text unchanged.
    static func cleaned(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespaces) == "null" ? "" : text
    }

    /// The names of a compound field (`["开始时间","结束时间"]`), or nil for a plain name.
    static func compoundNames(_ name: String) -> [String]? {
        guard name.trimmingCharacters(in: .whitespaces).hasPrefix("["),
            case .array(let items)? = JSON.parse(name), !items.isEmpty
        else { return nil }
        let names = items.compactMap(\.scalarText)
        return names.count == items.count ? names : nil
    }

    private static func compoundLines(names: [String], value field: InstanceDetail.FormValue) -> [FormLine] {
        let joinedName = names.joined(separator: "、")
        guard case .array(let items)? = JSON.parse(cleaned(field.value)) else {
            return [FormLine(name: joinedName, value: display(field))]
        }
        var lines = names.enumerated().map { index, name in
            FormLine(name: name, value: index < items.count ? readable(items[index]) : "")
        }
        if items.count > names.count {
            let rest = items[names.count...].map(readable)
            lines.append(FormLine(name: joinedName + "（其余）", value: rest.joined(separator: "、")))
        }
        return lines
    }

    /// The `key` values of a JSON array of objects (first key present per item), joined with
    /// `、`; nil when the text is not such an array or yields no names.
    static func names(in text: String, keys: [String]) -> String? {
        guard case .array(let items)? = JSON.parse(text), !items.isEmpty else { return nil }
        var names: [String] = []
        for item in items {
            if let name = keys.lazy.compactMap({ item[$0]?.scalarText }).first {
                names.append(name)
            } else if let scalar = item.scalarText {
                names.append(scalar)
            } else {
                return nil
            }
        }
        return names.joined(separator: "、")
    }

    /// A JSON array of scalars joined with `separator`; nil for anything else.
    static func scalarList(_ text: String, separator: String) -> String? {
        guard case .array(let items)? = JSON.parse(text) else { return nil }
        let texts = items.map { $0 == .null ? "" : $0.scalarText }
        guard texts.allSatisfy({ $0 != nil }) else { return nil }
        return texts.compactMap { $0 }.joined(separator: separator)
    }

    /// JSON made readable; non-JSON text as is.
    static func generic(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("[") || trimmed.hasPrefix("{"), let node = JSON.parse(trimmed) else {
            return text
        }
        return readable(node)
    }

    /// A readable rendering of any JSON value.
    static func readable(_ node: JSON) -> String {
        switch node {
        case .null: return ""
        case .bool, .number, .string: return node.scalarText ?? ""
        case .array(let items):
            let isFlat = items.allSatisfy { $0.scalarText != nil || $0 == .null }
            return items.map(readable).joined(separator: isFlat ? "、" : " | ")
        case .object(let members):
            return members.map { "\($0.key)=\(readable($0.value))" }.joined(separator: ", ")
        }
    }
}
