import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct TimeArgumentTests {
    let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    func ms(_ text: String, _ role: TimeArgument.Role = .start, zone: TimeZone? = nil) throws -> Int64 {
        Int64(
            (try TimeArgument.parse(text, role: role, timeZone: zone ?? shanghai, flag: "--start-time")
                .timeIntervalSince1970 * 1000).rounded())
    }

    @Test(arguments: [
        ("2025-04-01 09:15:23", TimeArgument.Role.start, Int64(1_743_470_123_000)),
        ("2025-04-01 09:15", .start, 1_743_470_100_000),
        ("2025-04-01", .start, 1_743_436_800_000),  // 00:00 Beijing
        ("2025-04-01", .end, 1_743_523_199_999),  // 23:59:59.999 Beijing
        ("2025-04-01T09:15:23+08:00", .start, 1_743_470_123_000),
        ("2025-04-01T01:15:23Z", .start, 1_743_470_123_000),
        ("2025-04-01T01:15:23.5Z", .start, 1_743_470_123_500),
        ("2025-04-01T09:15:23+0800", .start, 1_743_470_123_000),
        ("2025-03-31T20:15:23-05:00", .start, 1_743_470_123_000),
        ("2025-04-01T09:15:23", .start, 1_743_470_123_000)  // no offset → sync.timezone
    ])
    func formats(text: String, role: TimeArgument.Role, expected: Int64) throws {
        #expect(try ms(text, role) == expected)
    }

    @Test func zoneComesFromConfig() throws {
        #expect(try ms("2025-04-01 00:00:00", zone: TimeZone(identifier: "UTC")!) == 1_743_465_600_000)
    }

    @Test(arguments: [
        "", "yesterday", "2025-13-01", "2025-02-30", "2025-04-01 25:00", "2025/04/01", "2025-04-01 09:15:23 +08:00x",
        "1743470123", "2025-04-01T09:15:23+99:00", "2025-4-1"
    ])
    func rejects(text: String) {
        #expect(throws: TimeArgumentError.self) {
            _ = try TimeArgument.parse(text, role: .start, timeZone: shanghai, flag: "--start-time")
        }
    }

    @Test func errorExplainsFormats() {
        let e = TimeArgumentError(flag: "--end-time", value: "tomorrow")
        #expect(e.localizedDescription.contains("--end-time \"tomorrow\""))
        #expect(e.localizedDescription.contains("yyyy-MM-dd HH:mm:ss"))
        #expect(e.exitStatus == .usage)
    }

    @Test func rangeEndBeforeStart() {
        #expect {
            _ = try TimeArgument.parseRange(
                start: "2025-05-01", end: "2025-04-01", timeZone: shanghai, startFlag: "--from", endFlag: "--to")
        } throws: { error in
            (error as? SyncPlanError) == .endBeforeStart(start: "2025-05-01 00:00:00", end: "2025-04-01 23:59:59")
        }
    }
}
