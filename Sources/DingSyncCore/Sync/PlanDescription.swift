import Foundation

/// Human-readable text of a plan, in the configured time zone.
public enum PlanDescription {
    public static func text(_ plan: SyncPlan, timeZone: TimeZone, dryRun: Bool) -> String {
        var lines = ["\(dryRun ? "dry run: " : "")\(plan.mode.name) run, \(plan.windows.count) template(s):"]
        for (code, slices) in plan.windows {
            for slice in slices {
                lines.append("  \(code): list instances created \(format(slice.start, timeZone)) … \(format(slice.end, timeZone))")
            }
        }
        lines += plan.notes.map { "  note: \($0)" }
        lines.append(plan.advancesCheckpoint ? "  the checkpoint moves forward when every instance is written"
                                             : "  a backfill does not move the incremental checkpoint")
        return lines.joined(separator: "\n")
    }

    /// `yyyy-MM-dd HH:mm:ss` in `timeZone`.
    public static func format(_ date: Date, _ timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
