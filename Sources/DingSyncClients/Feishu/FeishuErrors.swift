import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Turns Feishu answers into `APIError`s with the fix (reference §5). Decides on the body
/// `code`, never on the HTTP status alone.
enum FeishuErrors {
    /// Returns nil for success (`code == 0`).
    static func classify(_ response: HTTPResponse, api: String, table: String? = nil) -> APIError? {
        guard let body = JSON.parseObject(response.body) else {
            if response.status == 429 {
                return APIError(
                    platform: .feishu, api: api, code: "HTTP 429", message: "rate limited",
                    kind: .throttled(hint: resetHint(response)), httpStatus: 429)
            }
            let kind: FailureKind = response.status >= 500 || response.status == 0 ? .transient : .fatal
            return APIError(
                platform: .feishu, api: api, code: "HTTP \(response.status)", message: "answer is not JSON", kind: kind,
                httpStatus: response.status)
        }
        guard let code = body.int("code") else {
            if (200..<300).contains(response.status) { return nil }
            return APIError(
                platform: .feishu, api: api, code: "HTTP \(response.status)", message: "no code in the answer",
                kind: response.status >= 500 ? .transient : .fatal, httpStatus: response.status)
        }
        if code == 0 { return nil }
        var message = body.string("msg") ?? ""
        if let log = response.headers["x-tt-logid"] { message += " (log id \(log))" }
        let (kind, hint) = meaning(code, response: response, api: api, table: table)
        let condition: APIError.Condition =
            switch code {
            case 1_254_043: .recordIdNotFound
            case 1_254_130: .cellTooLarge
            case 1_254_104, 1_254_002: .batchTooLarge
            case 1_254_030: .responseTooLarge
            default: .other
            }
        // a fatal answer with a fix concerns the run (credentials, permission, base, table, fields, quota);
        // a missing record or an oversized cell concerns its rows only
        let scope: APIError.Scope = kind == .fatal && !hint.isEmpty && condition == .other ? .run : .call
        return APIError(
            platform: .feishu, api: api, code: "\(code)", message: message, hint: hint, kind: kind, scope: scope,
            condition: condition, httpStatus: response.status)
    }

    static func resetHint(_ response: HTTPResponse) -> TimeInterval? {
        response.headers["x-ogw-ratelimit-reset"].flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
    }

    static func meaning(_ code: Int64, response: HTTPResponse, api: String, table: String?) -> (FailureKind, String) {
        let tableText = table.map { "table \($0)" } ?? "the table"
        switch code {
        case 99_991_663, 99_991_664, 99_991_671:
            return (.invalidToken, "")
        case 99_991_400, 1_254_290:
            return (.throttled(hint: resetHint(response)), "")
        case 1_254_291, 1_254_607:
            return (.conflict, "")
        case 1_254_608:
            return (.throttled(hint: 1), "")
        case 1_255_001, 1_255_002, 1_255_005, 1_254_036, 1_255_040, 1_254_002, 11232:
            return (.transient, "")
        case 10014, 10003:
            return (.fatal, "check feishu.app_id and feishu.app_secret (飞书开放平台 → 凭证与基础信息)")
        case 99_991_661:
            return (.fatal, "the token was not sent; this is a bug in dingsync, please report it")
        case 99_991_672:
            return (
                .fatal,
                "the Feishu app lacks a permission scope: grant bitable:app (查看、评论、编辑和管理多维表格) in the developer console and publish a new version"
            )
        case 99_991_403:
            return (.fatal, "the tenant's monthly Feishu API quota is used up; calls work again next month")
        case 1_254_302, 1_254_304, 1_254_301:
            return (
                .fatal,
                "the app cannot edit this base: add the app to the base (多维表格 → … → 更多 → 添加文档应用) with edit permission"
            )
        case 1_254_003, 1_254_040:
            return (.fatal, "feishu.app_token does not name a base this app can see; check the id in the base's URL")
        case 1_254_004, 1_254_041:
            return (
                .fatal,
                "\(tableText) is not in the base: check feishu.tables, or run `dingsync setup` to create the tables"
            )
        case 1_254_045, 1_254_024:
            return (
                .fatal,
                "a field is missing in \(tableText) (or is named differently): run `dingsync setup`, or fix feishu.field_names"
            )
        case 1_254_015, 1_254_060...1_254_074:
            return (
                .fatal,
                "a field of \(tableText) has the wrong type for its value: run `dingsync setup` to see which, and change the column's type in Bitable"
            )
        case 1_254_103:
            return (.fatal, "\(tableText) is full (row limit reached): archive old rows or move to a new table")
        case 1_254_104:
            return (.fatal, "Feishu refused the number of records in one call: lower sync.batch_size (e.g. 500)")
        case 1_254_000, 1_254_001:
            return (.fatal, "the request was refused as malformed; this is a bug in dingsync, please report it")
        case 1_254_043:
            return (
                .fatal,
                "a record of \(tableText) was deleted in Bitable while dingsync wrote to it; run again (deleted rows are "
                    + "looked up by key and recreated) or run `dingsync --full-check` to repair the table"
            )
        case 1_254_030:
            return (
                .fatal,
                "Feishu would not send \(tableText)'s rows even \(FeishuClient.minSearchPage) to a page (TooLargeResponse): "
                    + "its rows hold very large cells; shorten the largest texts in Bitable (long comments, forms) and run again"
            )
        case 1_254_130:
            return (
                .fatal,
                "a cell is larger than Feishu allows (text ≤ 100,000 characters); the instance is retried next run"
            )
        default:
            return (.fatal, "")
        }
    }
}
