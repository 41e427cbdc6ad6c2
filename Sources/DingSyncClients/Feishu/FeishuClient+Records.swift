import DingSyncBasics
import DingSyncProcessing
import Foundation

extension FeishuClient {
    /// Every record matching `filter` (all when nil), with only `fieldNames` when given, paged to the end.
    /// `automaticFields` adds each record's creation time (``FeishuRecord/createdTime``).
    ///
    /// A page Feishu will not send because it is too large (1254030) starts the search again with
    /// half the page size (500, 250, … down to 10), from the first page: a page token is not
    /// assumed to carry over to another page size.
    public func searchRecords(
        table: String, fieldNames: [String]? = nil, filter: FeishuFilter? = nil,
        automaticFields: Bool = false
    ) async throws -> [FeishuRecord] {
        var pageSize = Self.searchPageSize
        while true {
            do {
                return try await searchRecords(
                    table: table, fieldNames: fieldNames, filter: filter, automaticFields: automaticFields,
                    pageSize: pageSize)
            } catch let error as APIError where error.condition == .responseTooLarge && pageSize > Self.minSearchPage {
                let smaller = Swift.max(Self.minSearchPage, pageSize / 2)
                logger.info(
                    "Feishu would not send \(pageSize) rows of table \(table) in one page (\(error.code), too large): reading \(smaller) a page"
                )
                pageSize = smaller
            }
        }
    }

    /// The smallest page `searchRecords` shrinks to before a too-large answer stands.
    static let minSearchPage = 10

    private func searchRecords(
        table: String, fieldNames: [String]?, filter: FeishuFilter?, automaticFields: Bool, pageSize: Int
    ) async throws -> [FeishuRecord] {
        var records: [FeishuRecord] = []
        try await locks.withLock(table) {
            var pageToken: String?
            repeat {
                var query = [URLQueryItem(name: "page_size", value: String(pageSize))]
                if let pageToken { query.append(URLQueryItem(name: "page_token", value: pageToken)) }
                var body: JSON = ["automatic_fields": .bool(automaticFields)]
                if let fieldNames { body["field_names"] = .array(fieldNames.map(JSON.string)) }
                if let filter { body["filter"] = filter.json }
                let data = try await self.call(
                    "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/search",
                    api: "records/search", limit: .read, table: table, query: query, body: body)
                records += data.children("items").compactMap(Self.record)
                pageToken = (data.bool("has_more") ?? false) ? data.string("page_token") : nil
            } while pageToken?.isEmpty == false
        }
        return records
    }

    /// Records by id (≤100 per call); ids that no longer exist are left out.
    public func getRecords(table: String, ids: [String]) async throws -> [FeishuRecord] {
        var records: [FeishuRecord] = []
        for chunk in ids.chunked(Self.maxGetBatch) {
            let data = try await locks.withLock(table) {
                try await self.call(
                    "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_get",
                    api: "records/batch_get", limit: .read, table: table,
                    body: ["record_ids": .array(chunk.map(JSON.string))])
            }
            records += data.children("records").compactMap(Self.record)
        }
        return records
    }

    /// Creates records in chunks of `sync.batch_size`; returns each row's record id (nil for a
    /// row Feishu refused on its own, see ``BatchCreateOutcome``).
    ///
    /// `onChunk` is called after each call with the (index, record id) pairs it created, so
    /// the caller can persist them before the next call (a crash then loses at most one call's ids).
    /// A batch refused because of one row (1254130, a cell too large) is split in halves until
    /// the refused rows stand alone; the others are written.
    public func batchCreate(
        table: String, records: [FeishuFields],
        onChunk: @Sendable ([(index: Int, recordId: String)]) async throws -> Void = { _ in }
    ) async throws
        -> BatchCreateOutcome
    {
        let created = CreatedIds(count: records.count)
        var rejected: [Int: APIError] = [:]
        for chunk in Array(records.indices).chunked(options.batchSize) {
            rejected.merge(
                try await isolatingRows(Array(chunk)) { indices in
                    let clientToken = self.makeClientToken()  // one per call, reused by every retry of it
                    let body: JSON = [
                        "records": .array(indices.map { ["fields": Self.encode(records[$0], forCreate: true)] })
                    ]
                    let data = try await self.locks.withLock(table) {
                        try await self.call(
                            "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_create",
                            api: "records/batch_create", limit: .write, table: table,
                            query: [URLQueryItem(name: "client_token", value: clientToken)], body: body)
                    }
                    let ids = data.children("records").map { $0.string("record_id") ?? $0.string("id") ?? "" }
                    guard ids.count == indices.count, !ids.contains("") else {
                        throw APIError(
                            platform: .feishu, api: "records/batch_create", code: "malformed",
                            message: "asked to create \(indices.count) records, the answer lists \(ids.count)",
                            kind: .fatal)
                    }
                    let pairs = Array(zip(indices, ids)).map { (index: $0.0, recordId: $0.1) }
                    await created.set(pairs)
                    try await onChunk(pairs)
                }
            ) { a, _ in a }
        }
        return BatchCreateOutcome(recordIds: await created.ids, rejected: rejected)
    }

    /// Updates records by id in chunks of `sync.batch_size`; `.empty` values clear their cells.
    ///
    /// `onChunk` gets the indices each call wrote. A record id that no longer exists (deleted
    /// in Bitable: 1254043 refuses the whole call) is found with `batch_get`, left out and
    /// returned in ``BatchUpdateOutcome/absent``; the call is repeated without it. A row Feishu
    /// refuses on its own (1254130) is isolated as in ``batchCreate(table:records:onChunk:)``.
    public func batchUpdate(
        table: String, records: [(recordId: String, fields: FeishuFields)],
        onChunk: @Sendable ([Int]) async throws -> Void = { _ in }
    ) async throws -> BatchUpdateOutcome {
        let absent = IndexCollector()
        var rejected: [Int: APIError] = [:]
        for chunk in Array(records.indices).chunked(options.batchSize) {
            rejected.merge(
                try await isolatingRows(Array(chunk)) { indices in
                    var remaining = indices
                    while !remaining.isEmpty {
                        let body: JSON = [
                            "records": .array(
                                remaining.map {
                                    [
                                        "record_id": .string(records[$0].recordId),
                                        "fields": Self.encode(records[$0].fields, forCreate: false)
                                    ]
                                })
                        ]
                        do {
                            _ = try await self.locks.withLock(table) {
                                try await self.call(
                                    "POST",
                                    "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_update",
                                    api: "records/batch_update", limit: .write, table: table, body: body)
                            }
                            try await onChunk(remaining)
                            return
                        } catch let error as APIError where error.isRecordIdNotFound {
                            let gone = try await self.absentRecordIds(
                                table: table, ids: remaining.map { records[$0].recordId })
                            guard !gone.isEmpty else { throw error }
                            let goneIndices = remaining.filter { gone.contains(records[$0].recordId) }
                            self.logger.info(
                                "\(table): \(goneIndices.count) record(s) no longer exist in Bitable (deleted by hand?); writing the others"
                            )
                            await absent.add(goneIndices)
                            remaining.removeAll { gone.contains(records[$0].recordId) }
                        }
                    }
                }
            ) { a, _ in a }
        }
        return BatchUpdateOutcome(absent: await absent.indices, rejected: rejected)
    }

    /// Deletes records by id in chunks of at most 500; ids already gone (1254043) are skipped
    /// and returned: what was to be deleted is gone either way.
    @discardableResult
    public func batchDelete(table: String, recordIds: [String]) async throws -> Set<String> {
        var alreadyGone = Set<String>()
        for chunk in recordIds.chunked(min(Self.maxDeleteBatch, options.batchSize)) {
            var remaining = Array(chunk)
            while !remaining.isEmpty {
                do {
                    _ = try await locks.withLock(table) {
                        try await self.call(
                            "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_delete",
                            api: "records/batch_delete", limit: .write, table: table,
                            body: ["records": .array(remaining.map(JSON.string))])
                    }
                    remaining = []
                } catch let error as APIError where error.isRecordIdNotFound {
                    let gone = try await absentRecordIds(table: table, ids: remaining)
                    guard !gone.isEmpty else { throw error }
                    alreadyGone.formUnion(gone)
                    remaining.removeAll { gone.contains($0) }
                }
            }
        }
        return alreadyGone
    }

    /// The ids among `ids` that no longer exist in the table (`batch_get`'s `absent_record_ids`).
    public func absentRecordIds(table: String, ids: [String]) async throws -> Set<String> {
        var absent = Set<String>()
        for chunk in ids.chunked(Self.maxGetBatch) {
            let data = try await locks.withLock(table) {
                try await self.call(
                    "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_get",
                    api: "records/batch_get", limit: .read, table: table,
                    body: ["record_ids": .array(chunk.map(JSON.string))])
            }
            let listed = data.strings("absent_record_ids")
            if listed.isEmpty {
                // an answer without the list: whatever it did not return is absent
                let found = Set(data.children("records").compactMap { $0.string("record_id") })
                absent.formUnion(chunk.filter { !found.contains($0) })
            } else {
                absent.formUnion(listed)
            }
        }
        return absent
    }

    /// How many rows the table holds (one `search` of one row; its `total`).
    public func countRecords(table: String, keyField: String) async throws -> Int {
        let data = try await locks.withLock(table) {
            try await self.call(
                "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/search",
                api: "records/search", limit: .read, table: table,
                query: [URLQueryItem(name: "page_size", value: "1")],
                body: ["field_names": [.string(keyField)], "automatic_fields": false])
        }
        if let total = data.int("total") { return Int(total) }
        return data.children("items").count + ((data.bool("has_more") ?? false) ? 1 : 0)
    }

    /// Sends `indices` in one call; when Feishu refuses the call because of one row's content
    /// (``APIError/isRowSpecific``), splits it in halves until each refused row stands alone.
    /// Returns the refused rows with their errors.
    func isolatingRows(_ indices: [Int], send: @Sendable ([Int]) async throws -> Void) async throws -> [Int: APIError] {
        guard !indices.isEmpty else { return [:] }
        do {
            try await send(indices)
            return [:]
        } catch let error as APIError where error.isRowSpecific || error.condition == .batchTooLarge {
            if indices.count == 1 {
                // one row too many is not a batch to split: that error stands for the call
                guard error.isRowSpecific else { throw error }
                return [indices[0]: error]
            }
            if error.condition == .batchTooLarge {
                logger.info(
                    "Feishu refused \(indices.count) records in one call (\(error.code)): sending them in halves")
            }
            let middle = indices.count / 2
            var rejected = try await isolatingRows(Array(indices[..<middle]), send: send)
            rejected.merge(try await isolatingRows(Array(indices[middle...]), send: send)) { a, _ in a }
            return rejected
        }
    }

    static func record(_ item: JSON) -> FeishuRecord? {
        guard let id = item.string("record_id") else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in item.child("fields")?.members ?? [] {
            if let text = FeishuRecord.flatten(value) { fields[name] = text }
        }
        return FeishuRecord(recordId: id, fields: fields, createdTime: item.int("created_time"))
    }

    /// Write shapes (reference §4): text as a string, numbers as JSON numbers, datetimes as ms.
    static func encode(_ fields: FeishuFields, forCreate: Bool) -> JSON {
        var result: JSON = [:]
        for (name, value) in fields {
            switch value {
            case .text(let text): result[name] = .string(text)
            case .number(let number): result[name] = .number(number)
            case .datetime(let ms): result[name] = .number(ms)
            case .empty: if !forCreate { result[name] = .null }
            }
        }
        return result
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    package func chunked(_ size: Int) -> [ArraySlice<Element>] {
        let step = Swift.max(1, size)
        return stride(from: 0, to: count, by: step).map { self[$0..<Swift.min($0 + step, count)] }
    }
}
