import DingSyncBasics
import Foundation

/// Instance status + result → the `status` column text (SPEC 4.3), with `mapping.status`
/// overrides.
///
/// Defaults: `RUNNING`, `NEW` → 审批中; `COMPLETED` + `agree` → 已同意; `COMPLETED` + `refuse`
/// → 已拒绝; `TERMINATED` → 已撤销; `CANCELED` → 已取消; anything else → the raw status.
/// Override keys are `STATUS` or `STATUS.result` / `STATUS+result` (case-insensitive);
/// `FINISHED` means `COMPLETED` and `REVOKED` means `TERMINATED`. Lookup order: the
/// status+result override, the status override, the default, the raw status.
public struct StatusMapping: Sendable, Equatable {
    /// Legacy names accepted as override keys (SPEC 4.3).
    public static let aliases = ["FINISHED": "COMPLETED", "REVOKED": "TERMINATED"]

    private let overrides: [OverrideKey: String]

    /// Creates a mapping with `mapping.status` overrides.
    public init(overrides: [String: String] = [:]) {
        self.overrides = OverrideKey.table(overrides, aliases: Self.aliases)
    }

    /// The column text for an instance's raw `status` and `result`.
    public func text(status: String, result: String) -> String {
        let status = status.trimmingCharacters(in: .whitespaces)
        let result = result.trimmingCharacters(in: .whitespaces)
        if !result.isEmpty, let override = overrides[OverrideKey(name: status, result: result)] {
            return override
        }
        if let override = overrides[OverrideKey(name: status, result: nil)] {
            return override
        }
        return Self.defaultText(status: status, result: result) ?? status
    }

    /// Whether `status`/`result` has a default or an override (false: shown raw, worth a warning).
    public func isKnown(status: String, result: String) -> Bool {
        let status = status.trimmingCharacters(in: .whitespaces)
        let result = result.trimmingCharacters(in: .whitespaces)
        return Self.defaultText(status: status, result: result) != nil
            || overrides[OverrideKey(name: status, result: nil)] != nil
            || overrides[OverrideKey(name: status, result: result)] != nil
    }

    /// The (status, result) pairs of SPEC 4.3's table, in its order.
    public static let tableCases: [(status: String, result: String)] = [
        ("RUNNING", ""), ("NEW", ""), ("COMPLETED", "agree"), ("COMPLETED", "refuse"), ("TERMINATED", ""),
        ("CANCELED", "")
    ]

    /// One option per status of SPEC 4.3 with the overrides applied, in table order, each once:
    /// the options `setup` gives a new single-select `status` field. A text an override produces
    /// only for another status becomes an option the first time a sync writes it.
    public var optionNames: [String] {
        var seen = Set<String>()
        return Self.tableCases.map { text(status: $0.status, result: $0.result) }.filter { seen.insert($0).inserted }
    }

    /// The text of a running instance (`审批中` unless overridden): the filter of the `审批中` view.
    public var runningText: String { text(status: "RUNNING", result: "") }

    /// SPEC 4.3's table; nil where it says "the raw status".
    public static func defaultText(status: String, result: String) -> String? {
        switch (status.uppercased(), result.lowercased()) {
        case ("RUNNING", _), ("NEW", _): return "审批中"
        case ("COMPLETED", "agree"): return "已同意"
        case ("COMPLETED", "refuse"): return "已拒绝"
        case ("TERMINATED", _): return "已撤销"
        case ("CANCELED", _): return "已取消"
        default: return nil
        }
    }
}
