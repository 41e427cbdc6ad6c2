import Foundation

extension FeishuClient {
    /// Every record matching `filter` (all when nil), with only `fieldNames` when given, paged to the end.
    public func searchRecords(table: String, fieldNames: [String]? = nil, filter: FeishuFilter? = nil) async throws -> [FeishuRecord] {
        var records: [FeishuRecord] = []
        try await locks.withLock(table) {
            var pageToken: String?
            repeat {
                var query = [URLQueryItem(name: "page_size", value: String(Self.searchPageSize))]
                if let pageToken { query.append(URLQueryItem(name: "page_token", value: pageToken)) }
                var body: [String: Any] = ["automatic_fields": false]
                if let fieldNames { body["field_names"] = fieldNames }
                if let filter { body["filter"] = filter.json }
                let data = try await self.call("POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/search",
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
                try await self.call("POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_get",
                                    api: "records/batch_get", limit: .read, table: table, body: ["record_ids": Array(chunk)])
            }
            records += data.children("records").compactMap(Self.record)
        }
        return records
    }

    /// Creates records in chunks of `sync.batch_size`; returns their record ids in order.
    ///
    /// `onChunk` is called after each chunk with its rows' indices and ids, so the caller can
    /// persist them before the next chunk (a crash then loses at most one chunk's ids).
    public func batchCreate(table: String, records: [FeishuFields],
                            onChunk: @Sendable (Range<Int>, [String]) async throws -> Void = { _, _ in }) async throws -> [String] {
        var ids: [String] = []
        var offset = 0
        for chunk in records.chunked(options.batchSize) {
            let clientToken = makeClientToken()   // one per chunk, reused by every retry of it
            let body: [String: Any] = ["records": chunk.map { ["fields": Self.encode($0, forCreate: true)] }]
            let data = try await locks.withLock(table) {
                try await self.call("POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_create",
                                    api: "records/batch_create", limit: .write, table: table,
                                    query: [URLQueryItem(name: "client_token", value: clientToken)], body: body)
            }
            let created = data.children("records").map { $0.string("record_id") ?? $0.string("id") ?? "" }
            guard created.count == chunk.count, !created.contains("") else {
                throw APIError(platform: .feishu, api: "records/batch_create", code: "malformed",
                               message: "asked to create \(chunk.count) records, the answer lists \(created.count)", kind: .fatal)
            }
            try await onChunk(offset..<(offset + chunk.count), created)
            ids += created
            offset += chunk.count
        }
        return ids
    }

    /// Updates records by id in chunks of `sync.batch_size`; `.empty` values clear their cells.
    public func batchUpdate(table: String, records: [(recordId: String, fields: FeishuFields)],
                            onChunk: @Sendable (Range<Int>) async throws -> Void = { _ in }) async throws {
        var offset = 0
        for chunk in records.chunked(options.batchSize) {
            let body: [String: Any] = ["records": chunk.map { ["record_id": $0.recordId, "fields": Self.encode($0.fields, forCreate: false)] as [String: Any] }]
            _ = try await locks.withLock(table) {
                try await self.call("POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_update",
                                    api: "records/batch_update", limit: .write, table: table, body: body)
            }
            try await onChunk(offset..<(offset + chunk.count))
            offset += chunk.count
        }
    }

    /// Deletes records by id in chunks of at most 500.
    public func batchDelete(table: String, recordIds: [String]) async throws {
        for chunk in recordIds.chunked(min(Self.maxDeleteBatch, options.batchSize)) {
            _ = try await locks.withLock(table) {
                try await self.call("POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/records/batch_delete",
                                    api: "records/batch_delete", limit: .write, table: table, body: ["records": Array(chunk)])
            }
        }
    }

    static func record(_ item: JSONBody) -> FeishuRecord? {
        guard let id = item.string("record_id") else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in (item["fields"] as? [String: Any]) ?? [:] {
            if let text = FeishuRecord.flatten(value) { fields[name] = text }
        }
        return FeishuRecord(recordId: id, fields: fields)
    }

    /// Write shapes (reference §4): text as a string, numbers as JSON numbers, datetimes as ms.
    static func encode(_ fields: FeishuFields, forCreate: Bool) -> [String: Any] {
        var result: [String: Any] = [:]
        for (name, value) in fields {
            switch value {
            case .text(let text): result[name] = text
            case .number(let number): result[name] = NSDecimalNumber(decimal: number)
            case .datetime(let ms): result[name] = NSNumber(value: ms)
            case .empty: if !forCreate { result[name] = NSNull() }
            }
        }
        return result
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        let step = Swift.max(1, size)
        return stride(from: 0, to: count, by: step).map { self[$0..<Swift.min($0 + step, count)] }
    }
}
