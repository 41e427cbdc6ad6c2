/// The Bitable part's side of the admin API: tables and rows read and edited by hand.
///
/// No validation, no occupancy, not counted. A table is named by id or by name.
extension BitableSimulator {
    /// `GET /__admin/tables`: tables, fields, row counts.
    func adminTablesJSON() -> JSONValue {
        lock.withLock {
            .object([
                ("app_token", .string(base.appToken)),
                (
                    "tables",
                    .array(
                        base.tables.map { t in
                            .object([
                                ("table_id", .string(t.id)), ("name", .string(t.name)), ("records", .int(t.count)),
                                ("revision", .int(t.revision)), ("fields", .array(t.fields.map { $0.json() })),
                                ("views", .array(t.views.map { $0.json() }))
                            ])
                        })
                )
            ])
        }
    }

    /// Whether a table with this id or name exists.
    func adminHasTable(_ ref: String) -> Bool { lock.withLock { adminTable(ref) != nil } }

    /// Whether the table holds a record with `id`.
    func adminHasRecord(table ref: String, id: String) -> Bool {
        lock.withLock { adminTable(ref)?.record(id) != nil }
    }

    /// `GET /__admin/tables/T/records`: every row with plain values and times.
    func adminRecords(table ref: String) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            let table = try requireTable(ref)
            return .object([
                ("table_id", .string(table.id)), ("name", .string(table.name)), ("total", .int(table.count)),
                ("records", .array(table.orderedRecords().map { plainRecord($0, table: table) }))
            ])
        }
    }

    /// `POST /__admin/tables/T/records`: adds a row from `{"fields": {name: value}}`.
    func adminAddRecord(table ref: String, body: JSONValue, now: Int64) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            let table = try requireTable(ref)
            let record = newRecord(try handValues(body, table: table), table: table, now: now)
            table.insert(record)
            return plainRecord(record, table: table)
        }
    }

    /// `DELETE /__admin/tables/T/records`: empties the table.
    func adminClearTable(_ ref: String) throws(AdminError) {
        try lock.withLockTyped { () throws(AdminError) in
            try requireTable(ref).removeAll()
        }
    }

    /// `GET /__admin/tables/T/records/R`.
    func adminRecord(table ref: String, id: String) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            let table = try requireTable(ref)
            return plainRecord(try requireRecord(id, in: table), table: table)
        }
    }

    /// `PATCH /__admin/tables/T/records/R`: sets the values given (`null` clears a cell).
    func adminEditRecord(table ref: String, id: String, body: JSONValue, now: Int64) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            let table = try requireTable(ref)
            var record = try requireRecord(id, in: table)
            apply(try handValues(body, table: table), to: &record)
            record.modifiedTime = now
            table.update(record)
            return plainRecord(record, table: table)
        }
    }

    /// `DELETE /__admin/tables/T/records/R`.
    func adminDeleteRecord(table ref: String, id: String) throws(AdminError) {
        try lock.withLockTyped { () throws(AdminError) in
            let table = try requireTable(ref)
            _ = try requireRecord(id, in: table)
            table.remove(id)
        }
    }

    /// `POST /__admin/tables/T/records/R/duplicate`: a copy with a new id and times.
    func adminDuplicateRecord(table ref: String, id: String, now: Int64) throws(AdminError) -> JSONValue {
        try lock.withLockTyped { () throws(AdminError) -> JSONValue in
            let table = try requireTable(ref)
            var copy = try requireRecord(id, in: table)
            copy.id = newRecordId()
            copy.createdTime = now
            copy.modifiedTime = now
            copy.autoNumber = table.nextAutoNumber
            table.nextAutoNumber += 1
            table.insert(copy)
            return plainRecord(copy, table: table)
        }
    }

    // MARK: Helpers (under the lock)

    private func adminTable(_ ref: String) -> BitTable? {
        base.table(ref) ?? base.tables.first(where: { $0.name == ref })
    }

    private func requireTable(_ ref: String) throws(AdminError) -> BitTable {
        guard let table = adminTable(ref) else { throw AdminError("table \(ref) not found", status: 404) }
        return table
    }

    private func requireRecord(_ id: String, in table: BitTable) throws(AdminError) -> BitRecord {
        guard let record = table.record(id) else { throw AdminError("record \(id) not found", status: 404) }
        return record
    }

    private func plainRecord(_ record: BitRecord, table: BitTable) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        for field in table.fields {
            if let v = cellValue(field, record) { fields.append((field.name, v)) }
        }
        return .object([
            ("record_id", .string(record.id)), ("fields", .object(fields)),
            ("created_time", .int(record.createdTime)), ("modified_time", .int(record.modifiedTime))
        ])
    }

    /// The `fields` of an admin body as (field, value) pairs, values coerced by `handValue`.
    private func handValues(_ body: JSONValue, table: BitTable) throws(AdminError) -> [(BitField, JSONValue?)] {
        guard let pairs = body["fields"]?.objectPairs else { throw AdminError("fields (an object) is required") }
        var out: [(BitField, JSONValue?)] = []
        for (name, value) in pairs {
            guard let field = table.field(named: name) else {
                throw AdminError("table \(table.name) has no field \(name)")
            }
            out.append((field, handValue(value, field: field)))
        }
        return out
    }

    /// A value typed by a person: coerced, never refused.
    private func handValue(_ value: JSONValue, field: BitField) -> JSONValue? {
        if value.isNull { return nil }
        switch field.type {
        case 1, 13: return .string(value.lenientString ?? value.serialized())
        case 2:
            if value.isNumber { return value }
            if let s = value.stringValue, let d = Double(s) { return .double(d) }
            return value
        case 5:
            if let ms = value.lenientInt64 { return .int(ms) }
            if let s = value.stringValue, let ms = TimeFormat.parse(s) { return .int(ms) }
            return value
        default: return value
        }
    }
}
