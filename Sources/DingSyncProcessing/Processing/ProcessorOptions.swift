import DingSyncBasics
import Foundation

/// What ``DataProcessor`` needs from the configuration (`mapping.*`, `sync.timezone`).
public struct ProcessorOptions: Sendable, Equatable {
    /// SPEC 3 `mapping.amount_fields`' default.
    public static let defaultAmountFields = ["金额", "报销金额", "合计金额", "总金额", "费用金额"]
    /// The name shown for the root department `-1` when the lookup has no name for dept `1`.
    public static let defaultRootDeptName = "根部门"

    /// `mapping.amount_fields`: form field names that hold the amount (SPEC 4.5).
    public var amountFields: [String]
    /// `mapping.form_fields`: form field name → extra main-table column name.
    public var formFields: [String: String]
    /// `mapping.detail_fields`: detail sub-field name → extra detail-table column name.
    public var detailFields: [String: String]
    /// `mapping.templates`: per process code, merged over the global mapping.
    public var templates: [String: TemplateMapping]
    /// `mapping.status`: keys `STATUS` or `STATUS.result` / `STATUS+result`; `FINISHED` and
    /// `REVOKED` mean `COMPLETED` and `TERMINATED` (see ``StatusMapping``).
    public var statusOverrides: [String: String]
    /// `mapping.actions`: keys `TYPE` or `TYPE.RESULT` / `TYPE+RESULT` (see ``ActionMapping``).
    public var actionOverrides: [String: String]
    /// `sync.timezone`. The mapping itself needs no zone (times arrive as dates and leave as
    /// epoch ms); it is carried for consumers that render times for people.
    public var timeZone: TimeZone
    /// The organisation's root department name, shown for `-1`.
    public var rootDeptName: String
    /// `sla.*`: the hours behind `sla_due`.
    public var sla: SLAPolicy

    /// Creates options; every parameter defaults to SPEC 3's default.
    public init(
        amountFields: [String] = ProcessorOptions.defaultAmountFields,
        formFields: [String: String] = [:],
        detailFields: [String: String] = [:],
        templates: [String: TemplateMapping] = [:],
        statusOverrides: [String: String] = [:],
        actionOverrides: [String: String] = [:],
        timeZone: TimeZone = DingTalkTime.defaultTimeZone,
        rootDeptName: String = ProcessorOptions.defaultRootDeptName,
        sla: SLAPolicy = .none
    ) {
        self.amountFields = amountFields
        self.formFields = formFields
        self.detailFields = detailFields
        self.templates = templates
        self.statusOverrides = statusOverrides
        self.actionOverrides = actionOverrides
        self.timeZone = timeZone
        self.rootDeptName = rootDeptName
        self.sla = sla
    }
}

extension ProcessorOptions {
    /// The options of a configuration's `mapping` section and `sync.timezone`.
    public init(mapping: MappingConfig, timeZone: TimeZone = DingTalkTime.defaultTimeZone, sla: SLAPolicy = .none) {
        self.init(
            amountFields: mapping.amountFields, formFields: mapping.formFields, detailFields: mapping.detailFields,
            templates: mapping.templates, statusOverrides: mapping.status, actionOverrides: mapping.actions,
            timeZone: timeZone, sla: sla)
    }

    /// The amount fields of `code`'s instances: the template's list, else the global one.
    public func amountFields(for code: String) -> [String] {
        templates[code]?.amountFields ?? amountFields
    }
}
