import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

extension Doctor {
    var staleLimit: TimeInterval? {
        config.sync.staleAfterHours > 0 ? TimeInterval(config.sync.staleAfterHours) * 3600 : nil
    }

    /// Opens the state database when it exists, read-only (doctor never creates nor migrates
    /// one); on a server it also proves the privileges a sync needs.
    func openStore() -> (StateStore?, DoctorCheck) {
        let backend = StateBackend(config)
        let name = "state database"
        let rebuild =
            "restore it from a backup, or move it away and rebuild it (DEPLOYMENT.md, \"Upgrades, backup, reset\")"
        do {
            let store = try backend.openStore(.read)
            if store.dialect == .mysql {
                try store.probeWrites()
                let info = store.serverInfo
                let server =
                    "\(config.database.mysql.display) (server \(info?.version ?? "?"), \(info?.tls == true ? "TLS" : "no TLS"))"
                return (
                    store,
                    .ok(
                        name,
                        "\(server): schema \(try store.storedVersion()), \(try store.instanceCount()) instance(s) mirrored; "
                            + "reads and writes allowed")
                )
            }
            if let problem = try store.quickCheck() {
                return (nil, .fail(name, "\(store.path) is damaged: \(problem)", fix: rebuild))
            }
            return (
                store,
                .ok(
                    name,
                    "\(store.path): schema \(try store.storedVersion()), \(try store.instanceCount()) instance(s) mirrored"
                )
            )
        } catch let missing as StateMissingError {
            guard backend.isServer else {
                return (
                    nil,
                    .warn(
                        name, "\(missing.path) does not exist yet",
                        fix: "run `dingsync --init`: the first sync creates it")
                )
            }
            return (nil, serverWithoutTables(name))
        } catch let schema as SchemaVersionError where schema.isOlder {
            return (
                nil,
                .warn(
                    name,
                    "\(schema.location): schema \(schema.stored), older than this dingsync's (\(schema.supported))",
                    fix: "the next sync upgrades it (back it up first: DEPLOYMENT.md, \"Upgrades, backup, reset\")")
            )
        } catch let error as MySQLError {
            return (nil, .fail(name, error.problem, fix: error.fix))
        } catch {
            let location = backend.isServer ? config.database.mysql.display : config.sync.stateDB
            return (
                nil,
                .fail(
                    name, "\(location): \((error as? LocalizedError)?.errorDescription ?? "\(error)")",
                    fix: backend.isServer ? "see DEPLOYMENT.md, \"MySQL\"" : rebuild)
            )
        }
    }

    /// A reachable server without dingsync's tables: proves that the first run may create them.
    func serverWithoutTables(_ name: String) -> DoctorCheck {
        let endpoint = config.database.mysql
        do {
            let connection = try MySQLDatabase(endpoint: endpoint)
            let server =
                "\(endpoint.display) (server \(connection.serverVersion), \(connection.usesTLS ? "TLS" : "no TLS"))"
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS dingsync_doctor_probe (id INT PRIMARY KEY) ENGINE=InnoDB")
            try connection.run("INSERT INTO dingsync_doctor_probe (id) VALUES (1)")
            try connection.execute("DROP TABLE dingsync_doctor_probe")
            return .warn(
                name, "\(server): connected; no dingsync tables yet",
                fix:
                    "run `dingsync --init` (or `dingsync migrate-db` to bring an existing SQLite state): the first run creates them"
            )
        } catch let error as MySQLError {
            return .fail(name, error.problem, fix: error.fix)
        } catch {
            return .fail(
                name, "\(endpoint.display): \((error as? LocalizedError)?.errorDescription ?? "\(error)")",
                fix: "see DEPLOYMENT.md, \"MySQL\"")
        }
    }

    /// The last completed run, the last run, and instances that keep failing.
    func stateChecks(_ store: StateStore) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let zone = config.sync.timeZone
        do {
            let latest = try store.recentRuns(limit: 1).first
            if let completed = try store.lastCompletedRun() {
                let age = now.timeIntervalSince(completed.startedAt)
                let text =
                    "\(completed.mode) run at \(TimeText.format(completed.startedAt, zone)) (\(AlertRules.age(age)) ago), exit \(completed.exitCode)"
                if let staleLimit, age > staleLimit {
                    checks.append(
                        .warn(
                            "last completed run",
                            "\(text): older than sync.stale_after_hours (\(config.sync.staleAfterHours) h)",
                            fix:
                                "the scheduled runs are not completing: check the crontab or `systemctl list-timers 'dingsync*'` and the last run's output; run `dingsync` by hand to see why"
                        ))
                } else if let latest, latest.exitCode == 2 {
                    checks.append(
                        .warn(
                            "last completed run",
                            "\(text); the latest run (\(TimeText.format(latest.startedAt, zone))) failed with exit 2",
                            fix: "read that run's summary in the log (its \"stopped\" line says what to fix)"))
                } else {
                    checks.append(.ok("last completed run", text))
                }
            } else {
                checks.append(
                    .warn("last completed run", "no completed run recorded yet", fix: "run `dingsync --init`"))
            }
            let failing = try store.failingInstanceCount(minAttempts: Self.failingAttempts)
            checks.append(
                failing == 0
                    ? .ok("failing instances", "none failed \(Self.failingAttempts) times or more")
                    : .warn(
                        "failing instances", "\(failing) instance(s) failed \(Self.failingAttempts) times or more",
                        fix:
                            "their errors: \(config.database.type == .mysql ? "mysql \(config.database.mysql.database) -e" : "sqlite3 \(config.sync.stateDB)") \"select instance_id, attempts, error from failed_instances\""
                    ))
            checks.append(rowCheck(store))
            if let mapping = try mappingCheck(store) { checks.append(mapping) }
        } catch {
            checks.append(
                .from(
                    error, name: "state database", fallbackFix: "the database cannot be read; restore it from a backup")
            )
        }
        return checks
    }

    /// Rows the ledger knows per table against `feishu.row_limit`.
    func rowCheck(_ store: StateStore) -> DoctorCheck {
        let limit = config.feishu.rowLimit
        let percent = config.notification.alerts.rowLimitPercent > 0 ? config.notification.alerts.rowLimitPercent : 90
        var parts: [String] = []
        var status = DoctorCheck.Status.ok
        let configured: [TableKind: String] = [
            .main: config.feishu.tables.main, .action: config.feishu.tables.action, .detail: config.feishu.tables.detail
        ]
        for kind in TableKind.allCases where kind == .main || configured[kind]?.isEmpty == false {
            let rows = (try? store.ledgerCount(kind)) ?? 0
            parts.append("\(kind.rawValue) \(rows) of \(limit) (\(rows * 100 / max(1, limit)) %)")
            if rows >= limit { status = .fail } else if rows * 100 >= percent * limit { status = max(status, .warn) }
        }
        let fix =
            "start a new table or base before it is full (DEPLOYMENT.md, \"Move to a new base or table\"); if your plan allows more rows, raise feishu.row_limit"
        return DoctorCheck(
            "Bitable rows", status, parts.joined(separator: ", ") + " rows", fix: status == .ok ? "" : fix)
    }

    /// The checkpoint file: readable, one entry per template, none older than the stale limit.
    func checkpointCheck(_ store: StateStore?) -> DoctorCheck {
        let name = "checkpoint"
        let backend = StateBackend(config)
        if backend.isServer, store == nil {
            return .warn(name, "kept in the database, which cannot be read now", fix: "see the state database line")
        }
        let checkpoints = backend.checkpoints(in: store)
        guard checkpoints.exists else {
            return .warn(
                name, "\(checkpoints.location) does not exist yet",
                fix: "run `dingsync --init` (the first sync writes it)")
        }
        let saved: [String: Date]
        do {
            saved = try checkpoints.load()
        } catch {
            return .fail(
                name, "\(error.path) \(error.problem)",
                fix: error.inDatabase
                    ? "check the database" : "fix the JSON (README, \"The checkpoint file\") or move the file away")
        }
        let codes = config.dingtalk.processCodes
        let missing = codes.filter { saved[$0] == nil }
        let stale = codes.compactMap { code -> String? in
            guard let date = saved[code], let staleLimit, now.timeIntervalSince(date) > staleLimit else { return nil }
            return "\(code) \(AlertRules.age(now.timeIntervalSince(date))) old"
        }
        if !missing.isEmpty {
            return .warn(
                name, "no checkpoint yet for \(missing.joined(separator: ", "))",
                fix:
                    "run `dingsync --init --process-code \(missing[0])` (an incremental run without a checkpoint lists only the last sync.default_hours)"
            )
        }
        let future = codes.filter { (saved[$0] ?? .distantPast) > now.addingTimeInterval(ServerClock.tolerance) }
        if !future.isEmpty {
            return .warn(
                name,
                "ahead of this machine's clock for \(future.joined(separator: ", ")) "
                    + "(\(future.compactMap { saved[$0] }.map { TimeText.format($0, config.sync.timeZone) }.joined(separator: ", ")))",
                fix:
                    "the next run moves it back to the newest mirrored instance and alerts; check the clock (NTP) and who edited it"
            )
        }
        if !stale.isEmpty {
            return .warn(
                name, "not advanced for more than \(config.sync.staleAfterHours) h: \(stale.joined(separator: ", "))",
                fix: "incremental runs are not completing: read the last run's summary, or run `dingsync` by hand")
        }
        let oldest = saved.filter { codes.contains($0.key) }.values.min()
        let when =
            oldest.map {
                " (oldest \(TimeText.format($0, config.sync.timeZone)), \(AlertRules.age(now.timeIntervalSince($0))) ago)"
            } ?? ""
        return .ok(name, "\(codes.count) template(s) synced\(when)")
    }

    /// The log file's folder exists and is writable, or can be created.
    func logFolderCheck() -> DoctorCheck {
        let file = config.logging.file
        guard !file.isEmpty else { return .ok("log folder", "file logging is off (logging.file is empty)") }
        let folder = (file as NSString).deletingLastPathComponent
        let fm = FileManager.default
        if fm.fileExists(atPath: file), !fm.isWritableFile(atPath: file) {
            return .fail(
                "log folder", "\(file) is not writable",
                fix: "give the user that runs dingsync write permission, or change logging.file")
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: folder, isDirectory: &isDir) {
            guard isDir.boolValue, fm.isWritableFile(atPath: folder) else {
                return .fail(
                    "log folder", "\(folder) is \(isDir.boolValue ? "not writable" : "not a folder")",
                    fix: "give the user that runs dingsync write permission, or change logging.file")
            }
            return .ok("log folder", "\(folder) is writable")
        }
        guard let ancestor = Self.existingAncestor(folder) else {
            return .fail("log folder", "\(folder) cannot be created", fix: "change logging.file")
        }
        _ = fm.fileExists(atPath: ancestor, isDirectory: &isDir)
        guard isDir.boolValue, fm.isWritableFile(atPath: ancestor) else {
            return .fail(
                "log folder",
                "\(folder) cannot be created: \(ancestor) is \(isDir.boolValue ? "not writable" : "a file, not a folder")",
                fix: "create the folder for the user that runs dingsync, or change logging.file")
        }
        return .ok("log folder", "\(folder) will be created on the first run")
    }

    /// Free space where the state database and the log live.
    func diskChecks() -> [DoctorCheck] {
        var seen = Set<String>()
        var checks: [DoctorCheck] = []
        for path in [config.sync.stateDB, config.logging.file] where !path.isEmpty {
            guard let folder = Self.existingAncestor((path as NSString).deletingLastPathComponent),
                let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder),
                let free = attributes[.systemFreeSize] as? NSNumber
            else { continue }
            // one line per file system
            guard seen.insert((attributes[.systemNumber] as? NSNumber)?.stringValue ?? folder).inserted else {
                continue
            }
            let bytes = free.int64Value
            let text = "\(Self.size(bytes)) free at \(folder)"
            if bytes < Self.failFreeBytes {
                checks.append(
                    .fail(
                        "disk space", text,
                        fix: "free space: the state database and the log cannot grow (old rotated logs, backups)"))
            } else if bytes < Self.warnFreeBytes {
                checks.append(.warn("disk space", text, fix: "free some space soon (old rotated logs, backups)"))
            } else {
                checks.append(.ok("disk space", text))
            }
        }
        return checks
    }

    /// DingTalk calls this month against `dingtalk.monthly_quota`, and the projection.
    func quotaCheck(_ store: StateStore?) -> DoctorCheck {
        let calls =
            (try? store?.calls(month: QuotaProjection.monthKey(now, config.sync.timeZone), platform: "dingtalk")) ?? [:]
        let quota = QuotaProjection(
            calls: calls, quota: config.dingtalk.monthlyQuota, now: now, timeZone: config.sync.timeZone)
        if quota.exhausted {
            return .fail(
                "API quota", quota.text,
                fix: "DingTalk refuses calls until next month (90020); upgrade the edition for a larger quota")
        }
        if quota.overLimit {
            return .warn(
                "API quota", quota.text,
                fix: "run less often (crontab), run --full-check weekly instead of nightly, or raise the quota")
        }
        return .ok("API quota", quota.text)
    }

    static func existingAncestor(_ path: String) -> String? {
        var probe = path.isEmpty ? "/" : path
        while !FileManager.default.fileExists(atPath: probe) {
            let parent = (probe as NSString).deletingLastPathComponent
            if parent == probe || parent.isEmpty { return nil }
            probe = parent
        }
        return probe
    }

    static func size(_ bytes: Int64) -> String {
        let gib = Double(bytes) / 1_073_741_824
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / 1_048_576)
    }
}
