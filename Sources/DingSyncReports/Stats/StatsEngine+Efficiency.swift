import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Mean, median, p90 (``StatsMath/percentile(_:_:)``), min and max of the durations in days
    /// of finished instances, and service-level compliance: of the instances with a service level
    /// (`sla`), those final within it, over those final plus those still open and already past
    /// it at `now` (an open breach counts against the share; an open instance within its time is
    /// not counted yet).
    public static func efficiency(_ instances: [StatsInstance], sla: StatsSLA, now: Int64) -> EfficiencyStats {
        let durations = instances.compactMap(\.durationDays)
        var stats = EfficiencyStats(
            finished: durations.count, meanDays: StatsMath.mean(durations), medianDays: StatsMath.median(durations),
            p90Days: StatsMath.percentile(durations, 0.9), minDays: durations.min(), maxDays: durations.max(),
            slaHours: sla.uniformHours(over: unique(instances.map(\.processCode))), withinSLA: 0)
        for instance in instances {
            guard let hours = sla.hours(for: instance.processCode) else { continue }
            if instance.outcome == .running {
                if Double(now - instance.createTime) / StatsMath.millisecondsPerHour > hours {
                    stats.openBreaches += 1
                } else {
                    stats.openWithin += 1
                }
            } else if let days = instance.durationDays {
                stats.slaFinished += 1
                if days * 24 <= hours { stats.withinSLA += 1 } else { stats.finishedLate += 1 }
            }
        }
        stats.withinSLAShare = StatsMath.ratio(stats.withinSLA, stats.slaFinished + stats.openBreaches)
        return stats
    }

    /// ``efficiency(_:sla:now:)`` per template, most finished first.
    public static func efficiencyByTemplate(
        _ instances: [StatsInstance], names: [String: String], sla: StatsSLA, now: Int64
    ) -> [TemplateEfficiency] {
        Dictionary(grouping: instances, by: \.processCode).map { code, members in
            TemplateEfficiency(
                processCode: code, name: names[code] ?? code, efficiency: efficiency(members, sla: sla, now: now))
        }.sorted { ($0.efficiency.finished, $1.processCode) > ($1.efficiency.finished, $0.processCode) }
    }

    /// Per approver: their own decisions (EXECUTE_TASK_NORMAL/AGENT records; agreed, refused), the
    /// mean, median and p90 hours from a task's creation to its completion over their COMPLETED
    /// tasks, and their RUNNING tasks. Most actions first, then most pending, then name.
    public static func approverLoad(_ data: StatsDataset) -> [ApproverStats] {
        approverLoad(ActionTally.of(data.actions), tasks: TaskAggregate(data, now: 0))
    }

    static func approverLoad(_ tallies: [ActionTally], tasks: TaskAggregate) -> [ApproverStats] {
        var rows: [String: ApproverStats] = [:]
        func row(_ key: String, _ name: String) -> ApproverStats {
            rows[key]
                ?? ApproverStats(
                    userId: key, name: name, actions: 0, agreed: 0, refused: 0,
                    completedTasks: 0, meanHoursToAct: nil, pendingTasks: 0)
        }
        for tally in tallies where !tally.userKey.isEmpty {
            var stats = row(tally.userKey, tally.name)
            stats.actions += tally.actions
            stats.agreed += tally.agreed
            stats.refused += tally.refused
            rows[tally.userKey] = stats
        }
        for (key, hours) in tasks.hours {
            var stats = row(key, tasks.names[key] ?? key)
            stats.completedTasks = hours.count
            stats.meanHoursToAct = StatsMath.mean(hours)
            stats.medianHoursToAct = StatsMath.median(hours)
            stats.p90HoursToAct = StatsMath.percentile(hours, 0.9)
            rows[key] = stats
        }
        for (key, count) in tasks.pending {
            var stats = row(key, tasks.names[key] ?? key)
            stats.pendingTasks = count
            rows[key] = stats
        }
        return rows.values.sorted {
            ($0.actions, $0.pendingTasks, $1.name, $1.userId) > ($1.actions, $1.pendingTasks, $0.name, $0.userId)
        }
    }
}
