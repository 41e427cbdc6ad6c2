import Foundation

/// A running sandbox: DingTalk (legacy and new API), Feishu (auth, Bitable, bot webhook)
/// and the admin API on one HTTP address.
///
/// ```swift
/// let sandbox = try await Sandbox.start(SandboxOptions())
/// print(sandbox.baseURL)   // http://127.0.0.1:PORT
/// try await sandbox.shutdown()
/// ```
public final class Sandbox: Sendable {
    private let core: SandboxCore
    private let server: HTTPServer

    /// The options it was started with.
    public let options: SandboxOptions
    /// The port it listens on (the OS's choice when started with port 0).
    public let port: Int
    /// The host it listens on.
    public let host: String
    /// `http://HOST:PORT`.
    public let baseURL: String

    // MARK: Credentials and ids (stable for a seed; unchanged by an admin reset)

    /// DingTalk app key (`dingtalk.app_key`).
    public var appKey: String { core.parts.identity.appKey }
    /// DingTalk app secret.
    public var appSecret: String { core.parts.identity.appSecret }
    /// Feishu app id (`cli_…`).
    public var feishuAppId: String { core.parts.identity.feishuAppId }
    /// Feishu app secret.
    public var feishuAppSecret: String { core.parts.identity.feishuAppSecret }
    /// The Bitable base's app_token.
    public var appToken: String { core.parts.identity.appToken }
    /// The main table's id (nil with `createTables == false`).
    public var mainTableId: String? { core.parts.bitable.tableIds.main }
    /// The action table's id (nil with `createTables == false`).
    public var actionTableId: String? { core.parts.bitable.tableIds.action }
    /// Every template's process code, in template order (请假, 报销, 采购, 出差, 通用审批).
    public var processCodes: [String] { core.parts.dingtalk.processCodes }
    /// Template names by process code.
    public var templateNames: [String: String] { core.parts.dingtalk.templateNames }
    /// The bot webhook's URL (`notification.webhook_url`).
    public var webhookURL: String { core.parts.webhook.url }
    /// The bot's signature secret ("" = no signature required).
    public var webhookSecret: String { core.parts.identity.webhookSecret }
    /// The organisation's (root department's) name.
    public var orgName: String { OrgGenerator.orgName }
    /// The sandbox clock, epoch ms.
    public var nowMs: Int64 { core.parts.clock.nowMs() }

    private init(core: SandboxCore, server: HTTPServer, options: SandboxOptions) {
        self.core = core
        self.server = server
        self.options = options
        self.port = server.port
        self.host = options.host
        let shownHost = options.host.contains(":") ? "[\(options.host)]" : options.host
        self.baseURL = "http://\(shownHost):\(server.port)"
    }

    /// The Feishu custom-bot signature for `timestamp` (Unix seconds as text) and `secret`:
    /// base64(HMAC-SHA256(key: "timestamp\nsecret", message: "")).
    public static func feishuBotSignature(timestamp: String, secret: String) -> String {
        FeishuBotSignature.sign(timestamp: timestamp, secret: secret)
    }

    /// Generates the world, creates the tables and starts listening.
    public static func start(_ options: SandboxOptions = SandboxOptions()) async throws -> Sandbox {
        try options.validate()
        let core = SandboxCore(options: options)
        let server = try await HTTPServer.start(
            host: options.host, port: options.port, threads: options.threads,
            clock: { core.parts.clock.nowMs() }, webSocket: core.parts.stream.webSocketHook
        ) { request in
            core.handle(request)
        }
        let sandbox = Sandbox(core: core, server: server, options: options)
        core.parts.address.set(sandbox.baseURL)
        return sandbox
    }

    /// Stops listening and releases the event loops.
    public func shutdown() async throws {
        try await server.shutdown()
    }

    /// The dingsync `config.yaml` (SPEC §3) pointing at this sandbox.
    public func configYAML() -> String {
        let codes = core.parts.dingtalk.processCodes
        let (main, action) = core.parts.bitable.tableIds
        return ConfigWriter.yaml(
            ConfigWriter.Values(
                baseURL: baseURL, appKey: appKey, appSecret: appSecret, api: options.configAPI, processCodes: codes,
                qps: max(1, min(15, options.dingtalkQPS * 3 / 4)), monthlyQuota: options.dingtalkMonthlyQuota,
                feishuAppId: feishuAppId, feishuAppSecret: feishuAppSecret, appToken: appToken,
                mainTableId: main, actionTableId: action, webhookURL: webhookURL, webhookSecret: webhookSecret))
    }

    /// Writes `configYAML()` to `path` atomically (temporary file in the same folder, then rename).
    public func writeConfig(to path: String) throws {
        try ConfigWriter.writeAtomically(configYAML(), to: path)
    }
}
