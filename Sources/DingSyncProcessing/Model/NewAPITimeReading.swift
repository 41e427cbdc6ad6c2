import DingSyncBasics
import Foundation

/// How to read the new API's `...Z` times (`dingtalk.time_zone_of_new_api`, SPEC 4.6).
public enum NewAPITimeReading: String, Sendable, Codable, CaseIterable {
    /// The `Z` is true: the fields are UTC (what the SDK says).
    case utc
    /// The `Z` is stuck on: the fields are wall clock in `sync.timezone` (what a capture shows).
    case local
}

/// The outcome of the `auto` rule for one instance: the reading its data supports, and why.
public struct NewAPITimeReadingDetection: Sendable, Equatable {
    /// The reading the instance proves, or nil when it proves none (SPEC 4.6: then `local`,
    /// unless a later instance proves one).
    public var reading: NewAPITimeReading?
    /// One line for the run log saying which reading was chosen and why.
    public var reason: String

    /// Creates a detection result.
    public init(reading: NewAPITimeReading?, reason: String) {
        self.reading = reading
        self.reason = reason
    }
}

extension NewAPITimeReading {
    /// How far (in seconds) a reading of a minute-precision `createTime` may be from the
    /// id's epoch seconds and still match: new-API times drop the seconds.
    public static let matchTolerance: Int64 = 60

    /// The epoch seconds an instance id ends with (its creation time; reference §3.5), or nil
    /// when the id does not end with 10 digits.
    public static func creationEpochSeconds(inInstanceId instanceId: String) -> Int64? {
        let bytes = Array(instanceId.utf8)
        guard bytes.count >= 10 else { return nil }
        let tail = bytes.suffix(10)
        guard tail.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(String(decoding: tail, as: UTF8.self))
    }

    /// The SPEC 4.6 `auto` rule for one instance, as a pure function.
    ///
    /// `.utc` when `createTime` read as UTC is within ``matchTolerance`` of the epoch seconds
    /// the id ends with, `.local` when read as wall clock in `timeZone` it is; nil when the id
    /// carries no time, `createTime` is missing, unparseable or carries a real offset (then no
    /// reading is needed), or neither reading matches. UTC wins when both match (a zone at
    /// UTC+0, where the readings agree).
    public static func detect(
        instanceId: String, createTime: String?, timeZone: TimeZone = DingTalkTime.defaultTimeZone
    ) -> NewAPITimeReadingDetection {
        guard let idSeconds = creationEpochSeconds(inInstanceId: instanceId) else {
            return .init(
                reading: nil,
                reason: "instance \(instanceId): id does not end with "
                    + "10-digit epoch seconds, so it cannot tell how to read new-API times")
        }
        let idTime = DingTalkTime.format(Date(timeIntervalSince1970: Double(idSeconds)))
        guard let createTime, let stamp = DingTalkTimestamp(createTime) else {
            return .init(
                reading: nil,
                reason: "instance \(instanceId): createTime "
                    + "\(createTime.map { "\"\($0)\"" } ?? "missing") cannot be read, so it cannot "
                    + "tell how to read new-API times")
        }
        if case .seconds = stamp.offset {
            return .init(
                reading: nil,
                reason: "instance \(instanceId): createTime \"\(createTime)\" "
                    + "carries an explicit offset, so it does not tell how to read `Z` times")
        }
        let asUTC = Int64(stamp.date(offsetSeconds: 0).timeIntervalSince1970.rounded(.down))
        let asLocal = Int64(stamp.date(in: timeZone).timeIntervalSince1970.rounded(.down))
        let zoneName = timeZone.identifier
        let head =
            "instance \(instanceId): id ends with epoch \(idSeconds) (\(idTime) UTC); "
            + "createTime \"\(createTime)\""
        if abs(idSeconds - asUTC) < matchTolerance {
            return .init(reading: .utc, reason: head + " read as UTC matches it → reading new-API times as UTC")
        }
        if abs(idSeconds - asLocal) < matchTolerance {
            return .init(
                reading: .local,
                reason: head + " read as \(zoneName) wall time matches it "
                    + "→ reading new-API times as \(zoneName) wall time (the Z is not a real UTC marker)")
        }
        return .init(
            reading: nil,
            reason: head + " matches neither reading (as UTC: "
                + "\(DingTalkTime.format(Date(timeIntervalSince1970: Double(asUTC)))) UTC; as \(zoneName): "
                + "\(DingTalkTime.format(Date(timeIntervalSince1970: Double(asLocal)))) UTC)")
    }

    /// The `auto` rule applied to a whole new-API detail response body.
    ///
    /// Throws ``DingTalkDecodingError`` when the body cannot be decoded.
    public static func detect(
        responseBody body: Data, instanceId: String, timeZone: TimeZone = DingTalkTime.defaultTimeZone
    ) throws(DingTalkDecodingError) -> NewAPITimeReadingDetection {
        let payload = try NewInstanceDetailBody.payload(from: body, instanceId: instanceId)
        return detect(instanceId: instanceId, createTime: payload.createTime, timeZone: timeZone)
    }
}
