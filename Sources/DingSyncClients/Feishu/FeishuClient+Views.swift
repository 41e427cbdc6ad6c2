import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A Bitable view (reference §9): id, name and type (`grid`, `kanban`, `gallery`, `gantt`, `form`).
public struct FeishuView: Sendable, Equatable {
    public var viewId: String
    public var name: String
    public var type: String

    public init(viewId: String, name: String, type: String) {
        self.viewId = viewId
        self.name = name
        self.type = type
    }
}

/// A view's filter (reference §9.4): conditions on field **ids**, no nested groups.
public struct FeishuViewFilter: Sendable, Equatable {
    public struct Condition: Sendable, Equatable {
        public var fieldId: String
        public var op: String
        /// The values as strings (`["审批中"]`, `["Today"]`, `[]` for isEmpty).
        public var values: [String]

        public init(fieldId: String, op: String, values: [String]) {
            self.fieldId = fieldId
            self.op = op
            self.values = values
        }
    }

    public var conjunction: String
    public var conditions: [Condition]

    public init(conjunction: String = "and", conditions: [Condition]) {
        self.conjunction = conjunction
        self.conditions = conditions
    }

    /// `filter_info`: each condition's `value` is the JSON *text* of its string array.
    var json: JSON {
        [
            "conjunction": .string(conjunction),
            "conditions": .array(
                conditions.map {
                    [
                        "field_id": .string($0.fieldId), "operator": .string($0.op),
                        "value": .string(JSON.array($0.values.map(JSON.string)).compactText)
                    ]
                })
        ]
    }
}

extension FeishuClient {
    /// Every view of a table (list items carry no `property`).
    public func listViews(table: String) async throws -> [FeishuView] {
        var views: [FeishuView] = []
        try await locks.withLock(table) {
            try await self.paginate(
                path: "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/views", api: "views/list",
                table: table, pageSize: 100
            ) { data in
                for item in data.children("items") {
                    guard let id = item.string("view_id") else { continue }
                    views.append(
                        FeishuView(
                            viewId: id, name: item.string("view_name") ?? "", type: item.string("view_type") ?? ""))
                }
            }
        }
        return views
    }

    /// Creates a view (name and type only: §9.2 takes no `property`); returns it. A view of that
    /// name that appears meanwhile (1254020: a timed-out create that was applied, then retried) is
    /// the one returned.
    public func createView(table: String, name: String, type: String) async throws -> FeishuView {
        let data: JSON
        do {
            data = try await locks.withLock(table) {
                try await self.call(
                    "POST", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/views", api: "views/create",
                    limit: .schema, table: table, body: ["view_name": .string(name), "view_type": .string(type)])
            }
        } catch let error as APIError where error.code == "1254020" {
            guard let made = try await listViews(table: table).first(where: { $0.name == name }) else { throw error }
            return made
        }
        guard let view = data.child("view"), let id = view.string("view_id") else {
            throw APIError(
                platform: .feishu, api: "views/create", code: "malformed", message: "no view.view_id in the answer",
                kind: .fatal)
        }
        return FeishuView(viewId: id, name: view.string("view_name") ?? name, type: view.string("view_type") ?? type)
    }

    /// Sets a view's filter (`PATCH`, partial: the name and other settings stay).
    public func setViewFilter(table: String, viewId: String, filter: FeishuViewFilter) async throws {
        _ = try await locks.withLock(table) {
            try await self.call(
                "PATCH", "/open-apis/bitable/v1/apps/\(self.appToken)/tables/\(table)/views/\(viewId)",
                api: "views/patch", limit: .schema, table: table, body: ["property": ["filter_info": filter.json]])
        }
    }
}
