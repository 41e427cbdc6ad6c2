import DingSyncBasics
import DingSyncProcessing
import Foundation

/// A call to DingTalk or Feishu that failed for good, in words an operator can act on.
public struct APIError: OperatorFacingError, Equatable {
    public enum Platform: String, Sendable {
        case dingtalk = "DingTalk"
        case feishu = "Feishu"
    }

    public var platform: Platform
    /// The API's short name (`listids`, `processinstance/get`, `records/batch_create`, …).
    public var api: String
    /// The platform's error code (`60011`, `Forbidden.AccessDenied.IpNotInWhiteList`, `1254045`), or `HTTP 503`, or `transport`.
    public var code: String
    public var message: String
    /// What to do about it.
    public var hint: String
    public var kind: FailureKind
    /// What the failure concerns, decided by the platform's classifier: the whole run
    /// (credentials, permission, schema, quota) or this one call (and its instance).
    public var scope: Scope
    /// The failures some caller decides on, by type rather than by the code's text.
    public var condition: Condition
    public var httpStatus: Int?

    /// What a failure concerns.
    public enum Scope: Sendable, Equatable {
        /// Nothing can work until the operator fixes something: the run stops (exit 2).
        case run
        /// This call or instance only: recorded, retried next run.
        case call
    }

    /// Failures that change what a caller does next.
    public enum Condition: Sendable, Equatable {
        /// Feishu 1254043: a record id of the call no longer exists (deleted in Bitable).
        case recordIdNotFound
        /// Feishu 1254130: one row's cell is too large; the other rows can be written without it.
        case cellTooLarge
        /// Feishu 1254104 (too many records in one call) or 1254002 after its retries (reference
        /// §5: "retry once with smaller batch"): the rows go again in halves.
        case batchTooLarge
        /// Feishu 1254030 (TooLargeResponse, reference §5: "shrink page_size/field_names"): the page
        /// asked for is too large to send; a smaller page may pass.
        case responseTooLarge
        /// DingTalk refused a parameter (`invalid…` codes, 400002): a fallback may avoid it.
        case invalidParameter
        /// No HTTP answer at all: connection refused, DNS, TLS.
        case unreachable
        /// No complete answer in time.
        case timeout
        case other
    }

    public init(
        platform: Platform, api: String, code: String, message: String, hint: String = "", kind: FailureKind,
        scope: Scope = .call, condition: Condition = .other, httpStatus: Int? = nil
    ) {
        self.platform = platform
        self.api = api
        self.code = code
        self.message = message
        self.hint = hint
        self.kind = kind
        self.scope = scope
        self.condition = condition
        self.httpStatus = httpStatus
    }

    public var exitStatus: ExitStatus { .failed }

    public var errorDescription: String? {
        var text = "\(platform.rawValue) \(api) failed: \(code)"
        if !message.isEmpty { text += " \(message)" }
        if !hint.isEmpty { text += ". \(hint)" }
        return text
    }

    /// Feishu 1254043 RecordIdNotFound: a record id of the call no longer exists (deleted in Bitable).
    public var isRecordIdNotFound: Bool { condition == .recordIdNotFound }

    /// Feishu refused the call because of one row's content (1254130 TooLargeCell), not the
    /// table or the request: the other rows of the call can be written without it.
    public var isRowSpecific: Bool { condition == .cellTooLarge }

    /// True for errors that stop the whole run (credentials, permission, schema, quota),
    /// false for those that concern one instance or one call (retried next run).
    public var stopsRun: Bool { scope == .run }

    /// No answer at all, or none in time (counted apart: the fix is the network, not the rate).
    public var isUnreachable: Bool { condition == .unreachable || condition == .timeout }
}
