import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite("DingTalk time parsing")
struct DingTalkTimeTests {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo") ?? DingTalkTime.utc
    static let berlin = TimeZone(identifier: "Europe/Berlin") ?? DingTalkTime.utc

    @Test(
        "legacy wall times in Asia/Shanghai",
        arguments: [
            ("2025-04-01 09:15:23", Int64(1_743_470_123_000)),
            ("2025-04-01 09:15", 1_743_470_100_000),
            ("2025-04-01", 1_743_436_800_000),
            ("  2025-04-01 09:15:23 ", 1_743_470_123_000),
            ("2025-04-01T09:15:23", 1_743_470_123_000),
            ("2024-02-29 23:59:59", 1_709_222_399_000),
            ("1743470123000", 1_743_470_123_000),
            ("1743470123", 1_743_470_123_000),
            ("2025-04-01 01:15:23Z", 1_743_470_123_000),
            ("2025-04-01 10:15:23+09:00", 1_743_470_123_000)
        ])
    func legacy(text: String, expected: Int64) {
        #expect(ms(DingTalkTime.parseLegacy(text)) == expected)
    }

    @Test("legacy wall time follows the given zone")
    func legacyOtherZone() {
        #expect(ms(DingTalkTime.parseLegacy("2025-04-01 09:15:23", timeZone: Self.tokyo)) == 1_743_466_523_000)
        #expect(ms(DingTalkTime.parseLegacy("2025-04-01 09:15:23", timeZone: DingTalkTime.utc)) == 1_743_498_923_000)
        // Berlin is on summer time (UTC+2) on 2025-04-01, winter time (UTC+1) on 2025-01-15.
        #expect(ms(DingTalkTime.parseLegacy("2025-04-01 12:00:00", timeZone: Self.berlin)) == 1_743_501_600_000)
        #expect(ms(DingTalkTime.parseLegacy("2025-01-15 12:00:00", timeZone: Self.berlin)) == 1_736_938_800_000)
    }

    @Test(
        "unreadable times are nil, never a crash",
        arguments: [
            "", "null", "2025/04/01 09:15:23", "2025-13-01 00:00:00", "2025-02-30", "2025-04-01 24:00:00",
            "2025-04-01 09:60", "2025-04-01 09:15:23 extra", "yesterday", "12345", "2025-04-01T09:15+25:00"
        ])
    func unreadable(text: String) {
        #expect(DingTalkTime.parseLegacy(text) == nil)
        #expect(DingTalkTime.parseNewAPI(text, reading: .utc) == nil)
    }

    @Test(
        "new-API times read as UTC or as local wall time",
        arguments: [
            ("2025-04-01T09:15Z", NewAPITimeReading.utc, Int64(1_743_498_900_000)),
            ("2025-04-01T09:15Z", .local, 1_743_470_100_000),
            ("2025-04-01T09:15:23Z", .utc, 1_743_498_923_000),
            ("2025-04-01T09:15:23.250Z", .utc, 1_743_498_923_250),
            ("2025-04-01T09:15:23.25Z", .local, 1_743_470_123_250),
            ("2025-04-01T09:15", .local, 1_743_470_100_000),
            ("2025-04-01T09:15+08:00", .utc, 1_743_470_100_000),
            ("2025-04-01T09:15+08:00", .local, 1_743_470_100_000),
            ("2025-04-01T09:15:00-0200", .local, 1_743_506_100_000),
            ("2025-04-01T09:15+08", .utc, 1_743_470_100_000)
        ])
    func newAPI(text: String, reading: NewAPITimeReading, expected: Int64) {
        #expect(ms(DingTalkTime.parseNewAPI(text, reading: reading)) == expected)
    }

    @Test("format renders a date in a zone")
    func format() {
        let date = Date(timeIntervalSince1970: 1_743_470_123)
        #expect(DingTalkTime.format(date) == "2025-04-01 01:15:23")
        #expect(DingTalkTime.format(date, in: DingTalkTime.defaultTimeZone) == "2025-04-01 09:15:23")
        #expect(DingTalkTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31 23:59:59")
    }

    @Test("civil date conversion round-trips across eras")
    func civilRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (year, month, day) = DingTalkTime.civil(fromDays: days)
            #expect(DingTalkTime.days(fromCivil: year, month, day) == days)
        }
    }

    @Test("parsing is safe from many threads at once")
    func concurrent() async {
        let results = await withTaskGroup(of: Int64?.self) { group in
            for _ in 0..<200 {
                group.addTask { ms(DingTalkTime.parseLegacy("2025-04-01 09:15:23")) }
            }
            var collected: [Int64?] = []
            for await value in group {
                collected.append(value)
            }
            return collected
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 == 1_743_470_123_000 })
    }
}

@Suite("The auto rule for new-API times (SPEC 4.6)")
struct NewAPITimeReadingTests {
    @Test(
        "the id's trailing epoch seconds",
        arguments: [
            ("oyTxr2qkQXqjgjJNZZATZQ00891743470123", Int64?(1_743_470_123)),
            ("1743470123", 1_743_470_123),
            ("a171de6c-8b2e-4c1d-9f00-abcdefabcdef", nil),
            ("short123", nil),
            ("oyTxr2qkQXqjgjJNZZATZQ0089174347012x", nil)
        ])
    func epochSuffix(id: String, expected: Int64?) {
        #expect(NewAPITimeReading.creationEpochSeconds(inInstanceId: id) == expected)
    }

    @Test(
        "decides utc, local or nothing",
        arguments: [
            // Beijing wall time with a Z stuck on (the real capture): id says 01:15:23 UTC.
            ("oyTxr2qkQXqjgjJNZZATZQ00891743470123", "2025-04-01T09:15Z", Optional<NewAPITimeReading>.some(.local)),
            // A true UTC time: the id says 09:15:23 UTC.
            ("oyTxr2qkQXqjgjJNZZATZQ00891743498923", "2025-04-01T09:15Z", .utc),
            // Minute precision: 59 s after the minute still matches.
            ("oyTxr2qkQXqjgjJNZZATZQ00891743498959", "2025-04-01T09:15Z", .utc),
            // Two minutes off: matches neither.
            ("oyTxr2qkQXqjgjJNZZATZQ00891743499043", "2025-04-01T09:15Z", nil),
            // No time in the id.
            ("a171de6c-8b2e-4c1d-9f00-abcdefabcdef", "2025-04-01T09:15Z", nil),
            // No createTime, or one with a real offset.
            ("oyTxr2qkQXqjgjJNZZATZQ00891743470123", nil, nil),
            ("oyTxr2qkQXqjgjJNZZATZQ00891743470123", "2025-04-01T09:15+08:00", nil)
        ])
    func detect(id: String, createTime: String?, expected: NewAPITimeReading?) {
        let detection = NewAPITimeReading.detect(instanceId: id, createTime: createTime)
        #expect(detection.reading == expected)
        #expect(detection.reason.contains(id))
    }

    @Test("the reason says which reading and why")
    func reasons() {
        let local = NewAPITimeReading.detect(
            instanceId: "oyTxr2qkQXqjgjJNZZATZQ00891743470123", createTime: "2025-04-01T09:15Z")
        #expect(
            local.reason == "instance oyTxr2qkQXqjgjJNZZATZQ00891743470123: id ends with epoch 1743470123 "
                + "(2025-04-01 01:15:23 UTC); createTime \"2025-04-01T09:15Z\" read as Asia/Shanghai wall time "
                + "matches it → reading new-API times as Asia/Shanghai wall time (the Z is not a real UTC marker)")
        let utc = NewAPITimeReading.detect(instanceId: "X1743498923", createTime: "2025-04-01T09:15Z")
        #expect(utc.reason.hasSuffix("read as UTC matches it → reading new-API times as UTC"))
        let neither = NewAPITimeReading.detect(instanceId: "X1743499043", createTime: "2025-04-01T09:15Z")
        #expect(neither.reason.contains("matches neither reading"))
        #expect(neither.reason.contains("as UTC: 2025-04-01 09:15:00 UTC"))
        #expect(neither.reason.contains("as Asia/Shanghai: 2025-04-01 01:15:00 UTC"))
        let noId = NewAPITimeReading.detect(instanceId: "uuid-like", createTime: "2025-04-01T09:15Z")
        #expect(noId.reason.contains("does not end with 10-digit epoch seconds"))
    }

    @Test("sync.timezone takes part in the local reading")
    func otherZone() {
        let tokyo = TimeZone(identifier: "Asia/Tokyo") ?? DingTalkTime.utc
        // 09:15 Tokyo = 00:15 UTC = 1743466500.
        let detection = NewAPITimeReading.detect(
            instanceId: "X1743466510", createTime: "2025-04-01T09:15Z", timeZone: tokyo)
        #expect(detection.reading == .local)
        #expect(NewAPITimeReading.detect(instanceId: "X1743466510", createTime: "2025-04-01T09:15Z").reading == nil)
    }

    @Test("detection from whole response bodies")
    func fromBodies() throws {
        let local = try NewAPITimeReading.detect(
            responseBody: Fixture.data("new_leave_completed_agree"), instanceId: "oyTxr2qkQXqjgjJNZZATZQ00891743470123")
        #expect(local.reading == .local)
        let utc = try NewAPITimeReading.detect(
            responseBody: Fixture.data("new_terminated_utc"), instanceId: "Qw7rT5yU3iO1pA9sD8fG6hJ41746498615")
        #expect(utc.reading == .utc)
        #expect(throws: DingTalkDecodingError.self) {
            try NewAPITimeReading.detect(responseBody: Fixture.data("new_error_not_exist"), instanceId: "X1")
        }
    }
}
