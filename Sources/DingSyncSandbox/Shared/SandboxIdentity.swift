/// Credentials and fixed ids, derived from the seed (stable across admin resets).
struct SandboxIdentity: Sendable {
    var appKey: String
    var appSecret: String
    var feishuAppId: String
    var feishuAppSecret: String
    var appToken: String
    var webhookToken: String
    var webhookSecret: String

    init(seed: UInt64, webhookSecret: String?) {
        var rng = SplitMix64(seed: seed ^ 0xC4ED_E471_A150_0003)
        appKey = "ding" + rng.lowerAlnum(16)
        appSecret = rng.alnum(22) + "-" + rng.alnum(20) + "_" + rng.alnum(20)
        feishuAppId = "cli_" + rng.hex(16)
        feishuAppSecret = rng.alnum(32)
        appToken = "bascn" + rng.alnum(22)
        webhookToken = rng.uuid4()
        let generated = rng.alnum(22)
        self.webhookSecret = webhookSecret ?? generated
    }
}
