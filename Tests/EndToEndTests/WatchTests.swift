import Foundation
import Testing

/// `dingsync watch` as a process against the sandbox and its Stream gateway: the catch-up, an
/// instance change reaching Bitable through its events, a dropped and a rotated connection,
/// redeliveries, SIGTERM and bad credentials.
@Suite(.serialized) struct WatchTests {
    /// Starts `dingsync watch` with the sandbox's config; its console output goes to a file.
    func startWatch(_ sandbox: SandboxProcess, environment: [String: String] = [:]) throws -> (Process, String) {
        let log = sandbox.folder + "/watch.out"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("dingsync")
        process.arguments = ["watch", "--config", sandbox.configPath]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DINGSYNC_CONFIG")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return (process, log)
    }

    func output(_ log: String) -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The stream counters of the sandbox (`GET /__admin/stream/counters`), top-level numbers.
    func streamCounters(_ sandbox: SandboxProcess) throws -> [String: Int] {
        try sandbox.admin("GET", "stream/counters").compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// Connections `watch` reported open.
    func opened(_ text: String) -> Int { text.components(separatedBy: "watch: Stream connection open").count - 1 }

    func connectionsOpened(_ sandbox: SandboxProcess) throws -> Int {
        let connections = try sandbox.admin("GET", "stream/counters")["connections"] as? [String: Any]
        return (connections?["opened"] as? NSNumber)?.intValue ?? 0
    }

    func openConnections(_ sandbox: SandboxProcess) throws -> Int {
        (try sandbox.admin("GET", "stream/connections")["connections"] as? [[String: Any]])?.count ?? 0
    }

    func row(_ sandbox: SandboxProcess, _ instance: String) throws -> [String: Any]? {
        try sandbox.rows(sandbox.mainTable).first { $0.fields["instance_id"] as? String == instance }?.fields
    }

    /// The oldest running instance (its row exists after `--init`).
    func oldestRunning(_ sandbox: SandboxProcess) throws -> String {
        let running = try sandbox.instances(status: "RUNNING").sorted {
            (($0["create_time"] as? NSNumber)?.int64Value ?? 0) < (($1["create_time"] as? NSNumber)?.int64Value ?? 0)
        }
        return try #require(running.first?["id"] as? String)
    }

    /// Instance detail reads so far (either API family).
    func detailReads(_ sandbox: SandboxProcess) throws -> Int {
        try sandbox.counters().filter { ["dingtalk.v1.processInstances.get", "dingtalk.topapi.get"].contains($0.key) }
            .values.reduce(0) { $0 + ($1["calls"] ?? 0) }
    }

    /// Contacts calls so far (users and departments).
    func contactCalls(_ sandbox: SandboxProcess) throws -> Int {
        try sandbox.counters().filter {
            $0.key.hasPrefix("dingtalk.topapi.user") || $0.key.hasPrefix("dingtalk.topapi.department")
        }
        .values.reduce(0) { $0 + ($1["calls"] ?? 0) }
    }

    func stop(_ process: Process, _ log: String) {
        let sent = Date()
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 5, "stopped within 5 s")
        #expect(process.terminationStatus == 0, "\(output(log))")
        #expect(output(log).contains("watch: stopped by SIGTERM"), "\(output(log))")
    }

    @Test func anInstanceChangeReachesBitableThroughItsEvents() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "4"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        #expect(output(log).contains("watch: catch-up done"), "\(output(log))")
        let target = try oldestRunning(sandbox)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree", "remark": "实时同步"])
        #expect(
            try waitUntil(30) { try row(sandbox, target)?["status"] as? String == "已同意" }, "\(output(log))")
        // every event of the change acked (after the commit), none left for redelivery
        #expect(
            try waitUntil(10) { try streamCounters(sandbox)["pending"] == 0 },
            "\((try? streamCounters(sandbox)) ?? [:])")
        let counters = try streamCounters(sandbox)
        #expect((counters["acked"] ?? 0) >= 2, "\(counters)")
        #expect(counters["nacked"] == 0)
        #expect(output(log).contains("events: 1 instance(s) synced"), "\(output(log))")
        stop(process, log)
        #expect(output(log).contains("events received"), "the summary line at the stop: \(output(log))")
        #expect(output(log).contains("latency median"), "\(output(log))")
        // doctor: the month's events as counted by watch, and a Stream connection opens
        let doctor = try sandbox.dingsync(["doctor"])
        #expect(doctor.stdout.contains("a connection opens"), "\(doctor.stdout)")
        let events = doctor.stdout.components(separatedBy: "\n").first { $0.contains("Stream events") } ?? ""
        #expect(!events.isEmpty && !events.contains(" 0 received"), "\(doctor.stdout)")
    }

    @Test func droppedAndRotatedConnectionsAreReopenedAndCaughtUp() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3", "--stream-disconnect-close-ms", "300"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        // the server rotates the connection: a new one at once
        try sandbox.admin("POST", "stream/disconnect", [:])
        #expect(waitUntil(20) { output(log).contains("rotates the connection") }, "\(output(log))")
        #expect(waitUntil(20) { opened(output(log)) == 2 }, "\(output(log))")
        #expect(try waitUntil(20) { try openConnections(sandbox) == 1 }, "\(output(log))")
        // dropped without a close frame: reconnected with backoff, then a catch-up
        try sandbox.admin("POST", "stream/drop", [:])
        #expect(waitUntil(30) { output(log).contains("Stream connection lost") }, "\(output(log))")
        #expect(try waitUntil(30) { try openConnections(sandbox) == 1 }, "\(output(log))")
        #expect(
            waitUntil(30) { output(log).components(separatedBy: "catch-up run (after a reconnect)").count >= 3 },
            "\(output(log))")
        // a change made now still arrives
        let target = try oldestRunning(sandbox)
        try sandbox.admin("POST", "instances/\(target)/terminate", [:])
        #expect(try waitUntil(30) { try row(sandbox, target)?["status"] as? String != "审批中" }, "\(output(log))")
        stop(process, log)
    }

    @Test func duplicatedEventsCostNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        try sandbox.admin("POST", "stream/faults", ["fault": "duplicate", "count": 10])
        let target = try oldestRunning(sandbox)
        let detailsBefore = try detailReads(sandbox)
        let contactsBefore = try contactCalls(sandbox)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "refuse", "remark": "重复"])
        #expect(try waitUntil(30) { try row(sandbox, target)?["status"] as? String == "已拒绝" }, "\(output(log))")
        #expect(
            try waitUntil(10) { try streamCounters(sandbox)["pending"] == 0 },
            "\((try? streamCounters(sandbox)) ?? [:])")
        let detailsAfter = try detailReads(sandbox)
        #expect((try streamCounters(sandbox)["duplicated"] ?? 0) >= 2)
        #expect(detailsAfter - detailsBefore == 1, "one detail read for the change and its duplicates")
        // the people involved are known from the --init (the state database's names): no contacts call
        #expect(try contactCalls(sandbox) == contactsBefore)
        stop(process, log)
    }

    /// Frames are answered while a batch works (reference §11.3: ack fast): with another process
    /// holding the run lock, an approval event's batch waits for it, and meanwhile the server's
    /// pings are answered; the batch that cannot get the lock answers LATER; the event delivered
    /// again after the lock is free is synced.
    @Test func pingsAreAnsweredWhileABatchWaitsAndAHeldLockAnswersLater() throws {
        let sandbox = try SandboxProcess([
            "--instances", "20", "--days", "3", "--stream-ping-interval-ms", "250", "--stream-redelivery-ms",
            "2000,5000"
        ])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        #expect(waitUntil(30) { output(log).contains("watch: catch-up done") }, "\(output(log))")
        func pingsAnswered() throws -> Int {
            let system = try sandbox.admin("GET", "stream/counters")["system"] as? [String: Any]
            return (system?["pings_answered"] as? NSNumber)?.intValue ?? 0
        }
        // another process holds the run lock (flock on sync.lock_file) for 15 s
        let holder = try sandbox.holdLock(seconds: 15)
        defer { if holder.isRunning { holder.terminate() } }
        let target = try oldestRunning(sandbox)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree", "remark": "锁等待"])
        // the batch waits for the lock (at least 5 s); pings keep being answered meanwhile
        usleep(1_000_000)
        let before = try pingsAnswered()
        usleep(3_000_000)
        #expect(try row(sandbox, target)?["status"] as? String == "审批中", "still waiting for the lock")
        #expect(try pingsAnswered() >= before + 4, "pings answered while the batch waits: \(output(log))")
        // the lock is not had within the wait: the events are answered LATER, not left to time out
        #expect(waitUntil(30) { output(log).contains("not synced now") }, "\(output(log))")
        #expect(try waitUntil(10) { (try streamCounters(sandbox)["nacked"] ?? 0) >= 1 }, "\(output(log))")
        holder.waitUntilExit()
        #expect(try waitUntil(60) { try row(sandbox, target)?["status"] as? String == "已同意" }, "\(output(log))")
        #expect(
            try waitUntil(20) { try streamCounters(sandbox)["pending"] == 0 },
            "\((try? streamCounters(sandbox)) ?? [:])")
        stop(process, log)
    }

    /// SPEC 7: watch takes the run lock per batch and per catch-up only, so a nightly
    /// `--full-check` with a lock wait runs beside it while instances change; nothing is lost or duplicated.
    @Test func aFullCheckWithALockWaitRunsBesideWatch() throws {
        let sandbox = try SandboxProcess(["--instances", "40", "--days", "4", "--latency-ms", "20"])
        try sandbox.addToSection("sync", "lock_wait_seconds: 120")
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        let running = try sandbox.instances(status: "RUNNING").compactMap { $0["id"] as? String }
        let fullCheck = try sandbox.startDingsync(["--full-check"])
        for (n, id) in running.prefix(4).enumerated() {
            try sandbox.admin("POST", "instances/\(id)/finish", ["result": n % 2 == 0 ? "agree" : "refuse"])
            usleep(300_000)
        }
        fullCheck.waitUntilExit()
        #expect(fullCheck.terminationStatus == 0)
        #expect(try waitUntil(30) { try streamCounters(sandbox)["pending"] == 0 }, "\(output(log))")
        #expect(
            try waitUntil(30) {
                try running.prefix(4).allSatisfy { try row(sandbox, $0)?["status"] as? String != "审批中" }
            }, "\(output(log))")
        stop(process, log)
        try assertTablesMatch(sandbox, instances: try sandbox.instances())
    }

    /// SPEC 7: an event DingTalk never delivers is found by the next periodic catch-up (shortened
    /// here to 3 s), which also logs the summary line.
    @Test func aLostEventIsFoundByThePeriodicCatchUp() throws {
        let sandbox = try SandboxProcess(["--instances", "20", "--days", "3"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        let (process, log) = try startWatch(sandbox, environment: ["DINGSYNC_WATCH_CATCHUP_SECONDS": "3"])
        defer { if process.isRunning { process.interrupt() } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        try sandbox.admin("POST", "stream/faults", ["fault": "lose", "count": 50])
        let target = try oldestRunning(sandbox)
        try sandbox.admin("POST", "instances/\(target)/finish", ["result": "agree"])
        #expect(try waitUntil(30) { try row(sandbox, target)?["status"] as? String == "已同意" }, "\(output(log))")
        #expect((try streamCounters(sandbox)["lost"] ?? 0) >= 1)
        #expect(!output(log).contains("events: 1 instance(s) synced"), "not through an event: \(output(log))")
        #expect(output(log).contains("catch-up run (every "), "\(output(log))")
        #expect(output(log).contains("0 processed"), "the periodic summary line: \(output(log))")
        stop(process, log)
    }

    /// Issue 18: 20 dropped connections and 5 `kill -9` restarts of `watch`, with changes of every
    /// kind made around them (some right before a drop or a kill, so that their events are in flight),
    /// lose and duplicate nothing: afterwards every instance has exactly one main row with its status
    /// and current node, and every operation record exactly one action row.
    @Test func twentyDropsAndFiveKillsLoseAndDuplicateNothing() throws {
        let sandbox = try SandboxProcess(["--instances", "30", "--days", "3"])
        #expect(try sandbox.dingsync(["--init"]).status == 0)
        var (process, log) = try startWatch(sandbox)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(try waitUntil(60) { try openConnections(sandbox) == 1 }, "\(output(log))")
        let kinds = ["remark", "approve", "forward", "finish", "refuse", "terminate", "create"]
        var changes = 0
        func change(_ round: Int) throws {
            let kind = kinds[round % kinds.count]
            changes += 1
            if kind == "create" {
                try sandbox.admin("POST", "instances", ["count": 1])
                return
            }
            let running = try sandbox.instances(status: "RUNNING").compactMap { $0["id"] as? String }.sorted()
            guard !running.isEmpty else {
                try sandbox.admin("POST", "instances", ["count": 1])
                return
            }
            let id = running[round % running.count]
            switch kind {
            case "remark": try sandbox.admin("POST", "instances/\(id)/remark", ["remark": "第\(round)轮评论"])
            case "approve": try sandbox.admin("POST", "instances/\(id)/approve", ["result": "agree"])
            case "forward": try sandbox.admin("POST", "instances/\(id)/forward", [:])
            case "finish": try sandbox.admin("POST", "instances/\(id)/finish", ["result": "agree"])
            case "refuse": try sandbox.admin("POST", "instances/\(id)/finish", ["result": "refuse"])
            default: try sandbox.admin("POST", "instances/\(id)/terminate", [:])
            }
        }
        func settled() throws -> Bool { try openConnections(sandbox) == 1 && streamCounters(sandbox)["pending"] == 0 }
        var round = 0
        for drop in 1...20 {
            round += 1
            try change(round)
            // every other drop waits for the events to be committed and acked first; the others
            // hit the connection while they are in flight
            if drop % 2 == 0 { #expect(try waitUntil(30) { try settled() }, "\(output(log))") }
            let opened = try connectionsOpened(sandbox)
            try sandbox.admin("POST", "stream/drop", [:])
            #expect(
                try waitUntil(90) { try connectionsOpened(sandbox) > opened && openConnections(sandbox) == 1 },
                "reconnected after drop \(drop): \(output(log))")
            if drop % 4 == 0 {
                // a kill -9 right after a change: its events are unacked when the process dies
                round += 1
                try change(round)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal)
                try change(round + 100)  // made while nothing listens
                (process, log) = try startWatch(sandbox)
                #expect(try waitUntil(90) { try openConnections(sandbox) == 1 }, "restart: \(output(log))")
            }
        }
        #expect(try connectionsOpened(sandbox) >= 26)
        // the last changes settle: every event acked, the last catch-up done
        #expect(try waitUntil(90) { try settled() }, "\(output(log))")
        #expect(waitUntil(60) { output(log).contains("watch: catch-up done") }, "\(output(log))")
        stop(process, log)
        let instances = try sandbox.instances()
        try assertTablesMatch(sandbox, instances: instances)
        let rows = try sandbox.rows(sandbox.mainTable)
        for instance in instances {
            let id = instance["id"] as? String ?? ""
            let row = rows.first { $0.fields["instance_id"] as? String == id }?.fields ?? [:]
            let node = row["current_node"] as? String ?? ""
            if let expected = instance["current_node"] as? String {
                #expect(node.hasPrefix(expected + "（"), "\(id): current_node \(node) at \(expected)")
            } else {
                #expect(node.isEmpty, "\(id): a final instance has no current node (\(node))")
            }
        }
        #expect(changes >= 30)
    }

    @Test func badCredentialsExitTwo() throws {
        let sandbox = try SandboxProcess(["--instances", "3", "--days", "1"])
        let (process, log) = try startWatch(sandbox, environment: ["DINGSYNC_DINGTALK_APP_SECRET": "wrong-secret"])
        defer { if process.isRunning { process.terminate() } }
        #expect(waitUntil(60) { !process.isRunning }, "\(output(log))")
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(output(log))")
        #expect(output(log).contains("dingtalk.app_secret"), "\(output(log))")
    }
}
