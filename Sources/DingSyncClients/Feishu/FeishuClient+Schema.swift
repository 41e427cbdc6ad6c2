import DingSyncBasics
import DingSyncProcessing
import Foundation

extension FeishuClient {
    /// Every table of the base.
    public func listTables() async throws -> [FeishuTable] {
        var tables: [FeishuTable] = []
        try await paginate(
            path: "/open-apis/bitable/v1/apps/\(appToken)/tables", api: "tables/list", table: nil, pageSize: 100
        ) { data in
            for item in data.children("items") {
                if let id = item.string("table_id") {
                    tables.append(FeishuTable(tableId: id, name: item.string("name") ?? ""))
                }
            }
        }
        return tables
    }

    /// Every field of a table.
    public func listFields(table: String) async throws -> [FeishuField] {
        var fields: [FeishuField] = []
        try await locks.withLock(table) {
            try await self.paginate(
                path: "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/fields", api: "fields/list",
                table: table, pageSize: 100
            ) { data in
                for item in data.children("items") {
                    fields.append(
                        FeishuField(
                            fieldId: item.string("field_id") ?? "", name: item.string("field_name") ?? "",
                            type: Int(item.int("type") ?? 0), isPrimary: item.bool("is_primary") ?? false))
                }
            }
        }
        return fields
    }

    /// Creates a table whose first field is the primary one; returns its id.
    public func createTable(name: String, fields: [FeishuFieldSpec]) async throws -> String {
        let body: JSON = [
            "table": [
                "name": .string(name), "default_view_name": "全部",
                "fields": .array(fields.map(\.json))
            ]
        ]
        let data = try await call(
            "POST", "/open-apis/bitable/v1/apps/\(appToken)/tables", api: "tables/create", limit: .schema, body: body)
        guard let id = data.string("table_id") else {
            throw APIError(
                platform: .feishu, api: "tables/create", code: "malformed", message: "no table_id in the answer",
                kind: .fatal)
        }
        return id
    }

    /// Adds a field to a table; returns its id.
    public func createField(table: String, spec: FeishuFieldSpec) async throws -> String {
        let data = try await locks.withLock(table) {
            try await self.call(
                "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/fields", api: "fields/create",
                limit: .schema,
                table: table, query: [URLQueryItem(name: "client_token", value: self.makeClientToken())],
                body: spec.json)
        }
        return data.child("field")?.string("field_id") ?? ""
    }

    /// GET-paginates a list endpoint (`has_more`/`page_token`).
    func paginate(path: String, api: String, table: String?, pageSize: Int, _ consume: (JSON) -> Void) async throws {
        var pageToken: String?
        repeat {
            var query = [URLQueryItem(name: "page_size", value: String(pageSize))]
            if let pageToken { query.append(URLQueryItem(name: "page_token", value: pageToken)) }
            let data = try await call("GET", path, api: api, limit: .read, table: table, query: query)
            consume(data)
            pageToken = (data.bool("has_more") ?? false) ? data.string("page_token") : nil
        } while pageToken?.isEmpty == false
    }
}
