import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// One line of `dingsync doctor`: what was checked, how it went, and the fix.
public struct DoctorCheck: Sendable, Equatable {
    public enum Status: String, Sendable, Comparable {
        case ok, warn, fail

        var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }
        public static func < (l: Status, r: Status) -> Bool { l.rank < r.rank }
    }

    public var name: String
    public var status: Status
    /// What was found ("PROC-A readable, 3 instance(s) in the last 10 min").
    public var detail: String
    /// What to do (empty when ok).
    public var fix: String

    public init(_ name: String, _ status: Status, _ detail: String, fix: String = "") {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    public static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name, .ok, detail) }
    public static func warn(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name, .warn, detail, fix: fix)
    }
    public static func fail(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name, .fail, detail, fix: fix)
    }

    /// A failed API call as a check line: its code and message as the detail, its hint as the fix.
    public static func from(_ error: Error, name: String, status: Status = .fail, fallbackFix: String) -> DoctorCheck {
        if let api = error as? APIError {
            let detail =
                "\(api.platform.rawValue) \(api.api): \(api.code)\(api.message.isEmpty ? "" : " \(api.message)")"
            return DoctorCheck(name, status, detail, fix: api.hint.isEmpty ? fallbackFix : api.hint)
        }
        let text = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        return DoctorCheck(name, status, text, fix: fallbackFix)
    }
}

/// Every check of one `dingsync doctor` run, its screen and its exit code.
public struct DoctorReport: Sendable, Equatable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// 0 when every check passed, 1 when some warned, 2 when any failed.
    public var exitStatus: ExitStatus {
        switch checks.map(\.status).max() ?? .ok {
        case .ok: return .success
        case .warn: return .partial
        case .fail: return .failed
        }
    }

    /// One line per check: `status  name  detail → fix`, then a count line.
    public var text: String {
        let width = min(30, checks.map(\.name.count).max() ?? 0)
        var lines = checks.map { check -> String in
            let status = check.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
            let name =
                check.name.count >= width
                ? check.name : check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let fix = check.fix.isEmpty || check.status == .ok ? "" : " → \(check.fix)"
            return "\(status) \(name)  \(check.detail)\(fix)"
        }
        let count = { (s: DoctorCheck.Status) in checks.filter { $0.status == s }.count }
        lines.append("")
        lines.append(
            "doctor: \(count(.ok)) ok · \(count(.warn)) warning(s) · \(count(.fail)) failure(s) → exit \(exitStatus.rawValue)"
        )
        return lines.joined(separator: "\n")
    }
}
