/// Cell values: checking a write against the field type, and the two read shapes
/// (search/batch_get segments; GET list/get plain strings).
enum BitableValues {
    /// A text cell's limit (reference §4 "text ≤ 100,000 chars"), in Unicode scalars.
    static let maxTextScalars = 100_000

    /// Validates a written value and returns what to store; `.none` means "clear the cell".
    /// `property` may gain a select option (an unknown option name creates one).
    static func normalize(_ value: JSONValue, field: BitField, newOptions: inout [String]) throws(FeishuError)
        -> JSONValue?
    {
        if value.isNull { return nil }
        if field.isReadOnly { throw FeishuError.conv(-1, field.name) }
        switch field.type {
        case 1:
            guard let s = value.stringValue else { throw FeishuError.conv(1, field.name) }
            // "≤ 100,000 chars": counted in Unicode scalars (not grapheme clusters, not UTF-16 units).
            let length = s.unicodeScalars.count
            if length > maxTextScalars {
                throw FeishuError(
                    code: 1_254_130,
                    msg: "TooLargeCell. field: \(field.name) (\(length) characters, at most \(maxTextScalars))")
            }
            return s.isEmpty ? nil : .string(s)
        case 2:
            guard value.isNumber, let d = value.doubleValue, d.isFinite else { throw FeishuError.conv(2, field.name) }
            return value
        case 3:
            guard let s = value.stringValue else { throw FeishuError.conv(3, field.name) }
            if s.isEmpty { return nil }
            if !optionNames(field).contains(s), !newOptions.contains(s) { newOptions.append(s) }
            return value
        case 4:
            guard let items = value.arrayValue else { throw FeishuError.conv(4, field.name) }
            var names: [String] = []
            for item in items {
                guard let s = item.stringValue, !s.isEmpty else { throw FeishuError.conv(4, field.name) }
                if !optionNames(field).contains(s), !newOptions.contains(s) { newOptions.append(s) }
                names.append(s)
            }
            if names.count > 1000 { throw FeishuError.conv(4, field.name) }
            return names.isEmpty ? nil : .strings(names)
        case 5:
            // Epoch milliseconds only: a 10-digit seconds value is a date in 1970.
            guard
                let ms = value.int64Value
                    ?? value.doubleValue.flatMap({ $0 == $0.rounded() ? Int64(exactly: $0) : nil }),
                ms >= 100_000_000_000, ms < 100_000_000_000_000
            else { throw FeishuError.conv(5, field.name) }
            return .int(ms)
        case 7:
            guard let b = value.boolValue else { throw FeishuError.conv(7, field.name) }
            return .bool(b)
        case 11, 23:
            guard let items = value.arrayValue else { throw FeishuError.conv(11, field.name) }
            var out: [JSONValue] = []
            for item in items {
                guard let id = item["id"]?.stringValue, !id.isEmpty else { throw FeishuError.conv(11, field.name) }
                out.append(.object([("id", .string(id))]))
            }
            return out.isEmpty ? nil : .array(out)
        case 13:
            guard let s = value.stringValue else { throw FeishuError.conv(13, field.name) }
            var body = Substring(s)
            if body.hasPrefix("+") { body = body.dropFirst() }
            guard s.count <= 64, body.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw FeishuError.conv(13, field.name)
            }
            return s.isEmpty ? nil : value
        case 15:
            guard let link = value["link"]?.stringValue, value["text"]?.stringValue != nil || value["text"] == nil
            else { throw FeishuError.conv(15, field.name) }
            return .object([("text", .string(value["text"]?.stringValue ?? link)), ("link", .string(link))])
        case 17:
            guard let items = value.arrayValue, items.allSatisfy({ $0["file_token"]?.stringValue != nil })
            else { throw FeishuError.conv(17, field.name) }
            return items.isEmpty ? nil : value
        case 18, 21:
            guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil })
            else { throw FeishuError.conv(field.type, field.name) }
            return items.isEmpty ? nil : value
        case 22:
            guard let s = value.stringValue else { throw FeishuError.conv(-1, field.name) }
            return .object([("location", .string(s)), ("full_address", .string(s))])
        default:
            throw FeishuError.conv(-1, field.name)
        }
    }

    /// A stored cell carried over a field update that changed the type: the value itself if
    /// the new type takes it, else its text read as the new type; nil (cleared) when neither fits.
    /// Select options the value creates are appended to `newOptions`.
    static func convert(_ stored: JSONValue, from old: BitField, to new: BitField, newOptions: inout [String])
        -> JSONValue?
    {
        var created: [String] = []
        if let direct = try? normalize(stored, field: new, newOptions: &created) {
            newOptions += created
            return direct
        }
        let text = plainText(stored, field: old).trimmingSpaces
        guard !text.isEmpty else { return nil }
        let candidate: JSONValue
        switch new.type {
        case 2, 5:
            guard Double(text) != nil else { return nil }
            candidate = .number(text)
        case 4, 18, 21:
            candidate = .strings(text.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty })
        case 7: candidate = .bool(text == "true")
        case 15: candidate = .object([("text", .string(text)), ("link", .string(text))])
        default: candidate = .string(text)
        }
        created = []
        guard let converted = try? normalize(candidate, field: new, newOptions: &created) else { return nil }
        newOptions += created
        return converted
    }

    static func optionNames(_ field: BitField) -> [String] {
        field.property?["options"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    /// The cell's plain text (for filters, sorting, the admin view).
    static func plainText(_ stored: JSONValue, field: BitField) -> String {
        switch stored {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            return items.map { $0.stringValue ?? $0["id"]?.stringValue ?? $0.serialized() }.joined(separator: ",")
        case .object: return stored["text"]?.stringValue ?? stored["location"]?.stringValue ?? stored.serialized()
        case .null: return ""
        }
    }

    static func userObject(_ id: String) -> JSONValue {
        .object([
            ("id", .string(id)), ("name", .string("用户\(id.suffix(4))")), ("en_name", .string("User \(id.suffix(4))")),
            ("email", .string("")),
            (
                "avatar_url",
                .string("https://s1-imfile.feishucdn.com/static-resource/v1/\(id.suffix(8))~?image_size=72x72")
            )
        ])
    }

    /// Read shape of search and batch_get (text as segment arrays).
    static func readNew(_ stored: JSONValue, field: BitField) -> JSONValue {
        switch field.type {
        case 1:
            let text = stored.stringValue ?? plainText(stored, field: field)
            if field.uiType == "Email" {
                return .array([.object([("type", "url"), ("text", .string(text)), ("link", .string("mailto:\(text)"))])]
                )
            }
            return .array([.object([("type", "text"), ("text", .string(text))])])
        case 11, 23:
            return .array((stored.arrayValue ?? []).compactMap { $0["id"]?.stringValue }.map(userObject))
        case 18, 21:
            return .object([("link_record_ids", stored)])
        default:
            return stored
        }
    }

    /// Read shape of GET records and GET records/:id.
    static func readLegacy(_ stored: JSONValue, field: BitField, textAsArray: Bool) -> JSONValue {
        switch field.type {
        case 1:
            if textAsArray { return readNew(stored, field: field) }
            return .string(stored.stringValue ?? plainText(stored, field: field))
        case 11, 23:
            return .array((stored.arrayValue ?? []).compactMap { $0["id"]?.stringValue }.map(userObject))
        case 18, 21:
            return .array([
                .object([("record_ids", stored), ("table_id", ""), ("text", ""), ("text_arr", []), ("type", "text")])
            ])
        default:
            return stored
        }
    }
}
