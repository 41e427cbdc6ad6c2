/// What Bitable requests share: query checks, JSON body, paging, `client_token` keys.
extension BitableSimulator {
    /// Refuses a boolean flag that is neither spelling of true or false.
    func checkBoolQueries(_ request: SandboxRequest) throws(FeishuError) {
        for (name, value) in request.queryItems where BoolQuery.names.contains(name) && BoolQuery.parse(value) == nil {
            throw FeishuError.wrongBody("\(name) must be true or false, not \(value)")
        }
    }

    func checkUserIdType(_ value: String?) throws(FeishuError) {
        if let value, !["open_id", "union_id", "user_id"].contains(value) {
            throw FeishuError(
                code: 1_254_001, msg: "WrongRequestBody: user_id_type must be open_id, union_id or user_id")
        }
    }

    func bodyJSON(_ ctx: CallContext, allowEmpty: Bool) throws(FeishuError) -> JSONValue {
        if ctx.request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return .object([]) }
            throw FeishuError.wrongBody("body is required")
        }
        guard let json = try? JSONValue.parse(ctx.request.body) else { throw FeishuError.wrongJSON }
        guard json.objectPairs != nil else { throw FeishuError.wrongBody("body must be a JSON object") }
        return json
    }

    // MARK: Paging

    func pageSize(_ ctx: CallContext, max: Int) throws(FeishuError) -> Int {
        guard let text = ctx.request.query("page_size"), !text.isEmpty else { return 20 }
        guard let n = Int(text), n >= 1, n <= max else { throw FeishuError.pageSize }
        return n
    }

    func pageOffset(_ ctx: CallContext, scope: String) throws(FeishuError) -> Int {
        guard let token = ctx.request.query("page_token"), !token.isEmpty else { return 0 }
        guard let bytes = Base64.decode(token) else { throw FeishuError.badPageToken }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "sbx", parts[1] == scope, let offset = Int(parts[2]), offset >= 0 else {
            throw FeishuError.badPageToken
        }
        return offset
    }

    func pageToken(scope: String, offset: Int) -> String { Base64.encode(Array("sbx:\(scope):\(offset)".utf8)) }

    /// `feishu_max_page_bytes`: a page of records whose items serialize to more bytes than the
    /// setting is not sent; Feishu answers 1254030 TooLargeResponse (reference §5: shrink page_size).
    func refuseIfTooLarge(_ items: [JSONValue], _ ctx: CallContext) throws(FeishuError) {
        let limit = ctx.settings.feishuMaxPageBytes
        guard limit > 0, !items.isEmpty, JSONValue.array(items).serialized().utf8.count > limit else { return }
        throw FeishuError(code: 1_254_030, msg: "TooLargeResponse")
    }

    /// `{has_more, page_token?, total, items}`.
    func page(_ items: [JSONValue], total: Int, offset: Int, scope: String) -> JSONValue {
        let hasMore = offset + items.count < total
        var pairs: [(String, JSONValue)] = [("has_more", .bool(hasMore))]
        if hasMore { pairs.append(("page_token", .string(pageToken(scope: scope, offset: offset + items.count)))) }
        pairs.append(("total", .int(total)))
        pairs.append(("items", .array(items)))
        return .object(pairs)
    }

    /// The idempotency key of a call with `client_token`, or nil without one. Throws 1254037
    /// when the token is not a UUIDv4.
    func clientTokenKey(_ ctx: CallContext, table: BitTable, kind: String) throws(FeishuError) -> String? {
        guard let token = ctx.request.query("client_token"), !token.isEmpty else { return nil }
        guard Self.isUUIDv4(token) else { throw FeishuError.badClientToken }
        return "\(table.id)|\(kind)|\(token.lowercased())"
    }

    static func isUUIDv4(_ s: String) -> Bool {
        let chars = Array(s.lowercased())
        guard chars.count == 36 else { return false }
        for (i, c) in chars.enumerated() {
            switch i {
            case 8, 13, 18, 23: if c != "-" { return false }
            case 14: if c != "4" { return false }
            case 19: if !"89ab".contains(c) { return false }
            default: if !c.isHexDigit { return false }
            }
        }
        return true
    }
}
