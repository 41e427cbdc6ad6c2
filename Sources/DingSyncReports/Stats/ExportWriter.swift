import CXlsxWriter
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Writes `dingsync export`: the main-table rows (SPEC 4.1 columns, `mapping.form_fields`
/// columns after them, `feishu.field_names` renames applied) and optionally the action rows
/// (SPEC 4.2) and detail lines (SPEC 4.7), as CSV (UTF-8 with BOM, times `yyyy-MM-dd HH:mm:ss`
/// in `sync.timezone`) or as .xlsx (sheets 审批实例, 审批动作 and 审批明细, real numbers and dates).
public enum ExportWriter {
    /// What was written.
    public struct Result: Sendable, Equatable {
        public var files: [String]
        public var mainRows: Int
        public var actionRows: Int?
        public var detailRows: Int? = nil
    }

    /// One sheet or file of the export.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [String]
        public var rows: [[StatsCell]]
    }

    /// What the header row holds.
    public enum Headers: String, Sendable {
        /// The column names a person reads: `feishu.field_names` renames, else the Chinese names
        /// (``chineseNames``); a `mapping.form_fields` column is named by its form field.
        case names
        /// The canonical keys (`instance_id`, `business_id`, …; a form-field column by its key), for scripts.
        case keys
    }

    /// The Chinese names of the canonical columns (SPEC 4.1 and 4.2).
    public static let chineseNames: [String: String] = [
        "instance_id": "实例ID", "business_id": "审批编号", "template_code": "模板编码", "title": "标题", "status": "状态",
        "applicant": "申请人", "applicant_dept": "申请人部门", "amount": "金额", "start_time": "发起时间",
        "end_time": "完成时间", "duration_hours": "耗时（小时）", "current_node": "当前节点", "last_action": "最后操作",
        "last_action_time": "最后操作时间", "approver_chain": "审批链", "form_data": "表单内容", "synced_at": "同步时间",
        "template_name": "模板名称", "node_since": "到达当前节点", "sla_due": "时限截止",
        "action_key": "动作ID", "seq": "序号", "node_name": "节点", "approver": "审批人", "action": "操作",
        "action_time": "操作时间", "comment": "意见"
    ]

    /// A canonical column's header.
    static func header(_ key: String, naming: FieldNaming, headers: Headers) -> String {
        switch headers {
        case .keys: return key
        case .names:
            let renamed = naming.column(key)
            return renamed != key ? renamed : chineseNames[key] ?? key
        }
    }

    /// Reads the rows of instances created in `from...to` (optionally of one template) from the
    /// mirror and writes them to `path`.
    public static func export(
        store: StateStore, config: Config, from: Date?, to: Date?, template: String? = nil, includeActions: Bool,
        includeDetails: Bool = false, headers: Headers = .names, to path: String
    ) throws -> Result {
        let start = from.map(StatsOptions.milliseconds)
        let end = to.map(StatsOptions.milliseconds)
        let mapped = DataProcessor(options: ProcessorOptions(mapping: config.mapping)).formColumns.mappedFields
        let main = mainTable(
            try store.mirrorMainRows(
                from: start, to: end, processCode: template, formFields: Array(Set(mapped.map(\.field)))),
            config: config, headers: headers, templateNames: try store.templateNames())
        let actions =
            includeActions
            ? actionTable(
                try store.mirrorActionRows(from: start, to: end, processCode: template), config: config,
                headers: headers) : nil
        let details =
            includeDetails
            ? detailTable(try store.mirrorDetailRows(from: start, to: end, processCode: template), config: config)
            : nil
        return try write(main: main, actions: actions, details: details, to: path, timeZone: config.sync.timeZone)
    }

    /// The main table: the SPEC 4.1 columns as Bitable has them (`template_name` from the
    /// remembered `templateNames`, else the code; `node_since` for open instances; `sla_due` by
    /// the `sla:` keys), then one per `mapping.form_fields` entry.
    public static func mainTable(
        _ rows: [MirrorMainRow], config: Config, headers: Headers = .names, templateNames: [String: String] = [:]
    ) -> Table {
        let naming = FieldNaming(config.feishu.fieldNames)
        let sla = SLAPolicy(config.sla)
        // the same columns, in the same order, as DataProcessor writes to Bitable
        let extras = DataProcessor(options: ProcessorOptions(mapping: config.mapping)).formColumns
        let columns =
            MainTableColumn.allCases.map { header($0.rawValue, naming: naming, headers: headers) }
            + extras.columns.map { column in
                switch headers {
                case .keys: return column
                case .names:
                    // a rename wins; else the form field the column shows (the global map's, else a template's)
                    let renamed = naming.column(column)
                    if renamed != column { return renamed }
                    let codes = [""] + config.mapping.templates.keys.sorted()
                    return codes.lazy.compactMap { extras.sources(for: $0)[column] }.first ?? column
                }
            }
        let cells = rows.map { r -> [StatsCell] in
            let fixed: [StatsCell] = [
                .text(r.instanceId), .text(r.businessId), .text(r.templateCode), .text(r.title), .text(r.status),
                .text(r.applicant),
                .text(r.applicantDept), .amount(r.amount), .datetime(r.startTime), .datetime(r.endTime),
                .number(r.durationHours, places: 2),
                .text(r.currentNode), .text(r.lastAction), .datetime(r.lastActionTime), .text(r.approverChain),
                .text(r.formData),
                .datetime(r.syncedAt), .text(templateNames[r.templateCode] ?? r.templateCode),
                .datetime(r.nodeSince),
                .datetime(
                    sla.due(start: r.startTime.map(Self.date), processCode: r.templateCode).map(
                        StatsOptions.milliseconds))
            ]
            let sources = extras.sources(for: r.templateCode)
            return fixed
                + extras.columns.map { column -> StatsCell in
                    .text(sources[column].flatMap { r.formValues[$0] }.map(FormValueRenderer.columnValue) ?? "")
                }
        }
        return Table(name: "审批实例", columns: columns, rows: cells)
    }

    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// The action table.
    public static func actionTable(_ rows: [MirrorActionRow], config: Config, headers: Headers = .names) -> Table {
        let naming = FieldNaming(config.feishu.fieldNames)
        return Table(
            name: "审批动作",
            columns: ActionTableColumn.allCases.map { header($0.rawValue, naming: naming, headers: headers) },
            rows: rows.map { r in
                [
                    .text("\(r.instanceId)#\(r.seq)"), .text(r.instanceId), .integer(r.seq), .text(r.nodeName),
                    .text(r.approver),
                    .text(r.action), .datetime(r.actionTime), .text(r.comment)
                ]
            })
    }

    /// The detail-line table (SPEC 4.7): canonical columns, then one per mapped detail sub-field.
    public static func detailTable(_ rows: [MirrorDetailRow], config: Config) -> Table {
        let naming = FieldNaming(config.feishu.fieldNames)
        // the same columns, in the same order, as DataProcessor writes to Bitable
        let extras = DataProcessor(options: ProcessorOptions(mapping: config.mapping)).detailColumns
        let columns =
            DetailTableColumn.allCases.map { naming.column($0.rawValue) } + extras.columns.map { naming.column($0) }
        return Table(
            name: "审批明细", columns: columns,
            rows: rows.map { r in
                let sources = extras.sources(for: r.templateCode)
                let fixed: [StatsCell] = [
                    .text(r.key), .text(r.instanceId), .text(r.templateCode), .text(r.tableField), .integer(r.row),
                    .amount(r.amount), .text(r.lineData)
                ]
                return fixed
                    + extras.columns.map { column -> StatsCell in .text(sources[column].flatMap(r.value(of:)) ?? "") }
            })
    }

    /// Writes the tables to `path` (.csv or .xlsx by its extension). CSV with actions or details
    /// writes them to more files next to `path`, `NAME-actions.csv` and `NAME-details.csv`.
    public static func write(main: Table, actions: Table?, details: Table? = nil, to path: String, timeZone: TimeZone)
        throws -> Result
    {
        var files = [path]
        let tables = [main] + (actions.map { [$0] } ?? []) + (details.map { [$0] } ?? [])
        if path.lowercased().hasSuffix(".xlsx") {
            for table in tables where table.rows.count >= XlsxWorkbook.maximumRow {
                throw StatsError.tooManyRows(path: path, rows: table.rows.count)
            }
            let book = try XlsxWorkbook(path: path, timeZone: timeZone)
            for table in tables { try writeSheet(table, book: book) }
            try book.close()
        } else {
            try writeCSV(main, to: path, timeZone: timeZone)
            let url = URL(fileURLWithPath: path)
            for (table, suffix) in [(actions, "actions"), (details, "details")] {
                guard let table else { continue }
                let other = url.deletingPathExtension().path + "-\(suffix)." + url.pathExtension
                try writeCSV(table, to: other, timeZone: timeZone)
                files.append(other)
            }
        }
        return Result(
            files: files, mainRows: main.rows.count, actionRows: actions?.rows.count, detailRows: details?.rows.count)
    }

    /// The CSV text of a table: BOM, header, one line per row; empty values are empty fields.
    public static func csv(_ table: Table, timeZone: TimeZone) -> String {
        var out = CSVText.byteOrderMark + CSVText.line(table.columns)
        for row in table.rows { out += CSVText.line(row.map { exportText($0, timeZone: timeZone) }) }
        return out
    }

    static func exportText(_ cell: StatsCell, timeZone: TimeZone) -> String {
        switch cell {
        case .datetime(let value): return value.map { StatsTime.text($0, timeZone: timeZone, seconds: true) } ?? ""
        case .amount(nil), .number(nil, _), .percent(nil): return ""
        default: return cell.text(timeZone: timeZone)
        }
    }

    static func writeCSV(_ table: Table, to path: String, timeZone: TimeZone) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
        do {
            try Data(csv(table, timeZone: timeZone).utf8).write(to: temporary)
            chmod(temporary.path, 0o600)  // names and form contents: owner only
            if FileManager.default.fileExists(atPath: path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: temporary)
            } else {
                try FileManager.default.moveItem(at: temporary, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StatsError.cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    static func writeSheet(_ table: Table, book: XlsxWorkbook) throws {
        let sheet = try book.addSheet(table.name)
        var widths = table.columns.map { StatsFormatter.displayWidth($0) }
        for (column, name) in table.columns.enumerated() { book.write(sheet, 0, column, text: name, style: .header) }
        for (index, row) in table.rows.enumerated() {
            for (column, cell) in row.enumerated() {
                book.write(sheet, index + 1, column, cell: cell, blankMissing: true)
                if index < 500, column < widths.count {
                    let shown =
                        exportText(cell, timeZone: book.timeZone).split(separator: "\n").map {
                            StatsFormatter.displayWidth(String($0))
                        }.max() ?? 0
                    widths[column] = max(widths[column], shown)
                }
            }
        }
        worksheet_freeze_panes(sheet, 1, 0)
        if !table.columns.isEmpty {
            book.record(
                worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rows.count), lxw_col_t(table.columns.count - 1)))
        }
        for (column, width) in widths.enumerated() {
            book.record(
                worksheet_set_column(
                    sheet, lxw_col_t(column), lxw_col_t(column), Double(min(max(width + 2, 8), 60)), nil))
        }
    }
}
