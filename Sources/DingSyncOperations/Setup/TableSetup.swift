import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// What `dingsync setup` did and found.
public struct SetupReport: Sendable, Equatable {
    public var lines: [String] = []
    /// Table ids to put in the config (`feishu.tables.main` / `.action` / `.detail`).
    public var mainTable = ""
    public var actionTable = ""
    /// Empty when no detail table was asked for.
    public var detailTable = ""
    /// Fields of the wrong type (not touched), views that could not be completed.
    public var problems: [String] = []
    public var created = 0
    /// What the views API cannot set and the operator finishes in Bitable: one line per view created.
    public var clickLines: [String] = []

    public var exitStatus: ExitStatus { problems.isEmpty ? .success : .failed }
}

/// Creates or completes the main and action tables in the configured base, and the
/// detail-line table (SPEC 4.7) when asked for. Idempotent: tables are found by id (from the
/// config) or by name; only what is missing is created.
public struct TableSetup: Sendable {
    public static let mainName = "审批实例表"
    public static let actionName = "审批动作表"
    public static let detailName = "审批明细表"

    let config: Config
    let feishu: FeishuClient
    let details: Bool

    /// `details`: also create or complete the detail table (it is anyway when
    /// `feishu.tables.detail` or a `detail_fields` mapping is configured).
    public init(config: Config, feishu: FeishuClient, details: Bool = false) {
        self.config = config
        self.feishu = feishu
        self.details = details
    }

    /// Whether the detail table is wanted: asked for, configured, or mapped.
    public var wantsDetailTable: Bool {
        details || !config.feishu.tables.detail.isEmpty || !config.mapping.detailFields.isEmpty
            || config.mapping.templates.values.contains { !$0.detailFields.isEmpty }
    }

    public func run() async throws -> SetupReport {
        var report = SetupReport()
        let naming = FieldNaming(config.feishu.fieldNames)
        let processor = DataProcessor(options: ProcessorOptions(mapping: config.mapping))
        let extra = processor.formColumns.columns
        let status = StatusMapping(overrides: config.mapping.status)
        let tables = try await feishu.listTables()
        report.mainTable = try await ensure(
            label: "main", configured: config.feishu.tables.main, name: Self.mainName,
            columns: SchemaCheck.mainColumns(naming: naming, extraColumns: extra, statusOptions: status.optionNames),
            tables: tables, &report)
        let mainTable = report.mainTable
        try await ViewSetup(feishu: feishu, naming: naming, runningStatus: status.runningText).run(
            table: mainTable, &report)
        report.actionTable = try await ensure(
            label: "action", configured: config.feishu.tables.action, name: Self.actionName,
            columns: SchemaCheck.actionColumns(naming: naming), tables: tables, &report)
        if wantsDetailTable {
            report.detailTable = try await ensure(
                label: "detail", configured: config.feishu.tables.detail, name: Self.detailName,
                columns: SchemaCheck.detailColumns(naming: naming, extraColumns: processor.detailColumns.columns),
                tables: tables, &report)
        }
        return report
    }

    private func ensure(
        label: String, configured: String, name: String, columns: [SchemaCheck.Column],
        tables: [FeishuTable], _ report: inout SetupReport
    ) async throws -> String {
        let existing =
            tables.first { !configured.isEmpty && $0.tableId == configured } ?? tables.first { $0.name == name }
        if !configured.isEmpty, existing?.tableId != configured {
            throw APIError(
                platform: .feishu, api: "tables/list", code: "not found",
                message:
                    "feishu.tables.\(label) is \(configured), which is not a table of base \(config.feishu.appToken)",
                hint: "remove feishu.tables.\(label) from the config to let setup create the table, or fix the id",
                kind: .fatal, scope: .run)
        }
        guard let table = existing else {
            let id: String
            do {
                id = try await feishu.createTable(name: name, fields: columns.map(\.spec))
            } catch let error as APIError where !error.stopsRun {
                // a create that timed out may have been applied (1255040), and its retry refused: adopt it by name
                guard let made = try await feishu.listTables().first(where: { $0.name == name }) else { throw error }
                id = made.tableId
            }
            report.created += 1
            report.lines.append("created \(label) table \(name) (\(id)) with \(columns.count) fields")
            return id
        }
        let fields = try await feishu.listFields(table: table.tableId)
        let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var added = 0
        for column in columns {
            if let field = byName[column.column] {
                if !column.accepted.contains(field.type) {
                    report.problems.append(
                        "\(label) table \(table.tableId): field \"\(column.column)\" is \(SchemaCheck.typeName(field.type)), needs \(SchemaCheck.typeNames(column)) — change its type in Bitable (setup does not touch data)"
                    )
                }
                continue
            }
            _ = try await feishu.createField(table: table.tableId, spec: column.spec)
            report.lines.append(
                "added field \"\(column.column)\" (\(SchemaCheck.typeName(column.type))) to \(label) table \(table.tableId)"
            )
            added += 1
        }
        report.created += added
        if added == 0 {
            report.lines.append("\(label) table \(table.name) (\(table.tableId)): all \(columns.count) fields present")
        }
        return table.tableId
    }
}
