import Foundation
import Testing

/// `stats`, `report` and `export` on a mirror filled by a real sync from the sandbox, checked
/// against the sandbox's own instance list and read back by independent readers (python3).
@Suite(.serialized) struct StatsCommandTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = shanghai
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    static func month(_ date: Date) -> String { String(day(date).prefix(7)) }

    /// Runs python3 with a script and arguments; returns stdout.
    static func python(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static var inspector: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/xlsx-inspect").path
    }

    @Test func statsReportAndExportFromASyncedMirror() throws {
        let sandbox = try SandboxProcess(["--instances", "80", "--days", "40"])

        let before = try sandbox.dingsync(["stats"])
        #expect(before.status == 2)
        #expect(
            before.stderr.contains("no state database at \(sandbox.folder)/dingsync.sqlite: run a sync first"),
            "\(before.stderr)")

        let sync = try sandbox.dingsync(["--start-time", Self.day(Date().addingTimeInterval(-41 * 86_400))])
        #expect(sync.status == 0, "\(sync.stdout)\n\(sync.stderr)")
        let instances = try sandbox.instances()
        #expect(instances.count == 80)
        let texts = instances.map { expectedStatus($0["status"] as? String ?? "", $0["result"] as? String ?? "") }
        func count(_ text: String) -> Int { texts.filter { $0 == text }.count }

        // a template the configuration and the mirror do not know is refused, not an empty period
        let unknown = try sandbox.dingsync(["stats", "--template", "PROC-NOPE"])
        #expect(unknown.status == 64, "\(unknown.stdout)")
        #expect(unknown.stderr.contains("--template PROC-NOPE is not a template"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains(sandbox.processCodesFromConfig.sorted().first ?? "?"), "\(unknown.stderr)")

        // stats --format json agrees with the sandbox's own counts
        let stats = try sandbox.dingsync(["stats", "--format", "json"])
        #expect(stats.status == 0, "\(stats.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        let overview = try #require(root["overview"] as? [String: Any])
        #expect(overview["created"] as? Int == 80)
        #expect(overview["approved"] as? Int == count("已同意"))
        #expect(overview["refused"] as? Int == count("已拒绝"))
        #expect(overview["revoked"] as? Int == count("已撤销"))
        #expect(overview["cancelled"] as? Int == count("已取消"))
        #expect(overview["running"] as? Int == count("审批中"))
        let finished = 80 - count("审批中")
        #expect(overview["finished"] as? Int == finished)
        if finished > 0 {
            #expect(
                abs(((overview["pass_rate"] as? NSNumber)?.doubleValue ?? -1) - Double(count("已同意")) / Double(finished))
                    < 0.0001)
        }
        let applicants = Set(instances.compactMap { $0["originator_userid"] as? String }).count
        #expect(overview["applicants"] as? Int == applicants)
        let monthly = try #require(root["monthly"] as? [[String: Any]])
        #expect(monthly.reduce(0) { $0 + ($1["created"] as? Int ?? 0) } == 80)
        let table = try sandbox.dingsync(["stats", "--from", Self.day(Date().addingTimeInterval(-7 * 86_400))])
        #expect(table.status == 0 && table.stdout.contains("== 总体概览 =="))

        // report for the month of the newest instance (this month, unless it has none yet)
        let createTimes = instances.compactMap { ($0["create_time"] as? NSNumber)?.int64Value }
        let newest = Date(timeIntervalSince1970: Double(createTimes.max() ?? 0) / 1000)
        let month = Self.month(newest)
        let inMonth = createTimes.filter { Self.month(Date(timeIntervalSince1970: Double($0) / 1000)) == month }.count
        let reportPath = sandbox.folder + "/report.xlsx"
        let report = try sandbox.dingsync(["report", "--month", month, "-o", reportPath])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("3 charts"))
        let book = try #require(
            try JSONSerialization.jsonObject(with: Data(try Self.python([Self.inspector, reportPath]).utf8))
                as? [String: Any])
        let sheets = book["sheets"] as? [[String: Any]] ?? []
        #expect(
            sheets.map { $0["name"] as? String } == [
                "总体概览", "部门统计", "类别统计", "个人排行榜", "处理效率分析", "月度趋势", "审批人负载", "异常与瓶颈", "时效与超期"
            ])
        #expect(book["charts"] as? Int == 3)
        let cells = sheets.first?["cells"] as? [String: Any] ?? [:]
        let toDate = month == Self.month(Date()) ? "（至今）" : ""  // a month still running says so
        #expect(cells["A1"] as? String == "审批统计月报 · \(month)\(toDate) · 总体概览")
        let createdRef = cells.first { $0.value as? String == "创建" }.map { "B" + $0.key.dropFirst() }
        #expect((cells[createdRef ?? ""] as? NSNumber)?.intValue == inMonth)

        // a month before the first mirrored instance is a report that says "no data" (not 0)
        let emptyPath = sandbox.folder + "/empty.xlsx"
        let empty = try sandbox.dingsync(["report", "--month", "2020-01", "-o", emptyPath])
        #expect(empty.status == 0, "\(empty.stderr)")
        let emptyBook = try #require(
            try JSONSerialization.jsonObject(with: Data(try Self.python([Self.inspector, emptyPath]).utf8))
                as? [String: Any])
        let emptyCells = (emptyBook["sheets"] as? [[String: Any]])?.first?["cells"] as? [String: Any] ?? [:]
        #expect((emptyCells["A3"] as? String)?.hasPrefix("无数据：2020-01 早于状态库中的第一个实例") == true)
        #expect(emptyCells.values.contains { $0 as? String == "无数据" })

        // export: BOM, header, one record per instance (read with python's csv module)
        let csvPath = sandbox.folder + "/export.csv"
        let export = try sandbox.dingsync([
            "export", "--from", Self.day(Date().addingTimeInterval(-41 * 86_400)), "-o", csvPath, "--actions"
        ])
        #expect(export.status == 0, "\(export.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csvPath))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let summary = try Self.python([
            "-c",
            """
            import csv, sys
            rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            actions = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
            print(rows[0][0], rows[0][4], len(rows) - 1, len(actions) - 1, len({r[0] for r in rows[1:]}))
            """, csvPath, sandbox.folder + "/export-actions.csv"
        ])
        let records = instances.reduce(0) { $0 + (($1["records"] as? NSNumber)?.intValue ?? 0) }
        #expect(summary.trimmingCharacters(in: .whitespacesAndNewlines) == "实例ID 状态 80 \(records) 80")
    }

    /// `report --week`, `--template` on report and export (an unknown code refused with exit 64),
    /// and `export --headers names|keys`, on a mirror synced from the sandbox.
    @Test func weeklyReportTemplatesAndExportHeaders() throws {
        let sandbox = try SandboxProcess(["--instances", "60", "--days", "20"])
        let sync = try sandbox.dingsync(["--start-time", Self.day(Date().addingTimeInterval(-21 * 86_400))])
        #expect(sync.status == 0, "\(sync.stdout)\n\(sync.stderr)")
        let codes = sandbox.processCodesFromConfig.sorted()
        let code = try #require(codes.first)

        for command in [["report", "--month", "2025-04"], ["export", "-o", sandbox.folder + "/x.csv"]] {
            let refused = try sandbox.dingsync(command + ["--template", "PROC-NOPE"])
            #expect(refused.status == 64, "\(command[0]): \(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("--template PROC-NOPE is not a template"), "\(refused.stderr)")
            #expect(refused.stderr.contains(code), "\(command[0]) names the known codes: \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: sandbox.folder + "/x.csv"))
        #expect(try sandbox.dingsync(["report", "--week", "2025-W53"]).status == 64)  // 2025 has 52 weeks
        #expect(try sandbox.dingsync(["report", "--month", "2025-04", "--week", "2025-W17"]).status == 64)
        #expect(try sandbox.dingsync(["report"]).status == 64)

        // this ISO week in Asia/Shanghai, of one template: its instances, marked as running ("至今")
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = Self.shanghai
        let now = Date()
        let week = String(
            format: "%04d-W%02d", calendar.component(.yearForWeekOfYear, from: now),
            calendar.component(.weekOfYear, from: now))
        let weekStart = try #require(calendar.dateInterval(of: .weekOfYear, for: now)?.start)
        let expected = try sandbox.instances(processCode: code).filter {
            let created = Double(($0["create_time"] as? NSNumber)?.int64Value ?? 0) / 1000
            return created >= weekStart.timeIntervalSince1970
        }.count
        let path = sandbox.folder + "/week.xlsx"
        let report = try sandbox.dingsync(["report", "--week", week, "--template", code, "-o", path])
        #expect(report.status == 0, "\(report.stderr)")
        let book = try #require(
            try JSONSerialization.jsonObject(with: Data(try Self.python([Self.inspector, path]).utf8)) as? [String: Any]
        )
        let sheets = book["sheets"] as? [[String: Any]] ?? []
        let cells = sheets.first?["cells"] as? [String: Any] ?? [:]
        #expect(cells["A1"] as? String == "审批统计周报 · \(week)（至今） · 总体概览")
        #expect((cells["A2"] as? String)?.contains("模板 \(code)") == true, "\(cells["A2"] ?? "")")
        let createdRef = cells.first { $0.value as? String == "创建" }.map { "B" + $0.key.dropFirst() }
        #expect((cells[createdRef ?? ""] as? NSNumber)?.intValue == expected)
        for sheet in sheets {
            #expect((sheet["print_titles"] as? String)?.hasSuffix("$1:$2") == true, "\(sheet["name"] ?? "")")
            #expect((sheet["footer"] as? String)?.contains("&P") == true)
        }

        // export: Chinese names by default, keys on request; --template keeps only that template
        let names = sandbox.folder + "/names.csv"
        let keys = sandbox.folder + "/keys.csv"
        #expect(try sandbox.dingsync(["export", "-o", names, "--template", code]).status == 0)
        #expect(try sandbox.dingsync(["export", "-o", keys, "--headers", "keys"]).status == 0)
        let read = try Self.python([
            "-c",
            """
            import csv, sys
            a = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            b = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
            print(a[0][0], a[0][1], a[0][2], len(a) - 1, len({r[2] for r in a[1:]}), b[0][0], b[0][1], len(b) - 1)
            """, names, keys
        ])
        let all = try sandbox.instances().count
        let ofCode = try sandbox.instances(processCode: code).count
        #expect(
            read.trimmingCharacters(in: .whitespacesAndNewlines)
                == "实例ID 审批编号 模板编码 \(ofCode) \(ofCode == 0 ? 0 : 1) instance_id business_id \(all)")
    }
}
