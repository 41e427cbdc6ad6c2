/// A Bitable field (column).
struct BitField: Sendable {
    var id: String
    var name: String
    var type: Int
    var uiType: String
    var isPrimary: Bool
    var property: JSONValue?
    var description: JSONValue?

    static func defaultUIType(_ type: Int) -> String? {
        switch type {
        case 1: return "Text"
        case 2: return "Number"
        case 3: return "SingleSelect"
        case 4: return "MultiSelect"
        case 5: return "DateTime"
        case 7: return "Checkbox"
        case 11: return "User"
        case 13: return "Phone"
        case 15: return "Url"
        case 17: return "Attachment"
        case 18: return "SingleLink"
        case 19: return "Lookup"
        case 20: return "Formula"
        case 21: return "DuplexLink"
        case 22: return "Location"
        case 23: return "GroupChat"
        case 1001: return "CreatedTime"
        case 1002: return "ModifiedTime"
        case 1003: return "CreatedUser"
        case 1004: return "ModifiedUser"
        case 1005: return "AutoNumber"
        default: return nil
        }
    }

    static let uiTypesByType: [Int: Set<String>] = [
        1: ["Text", "Barcode", "Email"], 2: ["Number", "Progress", "Currency", "Rating"]
    ]

    /// Types whose values the API cannot write.
    var isReadOnly: Bool { [19, 20, 1001, 1002, 1003, 1004, 1005].contains(type) }

    func json() -> JSONValue {
        var b = ObjectBuilder()
        b.set("field_id", .string(id))
        b.set("field_name", .string(name))
        b.set("type", .int(type))
        b.set("ui_type", .string(uiType))
        b.set("is_primary", .bool(isPrimary))
        b.set("property", property ?? .null)
        b.set("description", description)
        b.set("is_hidden", .bool(false))
        return b.value
    }
}

/// A row: values by field id, kept in the write shape (text as a plain string, datetime as
/// ms, and so on); reads convert.
struct BitRecord: Sendable {
    var id: String
    var values: [String: JSONValue]
    var createdTime: Int64
    var modifiedTime: Int64
    var autoNumber: Int
}

/// A view of a table (reference §9): a form is a view too. `filter` is the stored `filter_info`
/// (conditions with their ids), `hiddenFields` field ids; the rest of a view's look (grouping,
/// gantt dates) cannot be set through v1 and is not kept.
struct BitView: Sendable {
    static let types: Set<String> = ["grid", "kanban", "gallery", "gantt", "form"]

    var id: String
    var name: String
    var type: String
    var filter: JSONValue?
    var hiddenFields: [String]?
    var hierarchyFieldId: String?

    /// A list item: no `property` (§9.1).
    func listItem() -> JSONValue {
        .object([
            ("view_id", .string(id)), ("view_name", .string(name)), ("view_type", .string(type)),
            ("view_public_level", .string("Public"))
        ])
    }

    /// The whole view, as get and patch answer it (§9.3).
    func json() -> JSONValue {
        let hierarchy: JSONValue = hierarchyFieldId.map { .object([("field_id", .string($0))]) } ?? .null
        return .object([
            ("view_id", .string(id)), ("view_name", .string(name)), ("view_type", .string(type)),
            (
                "property",
                .object([
                    ("filter_info", filter ?? .null), ("hidden_fields", hiddenFields.map(JSONValue.strings) ?? .null),
                    ("hierarchy_config", hierarchy)
                ])
            )
        ])
    }
}

/// A table with its fields and rows. Accessed only under the Bitable part's lock.
final class BitTable: @unchecked Sendable {
    let id: String
    var name: String
    var revision: Int
    let defaultViewId: String
    var fields: [BitField]
    /// Views in creation order; a new table has one grid view.
    var views: [BitView]
    /// Rows in creation order; deleted rows leave a hole until the next compaction.
    private var rows: [BitRecord?] = []
    private var position: [String: Int] = [:]
    private var holes = 0
    var nextAutoNumber = 1

    // Occupancy for write-conflict detection and concurrency statistics.
    var activeWrites = 0
    var activeReads = 0
    var inFlight = 0

    init(id: String, name: String, defaultViewId: String, defaultViewName: String = "表格", fields: [BitField]) {
        self.id = id
        self.name = name
        self.revision = 1
        self.defaultViewId = defaultViewId
        self.fields = fields
        self.views = [BitView(id: defaultViewId, name: defaultViewName, type: "grid")]
    }

    func view(id: String) -> BitView? { views.first { $0.id == id } }

    var count: Int { position.count }

    func field(named name: String) -> BitField? { fields.first { $0.name == name } }
    func field(id: String) -> BitField? { fields.first { $0.id == id } }

    func record(_ id: String) -> BitRecord? { position[id].flatMap { rows[$0] } }

    /// Rows in creation order.
    func orderedRecords() -> [BitRecord] { rows.compactMap { $0 } }

    func insert(_ record: BitRecord) {
        if let p = position[record.id] {
            rows[p] = record
        } else {
            position[record.id] = rows.count
            rows.append(record)
        }
    }

    func update(_ record: BitRecord) { insert(record) }

    @discardableResult
    func remove(_ id: String) -> Bool {
        guard let p = position.removeValue(forKey: id) else { return false }
        rows[p] = nil
        holes += 1
        if holes > 1024, holes * 2 > rows.count { compact() }
        return true
    }

    private func compact() {
        rows = rows.filter { $0 != nil }
        position = [:]
        for (i, row) in rows.enumerated() { if let row { position[row.id] = i } }
        holes = 0
    }

    func removeAll() {
        rows = []
        position = [:]
        holes = 0
    }
}

/// A base (多维表格 app) and its tables.
final class BitBase: @unchecked Sendable {
    let appToken: String
    let name: String
    var tables: [BitTable] = []

    init(appToken: String, name: String) {
        self.appToken = appToken
        self.name = name
    }

    func table(_ id: String) -> BitTable? { tables.first { $0.id == id } }
}

/// A Feishu error: body code, msg, HTTP status.
struct FeishuError: Error, Sendable {
    var code: Int
    var msg: String
    var status: Int = 200

    static func conv(_ type: Int, _ fieldName: String) -> FeishuError {
        let (code, name): (Int, String)
        switch type {
        case 1: (code, name) = (1_254_060, "TextFieldConvFail")
        case 2: (code, name) = (1_254_061, "NumberFieldConvFail")
        case 3: (code, name) = (1_254_062, "SingleSelectFieldConvFail")
        case 4: (code, name) = (1_254_063, "MultiSelectFieldConvFail")
        case 5: (code, name) = (1_254_064, "DatetimeFieldConvFail")
        case 7: (code, name) = (1_254_065, "CheckboxFieldConvFail")
        case 11: (code, name) = (1_254_066, "UserFieldConvFail")
        case 18: (code, name) = (1_254_067, "LinkFieldConvFail")
        case 21: (code, name) = (1_254_074, "DuplexLinkFieldConvFail")
        case 15: (code, name) = (1_254_068, "URLFieldConvFail")
        case 17: (code, name) = (1_254_069, "AttachFieldConvFail")
        case 13: (code, name) = (1_254_072, "PhoneFieldConvFail")
        default: return FeishuError(code: 1_254_015, msg: "Field types do not match. field: \(fieldName)", status: 400)
        }
        return FeishuError(code: code, msg: "\(name). field: \(fieldName)", status: code == 1_254_074 ? 400 : 200)
    }

    static let wrongJSON = FeishuError(code: 1_254_000, msg: "WrongRequestJson")
    static func wrongBody(_ detail: String) -> FeishuError {
        FeishuError(code: 1_254_001, msg: "WrongRequestBody: \(detail)")
    }
    static let baseNotFound = FeishuError(code: 1_254_040, msg: "BaseTokenNotFound")
    static let tableNotFound = FeishuError(code: 1_254_041, msg: "TableIdNotFound")
    static func recordNotFound(_ id: String) -> FeishuError {
        FeishuError(code: 1_254_043, msg: "RecordIdNotFound: \(id)")
    }
    static func fieldIdNotFound(_ id: String) -> FeishuError {
        FeishuError(code: 1_254_044, msg: "FieldIdNotFound: \(id)")
    }
    static func fieldNameNotFound(_ name: String) -> FeishuError {
        FeishuError(code: 1_254_045, msg: "FieldNameNotFound: \(name)")
    }
    static let tooMany = FeishuError(code: 1_254_104, msg: "RecordAddOnceExceedLimit")
    static let rowLimit = FeishuError(
        code: 1_254_103, msg: "RecordExceedLimit: the table already holds the maximum number of records")
    static let writeConflict = FeishuError(code: 1_254_291, msg: "Write conflict")
    static let badClientToken = FeishuError(
        code: 1_254_037, msg: "Invalid client token, make sure that it complies with the specification.", status: 400)
    static let clientTokenConflict = FeishuError(
        code: 1_255_006, msg: "client token conflict, please generate a new client token and try again.", status: 400)
    static let pageSize = FeishuError(code: 1_254_011, msg: "page size invalid", status: 400)
    static func invalidFilter(_ detail: String) -> FeishuError {
        FeishuError(code: 1_254_018, msg: "InvalidFilter: \(detail)")
    }
    static func invalidSort(_ detail: String) -> FeishuError {
        FeishuError(code: 1_254_016, msg: "InvalidSort: \(detail)")
    }
    static func invalidFieldNames(_ detail: String) -> FeishuError {
        FeishuError(code: 1_254_024, msg: "InvalidFieldNames: \(detail)")
    }
    static let badPageToken = FeishuError(code: 1_254_002, msg: "Fail: invalid page_token")
    static let internalError = FeishuError(code: 1_255_001, msg: "InternalError")
    static let timeout = FeishuError(code: 1_255_040, msg: "请求超时", status: 504)
}
