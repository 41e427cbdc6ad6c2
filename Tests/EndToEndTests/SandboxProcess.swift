import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Waits up to `seconds` for `condition`, asking every 100 ms (tests wait for what they can observe, never for a
/// guessed delay: CI's machine can be slow by seconds).
func waitUntil(_ seconds: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(100_000)
    }
    return try condition()
}

/// A `dingsync-sandbox` started as a separate process on 127.0.0.1, as any client would
/// start it (SPEC section 6), with a config written for dingsync in a fresh folder.
final class SandboxProcess: @unchecked Sendable {
    let process = Process()
    let folder: String
    let configPath: String
    private(set) var baseURL = ""

    init(_ arguments: [String] = []) throws {
        folder = try CLIRunner.tempDirectory()
        configPath = folder + "/config.yaml"
        process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("dingsync-sandbox")
        process.arguments = ["--port", "0", "--write-config", configPath] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // first line: "listening on http://HOST:PORT"
        var buffer = Data()
        let handle = out.fileHandleForReading
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer += chunk
        }
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("listening on ") else {
            process.terminate()
            throw SandboxFailure("sandbox did not start: \(line)")
        }
        baseURL = String(line.dropFirst("listening on ".count))
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: configPath) && Date() < deadline { usleep(20_000) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configPath)
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// Runs dingsync with this sandbox's config.
    func dingsync(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let subcommands: Set<String> = [
            "setup", "doctor", "stats", "report", "export", "sync", "migrate-db", "digest", "watch"
        ]
        let args =
            arguments.first.map(subcommands.contains) == true
            ? [arguments[0], "--config", configPath] + arguments.dropFirst() : ["--config", configPath] + arguments
        return try CLIRunner.run(args, environment: environment)
    }

    /// The run lock of this sandbox's config (`sync.lock_file`'s default, beside the config).
    var lockFile: String { (configPath as NSString).deletingLastPathComponent + "/dingsync.lock" }

    /// Whether a process holds the run lock now (`flock -n` cannot take it).
    func lockIsHeld() -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        probe.arguments = ["-n", lockFile, "true"]
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus != 0
    }

    /// Another process holding the run lock for `seconds` (`flock` on the lock file), once it holds it.
    func holdLock(seconds: Int) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [lockFile, "sleep", String(seconds)]
        try holder.run()
        guard waitUntil(30, lockIsHeld) else {
            holder.terminate()
            throw SandboxFailure("flock did not take \(lockFile) within 30 s")
        }
        return holder
    }

    /// Starts dingsync without waiting (for kill and lock tests).
    func startDingsync(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let p = Process()
        if !environment.isEmpty {
            var env = ProcessInfo.processInfo.environment
            for (k, v) in environment { env[k] = v }
            p.environment = env
        }
        p.executableURL = CLIRunner.productsDirectory.appendingPathComponent("dingsync")
        p.arguments = ["--config", configPath] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    // MARK: admin API

    @discardableResult
    func admin(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        let (status, data) = try SandboxHTTP.exchange(method, baseURL + "/__admin/" + path, body: body)
        guard (200..<300).contains(status) else {
            throw SandboxFailure("admin \(method) \(path): HTTP \(status) \(String(decoding: data, as: UTF8.self))")
        }
        return SandboxHTTP.object(data)
    }

    var info: [String: Any] { (try? admin("GET", "info")) ?? [:] }
    var mainTable: String { table("main", name: "审批实例表") }
    var actionTable: String { table("action", name: "审批动作表") }

    /// The table id from the sandbox's info, else (tables made by `dingsync setup`) by name.
    private func table(_ key: String, name: String) -> String {
        if let id = ((info["feishu"] as? [String: Any])?["tables"] as? [String: Any])?[key] as? String { return id }
        let tables = (try? admin("GET", "tables"))?["tables"] as? [[String: Any]] ?? []
        return tables.first { $0["name"] as? String == name }?["table_id"] as? String ?? ""
    }

    /// Every row of a table: record id and plain field values.
    func rows(_ table: String) throws -> [(id: String, fields: [String: Any])] {
        let answer = try admin("GET", "tables/\(table)/records")
        return ((answer["records"] as? [[String: Any]]) ?? []).map {
            ($0["record_id"] as? String ?? "", $0["fields"] as? [String: Any] ?? [:])
        }
    }

    func instances(status: String? = nil, processCode: String? = nil) throws -> [[String: Any]] {
        var query: [String] = []
        if let status { query.append("status=\(status)") }
        if let processCode { query.append("process_code=\(processCode)") }
        let answer = try admin("GET", "instances" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
        return answer["instances"] as? [[String: Any]] ?? []
    }

    /// Calls per endpoint name.
    func counters() throws -> [String: [String: Int]] {
        let answer = try admin("GET", "counters")
        var result: [String: [String: Int]] = [:]
        for (name, value) in answer["endpoints"] as? [String: Any] ?? [:] {
            result[name] = (value as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
        }
        return result
    }

    func writeCalls() throws -> Int {
        try counters().filter { $0.key.hasPrefix("feishu.records.batch") && !$0.key.hasSuffix("batch_get") }.values
            .reduce(0) { $0 + ($1["calls"] ?? 0) }
    }

    func tableConflicts() throws -> Int {
        let answer = try admin("GET", "counters")
        return (answer["tables"] as? [String: Any] ?? [:]).values.reduce(0) {
            $0 + (((($1 as? [String: Any])?["conflicts"]) as? NSNumber)?.intValue ?? 0)
        }
    }
}

/// The sandbox's Bitable API as any client calls it: a tenant token, then Bearer calls under the base.
struct FeishuAPI {
    let sandbox: SandboxProcess
    let token: String

    init(_ sandbox: SandboxProcess) throws {
        self.sandbox = sandbox
        let feishu = sandbox.info["feishu"] as? [String: Any] ?? [:]
        let answer = try Self.request(
            "POST", sandbox.baseURL + "/open-apis/auth/v3/tenant_access_token/internal", token: nil,
            body: ["app_id": feishu["app_id"] ?? "", "app_secret": feishu["app_secret"] ?? ""])
        guard let token = answer["tenant_access_token"] as? String else { throw SandboxFailure("no token: \(answer)") }
        self.token = token
    }

    var appToken: String { ((sandbox.info["feishu"] as? [String: Any])?["app_token"] as? String) ?? "" }

    /// Calls `/open-apis/bitable/v1/apps/APP/<path>`; returns `data`, throws on a non-zero code.
    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        let answer = try Self.request(
            method, sandbox.baseURL + "/open-apis/bitable/v1/apps/\(appToken)/\(path)", token: token, body: body)
        guard (answer["code"] as? NSNumber)?.intValue == 0 else { throw SandboxFailure("\(method) \(path): \(answer)") }
        return answer["data"] as? [String: Any] ?? [:]
    }

    /// Field name → field id.
    func fieldIds(_ table: String) throws -> [String: String] {
        let items = try call("GET", "tables/\(table)/fields?page_size=100")["items"] as? [[String: Any]] ?? []
        return Dictionary(
            items.map { ($0["field_name"] as? String ?? "", $0["field_id"] as? String ?? "") },
            uniquingKeysWith: { a, _ in a })
    }

    /// The bytes of a call's whole answer body, whatever its code.
    func bodyBytes(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Int {
        try SandboxHTTP.exchange(
            method, sandbox.baseURL + "/open-apis/bitable/v1/apps/\(appToken)/\(path)", token: token, body: body
        ).data.count
    }

    private static func request(_ method: String, _ url: String, token: String?, body: [String: Any]?) throws
        -> [String: Any]
    {
        SandboxHTTP.object(try SandboxHTTP.exchange(method, url, token: token, body: body).data)
    }
}

struct SandboxFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// HTTP to the sandbox from the tests' synchronous code.
enum SandboxHTTP {
    /// One call to `url` (a JSON body when given; a Bearer `token` when given), waited for: the
    /// status and the body.
    static func exchange(_ method: String, _ url: String, token: String? = nil, body: [String: Any]? = nil) throws
        -> (status: Int, data: Data)
    {
        guard let address = URL(string: url) else { throw SandboxFailure("bad URL \(url)") }
        var request = URLRequest(url: address, timeoutInterval: 30)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        }
        // waited for: the tests call it from synchronous code
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.data = data
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.error = error
            semaphore.signal()
        }.resume()
        semaphore.wait()
        if let error = box.error { throw error }
        return (box.status, box.data ?? Data())
    }

    /// A JSON object body, empty when the body is not one.
    static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}

private final class ResultBox: @unchecked Sendable {
    var data: Data?
    var status = 0
    var error: Error?
}
