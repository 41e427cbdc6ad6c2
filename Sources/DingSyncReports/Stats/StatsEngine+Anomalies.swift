import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Applicants with at least `threshold` revoked (TERMINATED) instances, most first.
    public static func frequentRevokers(_ instances: [StatsInstance], threshold: Int) -> [RevocationAnomaly] {
        Dictionary(grouping: instances, by: \.applicantKey).compactMap { key, members -> RevocationAnomaly? in
            let revoked = members.filter { $0.outcome == .revoked }.count
            guard revoked >= max(threshold, 1) else { return nil }
            return RevocationAnomaly(
                userId: key, name: members[0].applicantLabel, department: members[0].departmentLabel,
                revoked: revoked, created: members.count, share: StatsMath.ratio(revoked, members.count))
        }.sorted { ($0.revoked, $0.share ?? 0, $1.name) > ($1.revoked, $1.share ?? 0, $0.name) }
    }

    /// Likely duplicate submissions: two instances of one applicant and one template created at
    /// most `windowHours` apart whose forms ask for the same thing: the same amount (to the cent)
    /// when both have one, else overlapping dates when both are leave-type forms (a date range,
    /// ``DateSpan``). Titles alone never make a pair (one person's leave requests all share the
    /// default title). A pair in which either was revoked or cancelled is a correction (withdrawn
    /// and sent again), not a duplicate, and is not listed. Earliest first.
    public static func duplicates(_ instances: [StatsInstance], windowHours: Double) -> [DuplicatePair] {
        let window = Int64((windowHours * StatsMath.millisecondsPerHour).rounded())
        let candidates = instances.filter {
            $0.outcome != .revoked && $0.outcome != .cancelled && !$0.applicantKey.isEmpty
                && ($0.amount != nil || $0.dateSpan != nil)
        }
        var pairs: [DuplicatePair] = []
        for (_, group) in Dictionary(grouping: candidates, by: { [$0.applicantKey, $0.processCode] }) {
            let sorted = group.sorted { ($0.createTime, $0.id) < ($1.createTime, $1.id) }
            for i in sorted.indices {
                var j = i + 1
                while j < sorted.count, sorted[j].createTime - sorted[i].createTime <= window {
                    let a = sorted[i]
                    let b = sorted[j]
                    j += 1
                    let reason: DuplicatePair.Reason
                    var dates = ""
                    if let x = a.amount, let y = b.amount {
                        guard abs(x - y) < 0.005 else { continue }
                        reason = .sameAmount
                    } else if let x = a.dateSpan, let y = b.dateSpan, x.overlaps(y) {
                        reason = .overlappingDates
                        dates = x.text + " / " + y.text
                    } else {
                        continue
                    }
                    pairs.append(
                        DuplicatePair(
                            firstId: a.id, secondId: b.id, firstBusinessId: a.businessId,
                            secondBusinessId: b.businessId,
                            firstCreateTime: a.createTime, applicant: a.applicantLabel, processCode: a.processCode,
                            title: a.title,
                            amount: reason == .sameAmount ? a.amount : nil, dates: dates,
                            hoursApart: Double(b.createTime - a.createTime) / StatsMath.millisecondsPerHour,
                            reason: reason))
                }
            }
        }
        return pairs.sorted {
            ($0.firstCreateTime, $0.firstId, $0.secondId) < ($1.firstCreateTime, $1.firstId, $1.secondId)
        }
    }

    /// Finished instances far above their template's norm: a duration more than `slowFactor` ×
    /// the template's median and at least `slowMinimumExcessDays` above it, for templates with
    /// at least `slowMinimumSample` finished instances. Largest excess first.
    public static func slowInstances(_ instances: [StatsInstance], options: StatsOptions) -> [SlowInstance] {
        var rows: [SlowInstance] = []
        for (code, members) in Dictionary(grouping: instances, by: \.processCode) {
            let finished = members.filter { $0.durationDays != nil }
            guard finished.count >= max(options.slowMinimumSample, 1),
                let median = StatsMath.median(finished.compactMap(\.durationDays))
            else { continue }
            for instance in finished {
                guard let days = instance.durationDays, days > options.slowFactor * median,
                    days - median >= options.slowMinimumExcessDays
                else { continue }
                rows.append(
                    SlowInstance(
                        instanceId: instance.id, businessId: instance.businessId, processCode: code,
                        applicant: instance.applicantLabel, durationDays: days, templateMedianDays: median,
                        factor: median > 0 ? days / median : nil))
            }
        }
        return rows.sorted {
            ($0.durationDays - $0.templateMedianDays, $1.instanceId) > (
                $1.durationDays - $1.templateMedianDays, $0.instanceId
            )
        }
    }
}
