import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Human-readable text of a plan, in the configured time zone.
public enum PlanDescription {
    public static func text(_ plan: SyncPlan, timeZone: TimeZone, dryRun: Bool) -> String {
        var lines = ["\(dryRun ? "dry run: " : "")\(plan.mode.name) run, \(plan.windows.count) template(s):"]
        for (code, slices) in plan.windows {
            for slice in slices {
                lines.append(
                    "  \(code): list instances created \(TimeText.format(slice.start, timeZone)) … \(TimeText.format(slice.end, timeZone))"
                )
            }
        }
        lines += plan.notes.map { "  note: \($0)" }
        lines.append(
            plan.advancesCheckpoint
                ? "  the checkpoint moves forward when every instance is written"
                : "  a backfill does not move the incremental checkpoint")
        return lines.joined(separator: "\n")
    }
}
