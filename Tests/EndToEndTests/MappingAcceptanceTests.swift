import Foundation
import Testing

/// A second, independent reading of SPEC section 4, applied to the sandbox's raw legacy
/// rendering of every instance and compared with the rows dingsync wrote, field by field.
@Suite(.serialized) struct MappingAcceptanceTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// `yyyy-MM-dd HH:mm:ss` Beijing wall time → epoch ms.
    static func ms(_ text: String?) -> Int64? {
        guard let text, text.count == 19 else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = shanghai
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    static func action(_ type: String, _ result: String) -> String {
        switch (type, result) {
        case ("EXECUTE_TASK_NORMAL", "AGREE"): return "同意"
        case ("EXECUTE_TASK_NORMAL", "REFUSE"): return "拒绝"
        case ("EXECUTE_TASK_NORMAL", _): return "已处理"
        case ("EXECUTE_TASK_AGENT", "AGREE"): return "代同意"
        case ("EXECUTE_TASK_AGENT", "REFUSE"): return "代拒绝"
        case ("EXECUTE_TASK_AGENT", _): return "代处理"
        case ("EXECUTE_TASK_AUTO", "AGREE"): return "自动同意"
        case ("EXECUTE_TASK_AUTO", _): return "自动处理"
        case ("APPEND_TASK_BEFORE", _): return "前加签"
        case ("APPEND_TASK_AFTER", _): return "后加签"
        case ("REDIRECT_TASK", _): return "转交"
        case ("START_PROCESS_INSTANCE", _): return "发起"
        case ("TERMINATE_PROCESS_INSTANCE", _): return "终止"
        case ("FINISH_PROCESS_INSTANCE", _): return "完成"
        case ("ADD_REMARK", _): return "评论"
        case ("REDIRECT_PROCESS", _): return "退回"
        case ("PROCESS_CC", _): return "抄送"
        default: return type
        }
    }

    @Test(arguments: ["new", "legacy"])
    func everyRowMatchesAnIndependentReadingOfSpec4(family: String) throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "5", "--config-api", family])
        let run = try sandbox.dingsync(["--init"])
        #expect(run.status == 0, "\(run.stderr)")
        let users = Dictionary(
            ((try sandbox.admin("GET", "users"))["users"] as? [[String: Any]] ?? [])
                .compactMap { u in (u["userid"] as? String).map { ($0, u["name"] as? String ?? "") } },
            uniquingKeysWith: { a, _ in a })
        let orgName = (sandbox.info["dingtalk"] as? [String: Any])?["org_name"] as? String ?? ""
        let main = Dictionary(
            try sandbox.rows(sandbox.mainTable).map { ($0.fields["instance_id"] as? String ?? "", $0.fields) },
            uniquingKeysWith: { a, _ in a })
        let actions = Dictionary(
            grouping: try sandbox.rows(sandbox.actionTable).map(\.fields), by: { $0["instance_id"] as? String ?? "" })
        let tolerance: Int64 = family == "new" ? 60_000 : 0  // new-API times carry minutes only
        func close(_ a: Any?, _ b: Int64?, _ what: String, _ id: String) {
            let got = (a as? NSNumber)?.int64Value
            if let b, let got {
                #expect(abs(got - b) <= tolerance, "\(id) \(what): \(got) vs \(b)")
            } else {
                #expect(got == nil && b == nil, "\(id) \(what): \(String(describing: got)) vs \(String(describing: b))")
            }
        }
        for summary in try sandbox.instances() {
            let id = try #require(summary["id"] as? String)
            let raw = try #require(try sandbox.admin("GET", "instances/\(id)")["legacy"] as? [String: Any])
            let row = try #require(main[id], "no row for \(id)")
            #expect(row["title"] as? String == raw["title"] as? String, "\(id) title")
            #expect(row["business_id"] as? String == raw["business_id"] as? String)
            #expect(row["template_code"] as? String == summary["process_code"] as? String)
            let originator = raw["originator_userid"] as? String ?? ""
            #expect(row["applicant"] as? String == (users[originator] ?? originator), "\(id) applicant")
            let dept = raw["originator_dept_id"] as? String == "-1" ? orgName : raw["originator_dept_name"] as? String
            #expect(row["applicant_dept"] as? String == dept, "\(id) applicant_dept")
            let start = Self.ms(raw["create_time"] as? String)
            let end = Self.ms(raw["finish_time"] as? String)
            close(row["start_time"], start, "start_time", id)
            close(row["end_time"], end, "end_time", id)
            if let s = (row["start_time"] as? NSNumber)?.doubleValue,
                let e = (row["end_time"] as? NSNumber)?.doubleValue
            {
                // in whole milliseconds, rounded half up (a tie such as 0.125 h is exact there, not in doubles)
                let hours = Double((Int64(e - s) + 18_000) / 36_000) / 100
                #expect(
                    abs(((row["duration_hours"] as? NSNumber)?.doubleValue ?? -1) - hours) < 0.0051,
                    "\(id) duration_hours")
            } else {
                #expect(row["duration_hours"] == nil, "\(id) duration while running")
            }
            let records = (raw["operation_records"] as? [[String: Any]] ?? [])
                .enumerated().sorted {
                    (Self.ms($0.element["date"] as? String) ?? 0, $0.offset) < (
                        Self.ms($1.element["date"] as? String) ?? 0, $1.offset
                    )
                }
                .map(\.element)
            if let last = records.last {
                #expect(
                    row["last_action"] as? String
                        == Self.action(
                            last["operation_type"] as? String ?? "", last["operation_result"] as? String ?? ""),
                    "\(id) last_action")
                close(row["last_action_time"], Self.ms(last["date"] as? String), "last_action_time", id)
            }
            let chain = records.filter { ($0["operation_type"] as? String ?? "").hasPrefix("EXECUTE_TASK_") }
                .map { users[$0["userid"] as? String ?? ""] ?? ($0["userid"] as? String ?? "") }.joined(
                    separator: " → ")
            #expect((row["approver_chain"] as? String ?? "") == chain, "\(id) approver_chain")
            let rows = (actions[id] ?? []).sorted {
                (($0["seq"] as? NSNumber)?.intValue ?? 0) < (($1["seq"] as? NSNumber)?.intValue ?? 0)
            }
            #expect(rows.count == records.count, "\(id) action rows")
            for (index, (actionRow, record)) in zip(rows, records).enumerated() {
                #expect((actionRow["seq"] as? NSNumber)?.intValue == index + 1)
                #expect(actionRow["action_key"] as? String == "\(id)#\(index + 1)")
                #expect(
                    actionRow["action"] as? String
                        == Self.action(
                            record["operation_type"] as? String ?? "", record["operation_result"] as? String ?? ""),
                    "\(id)#\(index + 1) action")
                #expect(
                    actionRow["approver"] as? String
                        == (users[record["userid"] as? String ?? ""] ?? record["userid"] as? String),
                    "\(id)#\(index + 1) approver")
                #expect(
                    (actionRow["comment"] as? String ?? "") == (record["remark"] as? String ?? ""),
                    "\(id)#\(index + 1) comment")
                close(actionRow["action_time"], Self.ms(record["date"] as? String), "action_time", "\(id)#\(index + 1)")
            }
        }
    }
}
