import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Mean, median, p90 (``StatsMath/percentile(_:_:)``), min and max of the durations in days
    /// of finished instances, and the share finished within `slaDays`.
    public static func efficiency(_ instances: [StatsInstance], slaDays: Int) -> EfficiencyStats {
        let durations = instances.compactMap(\.durationDays)
        let within = durations.filter { $0 <= Double(slaDays) }.count
        return EfficiencyStats(
            finished: durations.count, meanDays: StatsMath.mean(durations), medianDays: StatsMath.median(durations),
            p90Days: StatsMath.percentile(durations, 0.9), minDays: durations.min(), maxDays: durations.max(),
            slaDays: slaDays, withinSLA: within, withinSLAShare: StatsMath.ratio(within, durations.count))
    }

    /// ``efficiency(_:slaDays:)`` per template, most finished first.
    public static func efficiencyByTemplate(
        _ instances: [StatsInstance], names: [String: String],
        slaDays: Int
    ) -> [TemplateEfficiency] {
        Dictionary(grouping: instances, by: \.processCode).map { code, members in
            TemplateEfficiency(
                processCode: code, name: names[code] ?? code, efficiency: efficiency(members, slaDays: slaDays))
        }.sorted { ($0.efficiency.finished, $1.processCode) > ($1.efficiency.finished, $0.processCode) }
    }

    /// Per approver: their own decisions (EXECUTE_TASK_NORMAL/AGENT records; agreed, refused), the
    /// mean hours from a task's creation to its completion over their COMPLETED tasks, and their
    /// RUNNING tasks. Most actions first, then most pending, then name.
    public static func approverLoad(_ data: StatsDataset) -> [ApproverStats] {
        var rows: [String: ApproverStats] = [:]
        var hours: [String: [Double]] = [:]
        func row(_ key: String, _ name: String) -> ApproverStats {
            rows[key]
                ?? ApproverStats(
                    userId: key, name: name, actions: 0, agreed: 0, refused: 0,
                    completedTasks: 0, meanHoursToAct: nil, pendingTasks: 0)
        }
        for action in data.actions where action.isApproverAction && !action.userKey.isEmpty {
            var stats = row(action.userKey, action.userLabel)
            stats.actions += 1
            switch action.result.uppercased() {
            case "AGREE": stats.agreed += 1
            case "REFUSE": stats.refused += 1
            default: break
            }
            rows[action.userKey] = stats
        }
        for task in data.tasks where !task.userKey.isEmpty {
            switch task.status.uppercased() {
            case "COMPLETED":
                guard let created = task.createTime, let finished = task.finishTime, finished >= created else {
                    continue
                }
                var stats = row(task.userKey, task.userLabel)
                stats.completedTasks += 1
                rows[task.userKey] = stats
                hours[task.userKey, default: []].append(Double(finished - created) / StatsMath.millisecondsPerHour)
            case "RUNNING":
                var stats = row(task.userKey, task.userLabel)
                stats.pendingTasks += 1
                rows[task.userKey] = stats
            default:
                continue
            }
        }
        return rows.values.map { stats in
            var stats = stats
            stats.meanHoursToAct = StatsMath.mean(hours[stats.userId] ?? [])
            return stats
        }.sorted {
            ($0.actions, $0.pendingTasks, $1.name, $1.userId) > ($1.actions, $1.pendingTasks, $0.name, $0.userId)
        }
    }
}
