import ArgumentParser
import DingSyncSandbox
import Foundation

@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dingsync-sandbox",
        abstract: "An offline simulator of the DingTalk and Feishu HTTP APIs that dingsync uses.",
        discussion: """
            Serves on one address: DingTalk legacy API (/gettoken,
            /topapi/processinstance/listids|get, /topapi/v2/user/get,
            /topapi/v2/department/get, /topapi/process/get_by_name|listbyuserid),
            DingTalk new API (/v1.0/oauth2/accessToken,
            /v1.0/workflow/processes/instanceIds/query,
            /v1.0/workflow/processInstances,
            /v1.0/workflow/processCentres/schemaNames/processCodes,
            /v1.0/workflow/processes/userVisibilities/templates), Feishu
            (/open-apis/auth/v3/tenant_access_token/internal; Bitable tables,
            fields (list, create, update, delete) and records: search, list,
            get, create, update, delete,
            batch_create|update|delete|get, views (list, create, get, patch,
            delete: .../tables/TABLE/views[/VIEW]); the bot
            /open-apis/bot/v2/hook/TOKEN),
            DingTalk Stream mode (POST /v1.0/gateway/connections/open, then the
            WebSocket GET /connect?ticket=...: approval events for every
            instance change, see STREAM below) and the admin API below.

            Prints "listening on http://HOST:PORT" as its first line on stdout
            (after the --write-config file is in place) and runs until SIGINT or
            SIGTERM. --seed, --instances, --days and --now determine the dataset:
            the same four values give the same organisation, templates, instance
            ids and histories.

            \(AdminHelp.text)

            \(AdminHelp.stream)

            CODES CHOSEN WHERE THE REFERENCE IS SILENT:
              legacy /topapi parameter errors (size > 20, window > 120 days,
                start > 365 days ago, end before start, missing or unknown
                process_code, unknown instance id): errcode 400002 "无效的参数: ..."
              new API start > 365 days ago: 400 invalidInstanceListIdsStartTime;
                unknown processCode: 400 invalidProcessCode
              Feishu: batch_get > 100 and batch_delete > 500: 1254104;
                page_size out of range: 1254011 (HTTP 400); bad page_token:
                1254002; duplicate table / field name: 1254013 / 1254014;
                writes to read-only field types: 1254015; IP block: 99991401;
                monthly quota: 99991403 (HTTP 403); field update/delete of an
                unknown field_id: 1254044; field update without field_name or
                type, a primary field of a non-primary type, deleting the
                primary field, a boolean query flag that is not true/True/TRUE/1
                or false/False/FALSE/0: 1254001
              Stream: connections/open without clientId / clientSecret /
                subscriptions: 400 MissingclientId / MissingclientSecret /
                Missingsubscriptions; bad shapes (a non-string, an empty or
                non-array subscriptions, a type other than EVENT/CALLBACK/
                SYSTEM, an EVENT topic other than "*", no EVENT "*"): 400
                invalidParameter; GET /connect without a ticket: 400
                missingTicket; unknown, used or expired ticket: 401
                invalidTicket (before any upgrade); /connect without a
                WebSocket handshake: 400 notWebSocket
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 = chosen by the OS).") var port = 0
    @Option(help: "Seed of every generated value.") var seed: UInt64 = 1
    @Option(help: "Approval instances generated at start.") var instances = 500
    @Option(help: "Instances are spread over the last D days.") var days = 30
    @Option(help: "Write a dingsync config.yaml pointing at the sandbox (atomically, once listening).") var writeConfig:
        String?
    @Flag(help: "Create no Bitable tables (and leave feishu.tables out of the config).") var noTables = false
    @Option(
        help:
            "Pin the sandbox clock at start: ISO 8601 (2025-04-01T09:00:00+08:00), 'yyyy-MM-dd HH:mm:ss' (Beijing) or epoch ms. Default: the machine's clock."
    )
    var now: String?
    @Option(help: "New-API time format: beijing (wall time with a Z, as captured) or utc.") var newApiTimes = "beijing"
    @Option(help: "New-API `success`: boolean (true, as observed) or string (\"true\", as documented).")
    var newApiSuccess = "boolean"
    @Option(help: "dingtalk.api written to the config: new or legacy.") var configApi = "new"

    @Option(help: "DingTalk calls per second per app and API.") var dingtalkQps = 20
    @Option(help: "Feishu record writes per second per app and API.") var feishuWriteQps = 50
    @Option(help: "Feishu reads per second per app and API.") var feishuReadQps = 20
    @Option(help: "Feishu table/field creations per second per app and API.") var feishuSchemaQps = 10
    @Option(help: "Bot webhook messages per second.") var webhookPerSecond = 5
    @Option(help: "Bot webhook messages per minute.") var webhookPerMinute = 100
    @Option(help: "Ids one listing query yields across all its pages.") var maxIdsPerQuery = 10_000
    @Option(help: "Rows per Bitable table.") var rowLimit = 20_000
    @Option(help: "Token lifetime in seconds (DingTalk and Feishu).") var tokenLifetime = 7200
    @Option(help: "Monthly call quota of both platforms (0 = none); token, contacts and bot calls are exempt.")
    var monthlyQuota = 0
    @Option(help: "Monthly call quota of DingTalk only (overrides --monthly-quota).") var dingtalkMonthlyQuota: Int?
    @Option(help: "Monthly call quota of Feishu only (overrides --monthly-quota).") var feishuMonthlyQuota: Int?

    @Option(help: "Latency added to every answer, ms.") var latencyMs = 0
    @Option(help: "Probability of a server error answer (0…1).") var errorRate = 0.0
    @Option(help: "Probability of a throttling answer (0…1).") var throttleRate = 0.0
    @Option(help: "Probability that a Feishu Bitable call answers 1255040/504 after doing its work (0…1).")
    var timeoutRate = 0.0
    @Option(help: "How long a Bitable write occupies its table, ms (write conflicts are detected within it).")
    var feishuWriteHoldMs = 5
    @Option(help: "How long a Bitable read occupies its table, ms.") var feishuReadHoldMs = 0
    @Option(help: "The bot's signature secret (default: generated from the seed).") var webhookSecret: String?
    @Flag(help: "Run the bot without a signature secret.") var noWebhookSecret = false
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?

    @Option(help: "Stream: ms a pushed event waits for its ack before it is redelivered.") var streamAckTimeoutMs = 3000
    @Option(
        help: "Stream: waits before each redelivery, ms, comma-separated (then the event is given up; empty: none).")
    var streamRedeliveryMs = "10000,30000"
    @Option(help: "Stream: a SYSTEM ping on every connection this often, ms (0 = none).") var streamPingIntervalMs =
        45_000
    @Option(help: "Stream: a connection sent a SYSTEM disconnect is closed this much later, ms.")
    var streamDisconnectCloseMs = 10_000
    @Option(help: "Stream: event deliveries per natural month (0 = unlimited); past it events arrive without content.")
    var streamMonthlyQuota = 0
    @Option(help: "Stream: events kept while no connection is open (0 = drop them).") var streamQueueLimit = 1000
    @Option(help: "Stream: ticket lifetime, s (sandbox clock).") var streamTicketTtl = 90
    @Flag(help: "Stream: push no event for a comment (by default a bpms_task_change of type comment).")
    var noStreamCommentEvents = false

    func options() throws -> SandboxOptions {
        var o = SandboxOptions()
        o.host = host
        o.port = port
        o.seed = seed
        o.instances = instances
        o.days = days
        o.createTables = !noTables
        if let now {
            guard let ms = SandboxOptions.parseTime(now) else {
                throw ValidationError("--now: cannot read \(now) as a time")
            }
            o.nowMs = ms
        }
        guard let times = NewAPITimes(rawValue: newApiTimes) else {
            throw ValidationError("--new-api-times must be beijing or utc")
        }
        o.newAPITimes = times
        guard let success = NewAPISuccess(rawValue: newApiSuccess) else {
            throw ValidationError("--new-api-success must be boolean or string")
        }
        o.newAPISuccess = success
        o.configAPI = configApi
        o.dingtalkQPS = dingtalkQps
        o.feishuWriteQPS = feishuWriteQps
        o.feishuReadQPS = feishuReadQps
        o.feishuSchemaQPS = feishuSchemaQps
        o.webhookPerSecond = webhookPerSecond
        o.webhookPerMinute = webhookPerMinute
        o.maxIdsPerQuery = maxIdsPerQuery
        o.rowLimit = rowLimit
        o.tokenLifetime = tokenLifetime
        o.dingtalkMonthlyQuota = dingtalkMonthlyQuota ?? monthlyQuota
        o.feishuMonthlyQuota = feishuMonthlyQuota ?? monthlyQuota
        o.latencyMs = latencyMs
        o.errorRate = errorRate
        o.throttleRate = throttleRate
        o.timeoutRate = timeoutRate
        o.feishuWriteHoldMs = feishuWriteHoldMs
        o.feishuReadHoldMs = feishuReadHoldMs
        o.webhookSecret = noWebhookSecret ? "" : webhookSecret
        if let threads { o.threads = threads }
        o.streamAckTimeoutMs = streamAckTimeoutMs
        o.streamRedeliveryMs = try streamRedeliveryMs.split(separator: ",", omittingEmptySubsequences: true).map {
            guard let ms = Int($0.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--stream-redelivery-ms: \($0) is not a number of ms")
            }
            return ms
        }
        o.streamPingIntervalMs = streamPingIntervalMs
        o.streamDisconnectCloseMs = streamDisconnectCloseMs
        o.streamMonthlyQuota = streamMonthlyQuota
        o.streamQueueLimit = streamQueueLimit
        o.streamTicketTTL = streamTicketTtl
        o.streamCommentEvents = !noStreamCommentEvents
        do {
            try o.validate()
        } catch let error as SandboxError {
            throw ValidationError(error.description)
        }
        return o
    }

    func run() async throws {
        let options = try options()
        let waiter = SignalWaiter()
        let sandbox = try await Sandbox.start(options)
        if let writeConfig {
            do {
                try sandbox.writeConfig(to: writeConfig)
            } catch {
                try? await sandbox.shutdown()
                throw error
            }
        }
        // Unbuffered, so a script reading the first line sees it at once.
        FileHandle.standardOutput.write(Data("listening on \(sandbox.baseURL)\n".utf8))
        let signal = await waiter.wait()
        FileHandle.standardError.write(Data("dingsync-sandbox: \(signal), shutting down\n".utf8))
        try await sandbox.shutdown()
    }
}

/// Waits for SIGINT or SIGTERM.
final class SignalWaiter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "dingsync-sandbox.signals")
    private var sources: [any DispatchSourceSignal] = []
    private var continuation: CheckedContinuation<String, Never>?
    private var received: String?

    init() {
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in self?.fire(name) }
            source.resume()
            sources.append(source)
        }
    }

    private func fire(_ name: String) {
        if let continuation {
            self.continuation = nil
            continuation.resume(returning: name)
        } else if received == nil {
            received = name
        }
    }

    func wait() async -> String {
        await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            queue.async {
                if let received = self.received {
                    continuation.resume(returning: received)
                } else {
                    self.continuation = continuation
                }
            }
        }
    }
}
