/// Feishu's tenant access token: issued by the token endpoint, checked by the gateway.
extension BitableSimulator {
    // MARK: POST /open-apis/auth/v3/tenant_access_token/internal

    /// Issues a tenant token. Called under the lock.
    func feishuToken(_ ctx: inout CallContext) -> SandboxResponse {
        guard let body = try? JSONValue.parse(ctx.request.body), let appId = body["app_id"]?.stringValue,
            !appId.isEmpty,
            let secret = body["app_secret"]?.stringValue, !secret.isEmpty
        else {
            ctx.failed = true
            return .json(.object([("code", 10003), ("msg", "invalid param")]), status: 400)
        }
        guard appId == identity.feishuAppId else {
            ctx.failed = true
            return .json(.object([("code", 10003), ("msg", "invalid param: app_id not found")]), status: 400)
        }
        guard secret == identity.feishuAppSecret else {
            ctx.failed = true
            return .json(.object([("code", 10014), ("msg", "app secret invalid")]), status: 400)
        }
        let now = ctx.nowMs
        let lifetime = Int64(ctx.settings.tokenLifetime) * 1000
        tokens = tokens.filter { $0.value > now }
        // The same token while at least a quarter of the lifetime (30 min of 2 h) is left.
        if let token = latestToken, let expiry = tokens[token], expiry - now >= lifetime / 4 {
            return .json(
                .object([
                    ("code", 0), ("msg", "ok"), ("tenant_access_token", .string(token)),
                    ("expire", .int((expiry - now) / 1000))
                ]))
        }
        let token = "t-g" + ids.string(length: 37, alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        tokens[token] = now + lifetime
        latestToken = token
        return .json(
            .object([
                ("code", 0), ("msg", "ok"), ("tenant_access_token", .string(token)),
                ("expire", .int(lifetime / 1000))
            ]))
    }

    /// Whether `token` is a tenant token that has not expired at `now`.
    func tokenValid(_ token: String, now: Int64) -> Bool {
        lock.withLock {
            guard let expiry = tokens[token] else { return false }
            return expiry > now
        }
    }

    /// Every tenant token expires at `now` (`/__admin/tokens/expire`).
    func expireTokens(now: Int64) {
        lock.withLock {
            for key in tokens.keys { tokens[key] = now }
        }
    }
}
