import DingSyncBasics
import Foundation

/// Operation record type + result → the action text (SPEC 4.4), with `mapping.actions`
/// overrides.
///
/// Override keys are `TYPE` or `TYPE.RESULT` / `TYPE+RESULT` (case-insensitive). Lookup
/// order: the type+result override, the type override, the default, the raw type.
public struct ActionMapping: Sendable, Equatable {
    private let overrides: [OverrideKey: String]

    /// Creates a mapping with `mapping.actions` overrides.
    public init(overrides: [String: String] = [:]) {
        self.overrides = OverrideKey.table(overrides)
    }

    /// The action text for a record's raw `type` and `result`.
    public func text(type: String, result: String) -> String {
        let type = type.trimmingCharacters(in: .whitespaces)
        let result = result.trimmingCharacters(in: .whitespaces)
        if !result.isEmpty, let override = overrides[OverrideKey(name: type, result: result)] {
            return override
        }
        if let override = overrides[OverrideKey(name: type, result: nil)] {
            return override
        }
        return Self.defaultText(type: type, result: result) ?? type
    }

    /// Whether `type` has a default or an override (false: shown raw, worth a warning).
    public func isKnown(type: String, result: String) -> Bool {
        Self.defaultText(type: type, result: result) != nil
            || overrides[OverrideKey(name: type, result: nil)] != nil
            || overrides[OverrideKey(name: type, result: result)] != nil
    }

    /// SPEC 4.4's table; nil for an unknown type (shown raw).
    public static func defaultText(type: String, result: String) -> String? {
        let result = result.uppercased()
        switch type.uppercased() {
        case "EXECUTE_TASK_NORMAL":
            return result == "AGREE" ? "同意" : result == "REFUSE" ? "拒绝" : "已处理"
        case "EXECUTE_TASK_AGENT":
            return result == "AGREE" ? "代同意" : result == "REFUSE" ? "代拒绝" : "代处理"
        case "EXECUTE_TASK_AUTO":
            return result == "AGREE" ? "自动同意" : "自动处理"
        case "APPEND_TASK_BEFORE": return "前加签"
        case "APPEND_TASK_AFTER": return "后加签"
        case "REDIRECT_TASK": return "转交"
        case "START_PROCESS_INSTANCE": return "发起"
        case "TERMINATE_PROCESS_INSTANCE": return "终止"
        case "FINISH_PROCESS_INSTANCE": return "完成"
        case "ADD_REMARK": return "评论"
        case "REDIRECT_PROCESS": return "退回"
        case "PROCESS_CC": return "抄送"
        default: return nil
        }
    }
}
