/// OA premium (OA高级版): `GET /v1.0/workflow/premium/processes/pages/instances` (reference §12).
///
/// Served only when the sandbox runs with `--premium`; otherwise it answers as for an
/// organisation without OA premium (`benefit.status.invalid`). Errors are §12.3's.
extension DingTalkSimulator {
    /// How far back the premium listing reaches: five years (reference §12.1).
    static let premiumAgeMs: Int64 = (5 * 365 + 1) * TimeFormat.dayMs

    func premiumInstances(_ ctx: inout CallContext) -> SandboxResponse {
        guard options.premium else {
            return newError(&ctx, 400, "benefit.status.invalid", "权益校验失败，未开通或过期")
        }
        let request = ctx.request
        let query = { (name: String) -> String? in
            guard let value = request.query(name), !value.isEmpty else { return nil }
            return value
        }
        guard let code = query("processCode"), world.template(code: code) != nil else {
            return newError(&ctx, 400, "processCode.error", "processCode query error")
        }
        guard let startText = query("startTimeInMills"), let start = Int64(startText) else {
            return newError(&ctx, 400, "timeStamp.invalid", "illegal timestamp")
        }
        var end: Int64?
        if let endText = query("endTimeInMills") {
            guard let value = Int64(endText) else {
                return newError(&ctx, 400, "timeStamp.invalid", "illegal timestamp")
            }
            end = value
        }
        guard let sizeText = query("maxResults"), let size = Int(sizeText), (1...20).contains(size) else {
            return newError(&ctx, 400, "pageSize.invalid", "illegal pageSize")
        }
        let pageText = query("nextToken") ?? "1"
        guard pageText.allSatisfy({ $0.isASCII && $0.isNumber }), let page = Int(pageText), page >= 1,
            page <= Int(Int32.max) / 20
        else {
            return newError(&ctx, 400, "pageIndex.invalid", "illegal pageIndex")
        }
        let now = ctx.nowMs
        let effectiveEnd = end ?? now
        let windowOK =
            effectiveEnd >= start && effectiveEnd - start <= Self.windowSpanMs && now - start <= Self.premiumAgeMs
        guard windowOK else { return newError(&ctx, 400, "timeStamp.invalid", "illegal timestamp") }
        let offset = (page - 1) * size
        let (ids, next) = listPage(
            code: code, start: start, end: effectiveEnd, userIds: [], statuses: [],
            cap: ctx.settings.maxIdsPerQuery, offset: offset, size: size)
        // The `stuck_cursor` fault names the same page again. The last page still names a following
        // page: a client must stop on hasMore, not on the cursor.
        let hasMore = next != nil || ctx.stuckCursor
        let nextPage = ctx.stuckCursor ? page : page + 1
        let list = ids.compactMap { world.instances[$0] }.map(InstanceRendering.premium)
        return newJSON(
            .object([
                (
                    "result",
                    .object([
                        ("nextToken", .string(String(nextPage))), ("hasMore", .bool(hasMore)),
                        ("maxResults", .int(size)), ("list", .array(list))
                    ])
                )
            ]))
    }
}
