import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("The Date header follows the sandbox clock")
struct DateHeaderTests {
    /// Reads an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) into epoch ms.
    static func parseHTTPDate(_ text: String?) -> Int64? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }

    static let imfFixdate =
        #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$"#

    @Test func imfFixdateFormat() {
        #expect(TimeFormat.httpDate(784_111_777_000) == "Sun, 06 Nov 1994 08:49:37 GMT")  // RFC 7231's example
        #expect(TimeFormat.httpDate(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(TimeFormat.httpDate(Harness.fixedNow) == "Tue, 01 Apr 2025 03:00:00 GMT")
        #expect(TimeFormat.httpDate(951_782_400_999) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(TimeFormat.httpDate(-1000) == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    @Test func everyFamilyCarriesTheSandboxClock() async throws {
        try await Harness.with({ $0.instances = 10 }) { h in
            let now = h.sandbox.nowMs  // the sandbox clock before any answer (it runs on)
            let token = try await h.dingtalkToken()
            let ft = try await h.feishuToken()
            let id = try #require(try await h.instances().first?["id"]?.stringValue)
            let webhookPath = String(h.sandbox.webhookURL.dropFirst(h.sandbox.baseURL.count))
            let answers: [(String, HTTPAnswer)] = [
                (
                    "legacy",
                    try await h.legacy(
                        "/topapi/processinstance/get", ["process_instance_id": .string(id)], token: token)
                ),
                ("legacy error", try await h.legacy("/topapi/processinstance/get", [:], token: "bad")),
                (
                    "new",
                    try await h.new(
                        "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", id)], token: token)
                ),
                (
                    "new error",
                    try await h.new(
                        "GET", "/v1.0/workflow/processInstances", query: [("processInstanceId", "x")], token: token)
                ),
                ("feishu", try await h.feishu("GET", h.tablesPath, token: ft)),
                ("feishu token", try await h.client.post("/open-apis/auth/v3/tenant_access_token/internal", [:])),
                ("bot", try await h.client.post(webhookPath, ["msg_type": "text"])),
                ("admin", try await h.client.get("/__admin/clock")),
                ("unknown path", try await h.client.get("/nowhere"))
            ]
            // the sandbox clock runs on: every answer is dated between the start and now (a loaded
            // machine may take seconds to get here), with the header's whole-second precision
            let until = try #require(try await h.client.admin("GET", "clock")["now_ms"]?.int64Value)
            for (name, answer) in answers {
                let date = answer.header("Date")
                #expect(
                    date?.range(of: Self.imfFixdate, options: .regularExpression) != nil,
                    "\(name): \(date ?? "no Date")")
                let ms = try #require(Self.parseHTTPDate(date), "\(name)")
                // Pinned at 2025-04-01 03:00 UTC, far from the machine's clock; seconds precision.
                #expect(ms >= now - 1000 && ms <= until + 1000, "\(name): \(date ?? "")")
            }

            // The admin clock moves it, forwards and (negative seconds) backwards. The clock runs on
            // meanwhile (a loaded machine may take long between calls): each shift is checked between
            // the sandbox clock read just before and just after it, with the header's second precision.
            func clock() async throws -> Int64 {
                try #require(try await h.client.admin("GET", "clock")["now_ms"]?.int64Value)
            }
            let beforeForward = try await clock()
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": 7200])
            let later = try #require(Self.parseHTTPDate(try await h.client.get("/__admin/info").header("Date")))
            let afterForward = try await clock()
            #expect(later >= beforeForward + 7_200_000 - 1000 && later <= afterForward + 1000)
            let beforeBack = try await clock()
            let back = try await h.client.admin("POST", "clock/advance", ["seconds": .int(-86400 * 3)])
            let backMs = try #require(back["now_ms"]?.int64Value)
            let afterBack = try await clock()
            #expect(backMs >= beforeBack - 3 * 86_400_000 - 1000 && backMs <= afterBack)
            let earlier = try #require(
                Self.parseHTTPDate(try await h.feishu("GET", h.tablesPath, token: ft).header("Date")))
            let afterEarlier = try await clock()
            #expect(earlier >= backMs - 1000 && earlier <= afterEarlier + 1000)
            #expect(h.sandbox.nowMs < now)
            // Not a number → refused.
            #expect(try await h.client.call("POST", "/__admin/clock/advance", json: ["seconds": "soon"]).status == 400)

            // A custom fault may set its own Date.
            try await h.client.inject(
                "feishu.tables.list", "custom",
                extra: [("status", 200), ("body", ["code": 0]), ("headers", ["Date": "Mon, 01 Jan 2001 00:00:00 GMT"])])
            #expect(
                try await h.feishu("GET", h.tablesPath, token: ft).header("Date") == "Mon, 01 Jan 2001 00:00:00 GMT")
        }
    }

    @Test func negativeAdvanceGoesBehindTheMachineClock() async throws {
        // Unpinned: the sandbox starts at the machine's clock; one hour back is one hour behind it.
        try await Harness.with({
            $0.instances = 5
            $0.nowMs = nil
        }) { h in
            _ = try await h.client.admin("POST", "clock/advance", ["seconds": -3600])
            let answer = try await h.client.get("/__admin/clock")
            let served = try #require(Self.parseHTTPDate(answer.header("Date")))
            let machine = Int64(Date().timeIntervalSince1970 * 1000)
            // The clock runs on (a loaded machine); the shift is hours or days.
            #expect(abs(machine - 3_600_000 - served) < 60_000)
        }
    }
}
