import DingSyncBasics
import Foundation

extension TimeArgument {
    /// Parses an optional start/end pair of flags and checks that the end is not before the start.
    public static func parseRange(
        start: String?, end: String?, timeZone: TimeZone,
        startFlag: String, endFlag: String
    ) throws -> (start: Date?, end: Date?) {
        let s = try start.map { try parse($0, role: .start, timeZone: timeZone, flag: startFlag) }
        let e = try end.map { try parse($0, role: .end, timeZone: timeZone, flag: endFlag) }
        if let s, let e, e < s {
            throw SyncPlanError.endBeforeStart(start: TimeText.format(s, timeZone), end: TimeText.format(e, timeZone))
        }
        return (s, e)
    }
}
