/// The admin routes into the simulated worlds: instances (DingTalk) and table rows (Bitable).
///
/// Checks come in the order the answers promise: the instance, table or record first (404),
/// then the action and method, then the body.
extension AdminAPI {
    // MARK: /__admin/instances

    func instances(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        let m = request.method
        let dingtalk = parts.dingtalk
        if p.count == 1 {
            if m == "GET" {
                let items = dingtalk.instanceSummaries(
                    code: request.query("process_code"), status: request.query("status"))
                return .json(.object([("total", .int(items.count)), ("instances", .array(items))]))
            }
            guard m == "POST" else { throw AdminError("use GET or POST", status: 405) }
            let spec = try body(request)
            return ok([("instances", .array(try dingtalk.createInstances(spec, now: parts.clock.nowMs())))])
        }
        let id = p[1]
        guard dingtalk.hasInstance(id) else { throw AdminError("instance \(id) not found", status: 404) }
        if p.count == 2, m == "GET" {
            return .json(try dingtalk.instanceDetail(id, beijing: parts.settings.current.newAPITimes == .beijing))
        }
        guard p.count == 3, m == "POST" else { throw AdminError("unknown instance action", status: 404) }
        let spec = try body(request)
        let summary = try dingtalk.changeInstance(id, action: p[2], body: spec, now: parts.clock.nowMs())
        return ok([("instance", summary)])
    }

    // MARK: /__admin/tables

    func tables(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        let m = request.method
        let bitable = parts.bitable
        if p.count == 1 {
            guard m == "GET" else { throw AdminError("use GET", status: 405) }
            return .json(bitable.adminTablesJSON())
        }
        let table = p[1]
        guard bitable.adminHasTable(table) else { throw AdminError("table \(table) not found", status: 404) }
        guard p.count >= 3, p[2] == "records" else {
            throw AdminError("use /__admin/tables/TABLE/records", status: 404)
        }
        let now = parts.clock.nowMs()
        if p.count == 3 {
            switch m {
            case "GET":
                return .json(try bitable.adminRecords(table: table))
            case "POST":
                return ok([("record", try bitable.adminAddRecord(table: table, body: try body(request), now: now))])
            case "DELETE":
                try bitable.adminClearTable(table)
                return ok()
            default: throw AdminError("use GET, POST or DELETE", status: 405)
            }
        }
        let recordId = p[3]
        guard bitable.adminHasRecord(table: table, id: recordId) else {
            throw AdminError("record \(recordId) not found", status: 404)
        }
        if p.count == 5, p[4] == "duplicate", m == "POST" {
            return ok([("record", try bitable.adminDuplicateRecord(table: table, id: recordId, now: now))])
        }
        guard p.count == 4 else { throw AdminError("unknown record action", status: 404) }
        switch m {
        case "GET":
            return .json(try bitable.adminRecord(table: table, id: recordId))
        case "PATCH", "PUT", "POST":
            return ok([
                ("record", try bitable.adminEditRecord(table: table, id: recordId, body: try body(request), now: now))
            ])
        case "DELETE":
            try bitable.adminDeleteRecord(table: table, id: recordId)
            return ok()
        default:
            throw AdminError("use GET, PATCH or DELETE", status: 405)
        }
    }
}
