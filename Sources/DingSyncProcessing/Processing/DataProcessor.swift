import DingSyncBasics
import Foundation

/// Maps one DingTalk instance to its Bitable rows exactly as SPEC 4 says. Pure and
/// synchronous: no I/O, no clock (the caller passes `syncedAt`), no shared state.
public struct DataProcessor: Sendable {
    /// The options the processor was built with.
    public let options: ProcessorOptions
    /// The status mapping (SPEC 4.3 + `mapping.status`).
    public let statusMapping: StatusMapping
    /// The action mapping (SPEC 4.4 + `mapping.actions`).
    public let actionMapping: ActionMapping
    /// The main table's `mapping.form_fields` (and `mapping.templates.*.form_fields`) columns.
    public let formColumns: MappedColumns
    /// The detail table's `mapping.detail_fields` (and `mapping.templates.*.detail_fields`) columns.
    public let detailColumns: MappedColumns
    /// Problems with the options themselves (a mapped column that clashes with a built-in or
    /// another extra column); report them once per run.
    public let configurationWarnings: [String]

    /// Creates a processor; overrides are parsed once, here.
    public init(options: ProcessorOptions = ProcessorOptions()) {
        self.options = options
        statusMapping = StatusMapping(overrides: options.statusOverrides)
        actionMapping = ActionMapping(overrides: options.actionOverrides)
        let form = MappedColumns.resolve(
            global: options.formFields, templates: options.templates.mapValues(\.formFields),
            builtIn: Set(MainTableColumn.allCases.map(\.rawValue)), key: "mapping.form_fields")
        let detail = MappedColumns.resolve(
            global: options.detailFields, templates: options.templates.mapValues(\.detailFields),
            builtIn: Set(DetailTableColumn.allCases.map(\.rawValue)), key: "mapping.detail_fields")
        (formColumns, detailColumns) = (form.0, detail.0)
        configurationWarnings = form.1 + detail.1
    }

    /// The main row, the action rows and the warnings for `detail`.
    public func process(_ detail: InstanceDetail, names: NameLookup, syncedAt: Date) -> ProcessedInstance {
        var warnings: [String] = []
        let records = Self.timeOrdered(detail.operationRecords)
        let main = CellLimit.cap(
            mainRow(detail, records: records, names: names, syncedAt: syncedAt, warnings: &warnings),
            warnings: &warnings)
        let actions = actionRows(detail, records: records, names: names).map { CellLimit.cap($0, warnings: &warnings) }
        if !statusMapping.isKnown(status: detail.status, result: detail.result) {
            warnings.append(
                "instance \(detail.instanceId): unknown status \"\(detail.status)\""
                    + (detail.result.isEmpty ? "" : " with result \"\(detail.result)\"")
                    + " shown as is; add it to mapping.status to name it")
        }
        var seenTypes: Set<String> = []
        for record in records
        where !actionMapping.isKnown(type: record.type, result: record.result)
            && seenTypes.insert(record.type).inserted
        {
            warnings.append(
                "instance \(detail.instanceId): unknown operation type \"\(record.type)\" "
                    + "shown as is; add it to mapping.actions to name it")
        }
        let lines = detailLines(detail, warnings: &warnings)
        let details = lines.map { CellLimit.cap(detailRow($0), warnings: &warnings) }
        return ProcessedInstance(main: main, actions: actions, details: details, detailLines: lines, warnings: warnings)
    }

    private func mainRow(
        _ detail: InstanceDetail, records: [InstanceDetail.OperationRecord], names: NameLookup,
        syncedAt: Date, warnings: inout [String]
    ) -> BitableRow {
        let isFinal = detail.isFinal
        let last = records.last
        var fields: [BitableField] = []
        func add(_ column: MainTableColumn, _ value: FieldValue) {
            fields.append(BitableField(name: column.rawValue, value: value))
        }
        add(.instanceId, .textOrEmpty(detail.instanceId))
        add(.businessId, .textOrEmpty(detail.businessId))
        add(.templateCode, .textOrEmpty(detail.processCode))
        add(.title, .textOrEmpty(detail.title))
        add(.status, .textOrEmpty(statusMapping.text(status: detail.status, result: detail.result)))
        add(.applicant, .textOrEmpty(names.userName(detail.originatorUserId)))
        add(.applicantDept, .textOrEmpty(departmentName(detail, names: names)))
        add(.amount, amount(detail, warnings: &warnings))
        add(.startTime, .date(detail.createTime))
        add(.endTime, isFinal ? .date(detail.finishTime) : .empty)
        add(.durationHours, isFinal ? Self.durationHours(from: detail.createTime, to: detail.finishTime) : .empty)
        add(.currentNode, isFinal ? .empty : .textOrEmpty(currentNode(detail, names: names)))
        add(.lastAction, last.map { .textOrEmpty(actionMapping.text(type: $0.type, result: $0.result)) } ?? .empty)
        add(.lastActionTime, .date(last?.date))
        add(
            .approverChain,
            .textOrEmpty(
                records
                    .filter { $0.type.uppercased().hasPrefix("EXECUTE_TASK_") }
                    .map { names.userName($0.userId) }
                    .joined(separator: " → ")))
        add(.formData, .textOrEmpty(FormValueRenderer.formData(detail.formValues)))
        add(.syncedAt, .date(syncedAt))
        add(.templateName, .textOrEmpty(names.templateName(detail.processCode)))
        add(.nodeSince, isFinal ? .empty : .date(Self.nodeSince(detail)))
        add(.slaDue, .date(options.sla.due(start: detail.createTime, processCode: detail.processCode)))
        fields += extraColumnFields(detail)
        return BitableRow(key: detail.instanceId, fields: fields)
    }

    /// `node_since`: the earliest creation time of the instance's RUNNING tasks (when it reached
    /// the node it waits at); nil when no running task has one.
    static func nodeSince(_ detail: InstanceDetail) -> Date? {
        detail.tasks.filter { $0.status.uppercased() == "RUNNING" }.compactMap(\.createTime).min()
    }

    /// `applicant_dept`: the instance's dept name; for root `-1` the lookup's name of dept `1`,
    /// else ``ProcessorOptions/rootDeptName``; for an instance without a name, the lookup's.
    private func departmentName(_ detail: InstanceDetail, names: NameLookup) -> String {
        let deptId = detail.originatorDeptId.trimmingCharacters(in: .whitespaces)
        if deptId == "-1" {
            return names.departmentName("1") ?? options.rootDeptName
        }
        let given = detail.originatorDeptName.trimmingCharacters(in: .whitespaces)
        return given.isEmpty ? (names.departmentName(deptId) ?? "") : detail.originatorDeptName
    }

    private func amount(_ detail: InstanceDetail, warnings: inout [String]) -> FieldValue {
        let amountFields = options.amountFields(for: detail.processCode)
        switch AmountExtractor.extract(from: detail.formValues, amountFields: amountFields) {
        case .noField:
            return .empty
        case .amount(let value, _):
            return .number(value)
        case .unreadable(let fieldName, let rawValue):
            warnings.append(
                "instance \(detail.instanceId): amount field \"\(fieldName)\" has value "
                    + "\"\(rawValue)\", which is not a number; amount left empty")
            return .empty
        }
    }

    /// (end − start) in hours, rounded half away from zero to 2 decimals; empty when either
    /// time is missing.
    static func durationHours(from start: Date?, to end: Date?) -> FieldValue {
        guard let start, let end else { return .empty }
        let milliseconds = DingTalkTime.epochMilliseconds(end) - DingTalkTime.epochMilliseconds(start)
        let magnitude = milliseconds.magnitude
        let hundredths = (magnitude + 18_000) / 36_000
        return .number(
            Decimal(
                sign: milliseconds < 0 ? .minus : .plus, exponent: -2,
                significand: Decimal(hundredths)))
    }

    /// One text column per ``formColumns`` column: the display value of the form field the
    /// instance's template maps to it, `.empty` when it maps none or the form has no such field.
    private func extraColumnFields(_ detail: InstanceDetail) -> [BitableField] {
        formColumns.fields(for: detail.processCode) { name in
            detail.formValues.first { $0.name.trimmingCharacters(in: .whitespaces) == name }
                .map(FormValueRenderer.columnValue)
        }
    }
}
