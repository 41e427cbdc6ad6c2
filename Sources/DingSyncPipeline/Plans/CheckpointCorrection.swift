import DingSyncBasics
import DingSyncClients
import Foundation

/// A checkpoint ahead of DingTalk's clock (a local clock that ran ahead, a hand edit) would list
/// nothing created before it: it is moved back to the creation time of the newest instance the
/// state database holds for the template (or `sync.default_hours` back). Pure but for the
/// lookup of that creation time, which the caller passes in.
public struct CheckpointCorrection: Sendable, Equatable {
    public var code: String
    public var checkpoint: Date
    public var corrected: Date
    public var apiNow: Date

    public static func make(
        _ saved: [String: Date], apiNow: Date, processCodes: [String], defaultHours: Int,
        newestMirrored: (String) throws -> Date?
    ) rethrows -> [CheckpointCorrection] {
        try processCodes.compactMap { code in
            guard let checkpoint = saved[code], checkpoint > apiNow.addingTimeInterval(ServerClock.tolerance) else {
                return nil
            }
            let fallback = apiNow.addingTimeInterval(-TimeInterval(defaultHours * 3600))
            let corrected = min(try newestMirrored(code) ?? fallback, apiNow)
            return CheckpointCorrection(code: code, checkpoint: checkpoint, corrected: corrected, apiNow: apiNow)
        }
    }

    /// The line for the log and the summary.
    public func text(_ zone: TimeZone) -> String {
        "\(code): the checkpoint \(TimeText.format(checkpoint, zone)) is ahead of DingTalk's clock "
            + "(\(TimeText.format(apiNow, zone))); listing from \(TimeText.format(corrected, zone)) instead "
            + "(the newest instance the state database holds) and saving a corrected checkpoint"
    }
}
