/// `/__admin/*`: inspect and change the sandbox between (or during) runs.
///
/// Routes each call and talks to the parts through their small methods; keeps no state of
/// its own. Admin calls are not counted and never occupy tables.
struct AdminAPI: Sendable {
    let parts: SandboxParts

    /// Answers one admin call; a refused one is `{"ok": false, "error": …}` with its status.
    func handle(_ request: SandboxRequest) -> SandboxResponse {
        do {
            return try route(request)
        } catch {
            return .json(.object([("ok", false), ("error", .string(error.message))]), status: error.status)
        }
    }

    /// `{"ok": true, …}`.
    func ok(_ pairs: [(String, JSONValue)] = []) -> SandboxResponse {
        .json(.object([("ok", true)] + pairs))
    }

    /// The request's JSON object (an empty body is `{}`).
    func body(_ request: SandboxRequest) throws(AdminError) -> JSONValue {
        if request.body.isEmpty { return .object([]) }
        guard let json = try? JSONValue.parse(request.body), json.objectPairs != nil else {
            throw AdminError("body must be a JSON object")
        }
        return json
    }

    private func route(_ request: SandboxRequest) throws(AdminError) -> SandboxResponse {
        let p = Array(request.path.split(separator: "/").map(String.init).dropFirst())  // drop "__admin"
        let m = request.method
        switch (m, p.first ?? "") {
        case ("GET", ""), ("GET", "help"):
            return .text(AdminHelp.text + "\n\n" + AdminHelp.stream + "\n", status: 200)
        case ("GET", "info"):
            return .json(info())
        case ("GET", "endpoints"):
            return .json(.object([("endpoints", .strings(Endpoint.allCases.map(\.rawValue)))]))
        case (_, "settings"):
            if m == "GET" { return .json(parts.settings.current.json()) }
            return .json(try parts.settings.apply(try body(request)).json())
        case (_, "faults"):
            return try faults(request)
        case (_, "scopes"):
            if m == "GET" { return ok([("revoked", .strings(parts.settings.current.revokedScopes.sorted()))]) }
            guard p.count == 2, m == "POST" else {
                throw AdminError("use POST /__admin/scopes/revoke or /grant", status: 404)
            }
            guard let scope = try body(request)["scope"]?.stringValue, !scope.isEmpty else {
                throw AdminError("scope is required")
            }
            switch p[1] {
            case "revoke": return ok([("revoked", .strings(parts.settings.setScope(scope, revoked: true)))])
            case "grant": return ok([("revoked", .strings(parts.settings.setScope(scope, revoked: false)))])
            default: throw AdminError("use /revoke or /grant", status: 404)
            }
        case ("POST", "tokens"):
            guard p.count == 2, p[1] == "expire" else {
                throw AdminError("use POST /__admin/tokens/expire", status: 404)
            }
            let now = parts.clock.nowMs()
            parts.dingtalk.expireTokens(now: now)
            parts.bitable.expireTokens(now: now)
            return ok()
        case (_, "clock"):
            if m == "GET" { return ok(clockPairs()) }
            guard m == "POST", p.count == 2, p[1] == "advance" else {
                throw AdminError("use POST /__admin/clock/advance", status: 404)
            }
            // Negative seconds move the clock back (e.g. behind the machine's clock).
            guard let seconds = try body(request)["seconds"]?.doubleValue, seconds.isFinite,
                abs(seconds) <= 100 * 365 * 86400
            else {
                throw AdminError("seconds is required (a number; negative moves the clock back)")
            }
            parts.clock.advance(ms: Int64((seconds * 1000).rounded()))
            return ok(clockPairs())
        case (_, "counters"):
            if m == "GET" { return .json(counters()) }
            guard m == "POST", p.count == 2, p[1] == "reset" else {
                throw AdminError("use POST /__admin/counters/reset", status: 404)
            }
            parts.counters.resetCounts()
            parts.bitable.resetTableStats()
            parts.quota.resetCounts()
            return ok()
        case (_, "webhook"):
            guard p.count == 2, p[1] == "messages" else {
                throw AdminError("use /__admin/webhook/messages", status: 404)
            }
            if m == "DELETE" {
                parts.webhook.reset()
                return ok()
            }
            return .json(parts.webhook.messagesJSON())
        case ("GET", "departments"):
            return .json(parts.dingtalk.departmentsJSON())
        case ("GET", "users"):
            return .json(parts.dingtalk.usersJSON())
        case ("GET", "templates"):
            return .json(parts.dingtalk.templatesJSON())
        case (_, "instances"):
            return try instances(request, p)
        case (_, "stream"):
            return try stream(request, p)
        case (_, "tables"):
            return try tables(request, p)
        case ("POST", "reset"):
            parts.reset()
            return ok()
        default:
            throw AdminError("unknown admin endpoint \(m) \(request.path); GET /__admin lists them", status: 404)
        }
    }

    // MARK: Info, clock and counters

    private func clockPairs() -> [(String, JSONValue)] {
        [("now_ms", .int(parts.clock.nowMs())), ("now", .string(TimeFormat.iso(parts.clock.nowMs())))]
    }

    /// `GET /__admin/info`.
    func info() -> JSONValue {
        let identity = parts.identity
        let tableIds = parts.bitable.tableIds
        var tables = ObjectBuilder()
        tables.set("main", tableIds.main)
        tables.set("action", tableIds.action)
        let world = parts.dingtalk.overview
        return .object([
            ("base_url", .string(parts.address.url)),
            (
                "dingtalk",
                .object([
                    ("app_key", .string(identity.appKey)), ("app_secret", .string(identity.appSecret)),
                    ("process_codes", .strings(world.processCodes)),
                    ("org_name", .string(world.orgName))
                ])
            ),
            (
                "feishu",
                .object([
                    ("app_id", .string(identity.feishuAppId)), ("app_secret", .string(identity.feishuAppSecret)),
                    ("app_token", .string(identity.appToken)), ("tables", tables.value)
                ])
            ),
            (
                "webhook",
                .object([
                    ("url", .string(parts.webhook.url)), ("token", .string(identity.webhookToken)),
                    ("secret", .string(identity.webhookSecret))
                ])
            ),
            ("stream", parts.stream.infoJSON()),
            ("clock", .object(clockPairs())),
            (
                "dataset",
                .object([
                    ("seed", .string(String(parts.options.seed))), ("instances", .int(world.instances)),
                    ("days", .int(parts.options.days)), ("users", .int(world.users)),
                    ("departments", .int(world.departments))
                ])
            ),
            ("settings", parts.settings.current.json())
        ])
    }

    /// `GET /__admin/counters`.
    func counters() -> JSONValue {
        .object([
            ("endpoints", parts.counters.endpointsJSON()),
            ("tables", parts.bitable.tableStatsJSON()),
            ("monthly", parts.quota.monthlyJSON()),
            ("trickles", parts.counters.tricklesJSON())
        ])
    }

    // MARK: Faults

    private func faults(_ request: SandboxRequest) throws(AdminError) -> SandboxResponse {
        switch request.method {
        case "GET":
            return .json(.object([("pending", parts.faults.pendingJSON())]))
        case "DELETE":
            parts.faults.clear()
            return ok()
        case "POST":
            let body = try body(request)
            guard let pattern = body["endpoint"]?.stringValue, !pattern.isEmpty else {
                throw AdminError("endpoint is required (a name from /__admin/endpoints, \"prefix.*\" or \"*\")")
            }
            if pattern != "*", !pattern.hasSuffix("*"), Endpoint(rawValue: pattern) == nil {
                throw AdminError("unknown endpoint \(pattern); GET /__admin/endpoints lists them")
            }
            let count = Int(body["count"]?.int64Value ?? 1)
            guard count >= 1 else { throw AdminError("count must be ≥ 1") }
            let fault = try FaultKind.parse(body)
            let probe = Injection(id: 0, pattern: pattern, remaining: 1, fault: fault, json: body)
            guard Endpoint.allCases.contains(where: probe.matches) else {
                let names = Endpoint.allCases.filter { fault.applies(to: $0) }.map(\.rawValue).joined(separator: ", ")
                throw AdminError("\(fault.name) cannot happen on \(pattern); it applies to: \(names)")
            }
            let id = parts.faults.add(pattern: pattern, count: count, fault: fault, json: body)
            return ok([("id", .int(id))])
        default:
            throw AdminError("use GET, POST or DELETE", status: 405)
        }
    }
}
