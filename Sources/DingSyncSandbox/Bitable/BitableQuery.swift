/// Record filters (the search body's structured filter and the list endpoint's formula
/// subset) and sorting.
indirect enum RecordPredicate: Sendable {
    case all([RecordPredicate])
    case any([RecordPredicate])
    case not(RecordPredicate)
    case condition(field: BitField, op: String, values: [String])
    case compare(field: BitField, op: String, literal: JSONValue)
    /// A text field equal to one of several values: the usual "look these keys up" filter
    /// (an `or` of `is` conditions), evaluated with one set lookup per row.
    case textIn(field: BitField, values: Set<String>)
    case always

    /// Rewrites an `or` of text `is` conditions on one field into `textIn`.
    func optimized() -> RecordPredicate {
        switch self {
        case .any(let parts):
            let inner = parts.map { $0.optimized() }
            var field: BitField?
            var values = Set<String>()
            for part in inner {
                guard case .condition(let f, "is", let vs) = part, [1, 13].contains(f.type), vs.count == 1,
                    !vs[0].isEmpty,
                    field == nil || field?.id == f.id
                else { return .any(inner) }
                field = f
                values.insert(vs[0])
            }
            if let field { return .textIn(field: field, values: values) }
            return .any(inner)
        case .all(let parts):
            let inner = parts.map { $0.optimized() }
            return inner.count == 1 ? inner[0] : .all(inner)
        case .not(let inner):
            return .not(inner.optimized())
        default:
            return self
        }
    }

    // MARK: Parsing the search filter

    static let maxConditions = 50
    static let maxValues = 10
    static let operators: Set<String> = [
        "is", "isNot", "contains", "doesNotContain", "isEmpty", "isNotEmpty",
        "isGreater", "isGreaterEqual", "isLess", "isLessEqual"
    ]

    static func parseSearchFilter(_ json: JSONValue, table: BitTable) throws(FeishuError) -> RecordPredicate {
        var count = 0
        return try parseGroup(json, table: table, depth: 0, count: &count).optimized()
    }

    private static func parseGroup(_ json: JSONValue, table: BitTable, depth: Int, count: inout Int) throws(FeishuError)
        -> RecordPredicate
    {
        guard json.objectPairs != nil else { throw FeishuError.invalidFilter("filter must be an object") }
        let conditions = json["conditions"]?.arrayValue ?? []
        if let c = json["conditions"], c.arrayValue == nil, !c.isNull {
            throw FeishuError.invalidFilter("conditions must be an array")
        }
        let children = json["children"]?.arrayValue ?? []
        if depth > 0, !children.isEmpty { throw FeishuError.invalidFilter("children may be nested one level only") }
        let conjunction = json["conjunction"]?.stringValue
        if conditions.isEmpty, children.isEmpty { return .always }
        guard let conjunction, conjunction == "and" || conjunction == "or" else {
            throw FeishuError.invalidFilter("conjunction must be \"and\" or \"or\"")
        }
        var parts: [RecordPredicate] = []
        for condition in conditions {
            count += 1
            if count > maxConditions {
                throw FeishuError.invalidFilter("at most \(maxConditions) conditions per filter")
            }
            parts.append(try parseCondition(condition, table: table))
        }
        for child in children {
            parts.append(try parseGroup(child, table: table, depth: depth + 1, count: &count))
        }
        return conjunction == "and" ? .all(parts) : .any(parts)
    }

    private static func parseCondition(_ json: JSONValue, table: BitTable) throws(FeishuError) -> RecordPredicate {
        guard let name = json["field_name"]?.stringValue else {
            throw FeishuError.invalidFilter("condition without field_name")
        }
        guard let field = table.field(named: name) else { throw FeishuError.invalidFilter("field \(name) not found") }
        guard let op = json["operator"]?.stringValue, operators.contains(op) else {
            throw FeishuError.invalidFilter("unsupported operator \(json["operator"]?.stringValue ?? "(none)")")
        }
        guard let rawValues = json["value"]?.arrayValue else {
            throw FeishuError.invalidFilter("value must be an array of strings (send [] for isEmpty/isNotEmpty)")
        }
        var values: [String] = []
        for v in rawValues {
            guard let s = v.stringValue else { throw FeishuError.invalidFilter("value must be an array of strings") }
            values.append(s)
        }
        try checkCondition(field: field, op: op, values: values)
        return .condition(field: field, op: op, values: values)
    }

    /// The per-type rules of a condition (reference §2.1), shared by record search and view filters (§9.4).
    static func checkCondition(field: BitField, op: String, values: [String]) throws(FeishuError) {
        let name = field.name
        if values.count > maxValues { throw FeishuError.invalidFilter("at most \(maxValues) values per condition") }
        let emptiness = op == "isEmpty" || op == "isNotEmpty"
        if emptiness, !values.isEmpty { throw FeishuError.invalidFilter("\(op) takes no value") }
        switch field.type {
        case 19, 20:
            throw FeishuError.invalidFilter("formula and lookup fields cannot be filtered")
        case 1, 2, 13, 15, 22:
            if values.count > 1 {
                throw FeishuError.invalidFilter("\(name): text and number conditions take at most one value")
            }
            if field.type == 2, let v = values.first, Double(v) == nil {
                throw FeishuError.invalidFilter("\(name): not a number: \(v)")
            }
            if field.type == 2, op == "contains" || op == "doesNotContain" {
                throw FeishuError.invalidFilter("\(name): \(op) not supported for numbers")
            }
        case 3:
            if op == "is" || op == "isNot", values.count != 1 {
                throw FeishuError.invalidFilter("\(name): single select is/isNot takes exactly one value")
            }
            if ["isGreater", "isGreaterEqual", "isLess", "isLessEqual"].contains(op) {
                throw FeishuError.invalidFilter("\(name): \(op) not supported for selects")
            }
        case 5, 1001, 1002:
            guard ["is", "isEmpty", "isNotEmpty", "isGreater", "isLess"].contains(op) else {
                throw FeishuError.invalidFilter("\(name): \(op) not supported for dates")
            }
            if !emptiness {
                guard let first = values.first, ["ExactDate", "Today", "Tomorrow", "Yesterday"].contains(first) else {
                    throw FeishuError.invalidFilter(
                        "\(name): date values are [\"ExactDate\",\"<ms>\"], [\"Today\"], [\"Tomorrow\"] or [\"Yesterday\"]"
                    )
                }
                if first == "ExactDate", values.count != 2 || Int64(values[1]) == nil {
                    throw FeishuError.invalidFilter("\(name): ExactDate needs a millisecond timestamp")
                }
            }
        case 7:
            guard op == "is", values.count == 1, values[0] == "true" || values[0] == "false" else {
                throw FeishuError.invalidFilter("\(name): checkbox takes only is [\"true\"|\"false\"]")
            }
        case 17:
            guard emptiness else {
                throw FeishuError.invalidFilter("\(name): attachments take only isEmpty/isNotEmpty")
            }
        default:
            break
        }
    }

    // MARK: Evaluating

    func matches(_ record: BitRecord, table: BitTable, nowMs: Int64) -> Bool {
        switch self {
        case .always: return true
        case .all(let parts): return parts.allSatisfy { $0.matches(record, table: table, nowMs: nowMs) }
        case .any(let parts): return parts.contains { $0.matches(record, table: table, nowMs: nowMs) }
        case .not(let inner): return !inner.matches(record, table: table, nowMs: nowMs)
        case .condition(let field, let op, let values):
            return Self.evaluate(
                field: field, op: op, values: values, stored: Self.value(of: field, in: record), nowMs: nowMs)
        case .compare(let field, let op, let literal):
            return Self.compare(stored: Self.value(of: field, in: record), field: field, op: op, literal: literal)
        case .textIn(let field, let values):
            guard let stored = record.values[field.id] else { return false }
            return values.contains(stored.stringValue ?? BitableValues.plainText(stored, field: field))
        }
    }

    static func value(of field: BitField, in record: BitRecord) -> JSONValue? {
        switch field.type {
        case 1001: return .int(record.createdTime)
        case 1002: return .int(record.modifiedTime)
        case 1005: return .string(String(record.autoNumber))
        default: return record.values[field.id]
        }
    }

    private static func evaluate(field: BitField, op: String, values: [String], stored: JSONValue?, nowMs: Int64)
        -> Bool
    {
        let empty = stored == nil
        if op == "isEmpty" { return empty }
        if op == "isNotEmpty" { return !empty }
        if values.isEmpty { return true }
        switch field.type {
        case 2:
            guard let target = Double(values[0]) else { return false }
            guard let v = stored?.doubleValue else { return op == "isNot" }
            switch op {
            case "is": return v == target
            case "isNot": return v != target
            case "isGreater": return v > target
            case "isGreaterEqual": return v >= target
            case "isLess": return v < target
            case "isLessEqual": return v <= target
            default: return false
            }
        case 5, 1001, 1002:
            guard let v = stored?.int64Value else { return false }
            let day: Int64
            switch values[0] {
            case "Today": day = TimeFormat.startOfDay(nowMs)
            case "Tomorrow": day = TimeFormat.startOfDay(nowMs) + TimeFormat.dayMs
            case "Yesterday": day = TimeFormat.startOfDay(nowMs) - TimeFormat.dayMs
            default: day = TimeFormat.startOfDay(Int64(values[1]) ?? 0)
            }
            switch op {
            case "is": return v >= day && v < day + TimeFormat.dayMs
            case "isGreater": return v >= day + TimeFormat.dayMs
            case "isLess": return v < day
            default: return false
            }
        case 7:
            return (stored?.boolValue ?? false) == (values[0] == "true")
        case 4, 11, 23:
            let cell: [String] = (stored?.arrayValue ?? []).compactMap { $0.stringValue ?? $0["id"]?.stringValue }
            switch op {
            case "is": return Set(cell) == Set(values)
            case "isNot": return Set(cell) != Set(values)
            case "contains": return values.contains { cell.contains($0) }
            case "doesNotContain": return !values.contains { cell.contains($0) }
            default: return false
            }
        default:
            let text = stored.map { BitableValues.plainText($0, field: field) } ?? ""
            switch op {
            case "is": return field.type == 3 ? values.contains(text) : text == values[0]
            case "isNot": return field.type == 3 ? !values.contains(text) : text != values[0]
            case "contains": return values.contains { text.contains($0) }
            case "doesNotContain": return !values.contains { text.contains($0) }
            case "isGreater": return text > values[0]
            case "isGreaterEqual": return text >= values[0]
            case "isLess": return text < values[0]
            case "isLessEqual": return text <= values[0]
            default: return false
            }
        }
    }

    private static func compare(stored: JSONValue?, field: BitField, op: String, literal: JSONValue) -> Bool {
        if case .number = literal, let target = literal.doubleValue {
            guard let v = stored?.doubleValue ?? stored.flatMap({ Double(BitableValues.plainText($0, field: field)) })
            else {
                return op == "!="
            }
            switch op {
            case "=": return v == target
            case "!=": return v != target
            case ">": return v > target
            case "<": return v < target
            case ">=": return v >= target
            case "<=": return v <= target
            default: return false
            }
        }
        let lhs = stored.map { BitableValues.plainText($0, field: field) } ?? ""
        let rhs = literal.stringValue ?? (literal.boolValue.map { $0 ? "true" : "false" } ?? "")
        switch op {
        case "=": return lhs == rhs
        case "!=": return lhs != rhs
        case ">": return lhs > rhs
        case "<": return lhs < rhs
        case ">=": return lhs >= rhs
        case "<=": return lhs <= rhs
        default: return false
        }
    }

    // MARK: Parsing the list endpoint's formula subset

    /// `AND(…)`, `OR(…)`, `NOT(…)` over `CurrentValue.[name] op literal` with `= != > < >= <=`,
    /// string, number and TRUE/FALSE literals. Anything else is InvalidFilter.
    static func parseFormula(_ text: String, table: BitTable) throws(FeishuError) -> RecordPredicate {
        if text.count > 2000 { throw FeishuError.invalidFilter("filter longer than 2000 characters") }
        var parser = FormulaParser(chars: Array(text), table: table)
        let predicate = try parser.expression()
        parser.skipSpaces()
        guard parser.index == parser.chars.count else {
            throw FeishuError.invalidFilter("unsupported formula near position \(parser.index)")
        }
        return predicate
    }
}

private struct FormulaParser {
    let chars: [Character]
    let table: BitTable
    var index = 0

    init(chars: [Character], table: BitTable) {
        self.chars = chars
        self.table = table
    }

    mutating func skipSpaces() { while index < chars.count, chars[index].isWhitespace { index += 1 } }

    mutating func word() -> String {
        var s = ""
        while index < chars.count, chars[index].isLetter || chars[index] == "." {
            s.append(chars[index])
            index += 1
        }
        return s
    }

    mutating func expression() throws(FeishuError) -> RecordPredicate {
        skipSpaces()
        let save = index
        let name = word().uppercased()
        skipSpaces()
        if ["AND", "OR", "NOT"].contains(name), index < chars.count, chars[index] == "(" {
            index += 1
            var parts: [RecordPredicate] = []
            while true {
                parts.append(try expression())
                skipSpaces()
                guard index < chars.count else { throw FeishuError.invalidFilter("unclosed \(name)(") }
                if chars[index] == "," {
                    index += 1
                    continue
                }
                if chars[index] == ")" {
                    index += 1
                    break
                }
                throw FeishuError.invalidFilter("expected , or ) in \(name)(")
            }
            switch name {
            case "AND": return .all(parts)
            case "OR": return .any(parts)
            default:
                guard parts.count == 1 else { throw FeishuError.invalidFilter("NOT takes one argument") }
                return .not(parts[0])
            }
        }
        index = save
        return try comparison()
    }

    mutating func comparison() throws(FeishuError) -> RecordPredicate {
        skipSpaces()
        let prefix = "CurrentValue.["
        guard String(chars[index..<min(chars.count, index + prefix.count)]) == prefix else {
            throw FeishuError.invalidFilter("expected CurrentValue.[field]")
        }
        index += prefix.count
        var name = ""
        while index < chars.count, chars[index] != "]" {
            name.append(chars[index])
            index += 1
        }
        guard index < chars.count else { throw FeishuError.invalidFilter("unclosed [") }
        index += 1
        guard let field = table.field(named: name) else { throw FeishuError.invalidFilter("field \(name) not found") }
        skipSpaces()
        var op = ""
        while index < chars.count, "=!<>".contains(chars[index]) {
            op.append(chars[index])
            index += 1
        }
        guard ["=", "!=", ">", "<", ">=", "<="].contains(op) else {
            throw FeishuError.invalidFilter("unsupported operator \(op)")
        }
        skipSpaces()
        guard index < chars.count else { throw FeishuError.invalidFilter("missing literal") }
        let literal: JSONValue
        if chars[index] == "\"" {
            index += 1
            var s = ""
            while index < chars.count, chars[index] != "\"" {
                s.append(chars[index])
                index += 1
            }
            guard index < chars.count else { throw FeishuError.invalidFilter("unclosed string") }
            index += 1
            literal = .string(s)
        } else {
            var s = ""
            while index < chars.count,
                chars[index].isNumber || chars[index] == "." || chars[index] == "-" || chars[index].isLetter
            {
                s.append(chars[index])
                index += 1
            }
            if s.uppercased() == "TRUE" || s.uppercased() == "FALSE" {
                literal = .bool(s.uppercased() == "TRUE")
            } else if Double(s) != nil {
                literal = .number(s)
            } else {
                throw FeishuError.invalidFilter("unsupported literal \(s)")
            }
        }
        return .compare(field: field, op: op, literal: literal)
    }
}

/// A sort key: field and direction.
struct RecordSort: Sendable {
    var field: BitField
    var desc: Bool

    static func sort(_ records: [BitRecord], by keys: [RecordSort]) -> [BitRecord] {
        guard !keys.isEmpty else { return records }
        return records.enumerated().sorted { a, b in
            for key in keys {
                let x = RecordPredicate.value(of: key.field, in: a.element)
                let y = RecordPredicate.value(of: key.field, in: b.element)
                let c = compareCells(x, y, field: key.field)
                if c != 0 { return key.desc ? c > 0 : c < 0 }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// Empty cells sort last in either direction... as the UI does for ascending; simple rule.
    static func compareCells(_ x: JSONValue?, _ y: JSONValue?, field: BitField) -> Int {
        switch (x, y) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let a?, let b?):
            if let p = a.doubleValue, let q = b.doubleValue { return p < q ? -1 : (p > q ? 1 : 0) }
            let s = BitableValues.plainText(a, field: field)
            let t = BitableValues.plainText(b, field: field)
            return s < t ? -1 : (s > t ? 1 : 0)
        }
    }
}
