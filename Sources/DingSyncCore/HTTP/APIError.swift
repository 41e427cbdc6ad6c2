import Foundation

/// A call to DingTalk or Feishu that failed for good, in words an operator can act on.
public struct APIError: OperatorFacingError, Equatable {
    public enum Platform: String, Sendable { case dingtalk = "DingTalk", feishu = "Feishu" }

    public var platform: Platform
    /// The API's short name (`listids`, `processinstance/get`, `records/batch_create`, …).
    public var api: String
    /// The platform's error code (`60011`, `Forbidden.AccessDenied.IpNotInWhiteList`, `1254045`), or `HTTP 503`, or `transport`.
    public var code: String
    public var message: String
    /// What to do about it.
    public var hint: String
    public var kind: FailureKind
    public var httpStatus: Int?

    public init(platform: Platform, api: String, code: String, message: String, hint: String = "", kind: FailureKind, httpStatus: Int? = nil) {
        self.platform = platform
        self.api = api
        self.code = code
        self.message = message
        self.hint = hint
        self.kind = kind
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
    public var isRecordIdNotFound: Bool { platform == .feishu && code == "1254043" }

    /// Feishu refused the call because of one row's content (1254130 TooLargeCell), not the
    /// table or the request: the other rows of the call can be written without it.
    public var isRowSpecific: Bool { platform == .feishu && code == "1254130" }

    /// True for errors that stop the whole run (credentials, permission, schema, quota),
    /// false for those that concern one instance or one call (retried next run).
    public var stopsRun: Bool {
        kind == .fatal && !hint.isEmpty
    }
}
