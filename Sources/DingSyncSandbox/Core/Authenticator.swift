/// The gateway's token check: where each family carries its token, and what a bad one gets.
///
/// Missing, malformed, unknown and expired tokens each have their answer. The tokens
/// themselves belong to the parts that issue them (DingTalk's app token, Feishu's tenant
/// tokens).
struct Authenticator: EnvelopeAnswering, Sendable {
    let envelopes: Envelopes
    let faultAnswers: FaultAnswers
    let dingtalk: DingTalkSimulator
    let bitable: BitableSimulator

    /// Checks the token for the call's family; nil when valid.
    func check(_ ctx: inout CallContext) -> SandboxResponse? {
        switch ctx.endpoint.family {
        case .legacy:
            var token = ctx.request.query("access_token")
            if token == nil, ctx.request.isFormBody {
                token = FormCoding.decode(ctx.request.bodyText).first(where: { $0.0 == "access_token" })?.1
            }
            guard let token, !token.isEmpty else {
                return legacyError(
                    &ctx, 88, "ding talk error[subcode=40000,submsg=access_token is blank]",
                    sub: ("40000", "access_token is blank"))
            }
            if !dingtalk.tokenValid(token, now: ctx.nowMs) {
                return faultAnswers.answer(.tokenInvalid, &ctx)
            }
        case .new:
            guard let token = ctx.request.header("x-acs-dingtalk-access-token"), !token.isEmpty else {
                return newError(&ctx, 400, "AuthenticationFailed.MissingParameter", "缺少参数：x-acs-dingtalk-access-token")
            }
            if !dingtalk.tokenValid(token, now: ctx.nowMs) { return faultAnswers.answer(.tokenInvalid, &ctx) }
        case .feishu:
            guard let header = ctx.request.header("authorization"), !header.trimmingSpaces.isEmpty else {
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_661,
                        msg: "Missing access token for authorization. Please make a request with token attached.",
                        status: 400))
            }
            let parts = header.trimmingSpaces.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == "Bearer", !parts[1].isEmpty else {
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_671,
                        msg: "Invalid access token format. The Authorization header must be \"Bearer <token>\".",
                        status: 400))
            }
            let token = parts[1]
            if token.hasPrefix("u-") {
                return feishuError(
                    &ctx,
                    FeishuError(
                        code: 99_991_668,
                        msg: "Invalid access token for authorization. Please make a request with token attached.",
                        status: 400))
            }
            guard token.hasPrefix("t-") else {
                return feishuError(
                    &ctx, FeishuError(code: 99_991_671, msg: "Invalid access token format.", status: 400))
            }
            if !bitable.tokenValid(token, now: ctx.nowMs) { return faultAnswers.answer(.tokenInvalid, &ctx) }
        case .webhook:
            break
        }
        return nil
    }
}
