import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import Foundation

/// The figures of one digest period (SPEC 8), from the mirror only.
public struct PeriodFigures: Sendable, Equatable {
    /// Instances created in the period.
    public var created = 0
    /// Instances that became final in the period (approved, refused, withdrawn, canceled).
    public var finished = 0
    public var approved = 0
    public var refused = 0
    /// Durations (creation → finish, hours) of the instances approved or refused in the period.
    public var durations: [Double] = []

    public init() {}

    /// approved ÷ (approved + refused); nil when nothing was decided.
    public var passRate: Double? { StatsMath.ratio(approved, approved + refused) }
    public var medianHours: Double? { StatsMath.median(durations) }
    public var p90Hours: Double? { StatsMath.percentile(durations, 0.9) }
}

/// One approver's time to act in a period: tasks they completed, from the task's creation to its finish.
public struct ApproverTimes: Sendable, Equatable {
    public var name: String
    public var acted: Int
    public var medianHours: Double
    public var p90Hours: Double
}

extension StateStore {
    /// Created / finished / approved / refused and the durations of the decided ones, for
    /// `[from, to)` (epoch ms). Counting is done by the database; only the period's decided
    /// instances' two times are read.
    public func periodFigures(from: Int64, to: Int64) throws -> PeriodFigures {
        try locked {
            var figures = PeriodFigures()
            let range: [SQLValue] = [.integer(from), .integer(to)]
            figures.created =
                Int(
                    try db.query("SELECT COUNT(*) FROM instances WHERE create_time >= ? AND create_time < ?", range)
                        .first?.first?.int ?? 0)
            try db.forEach(
                """
                SELECT status, result, create_time, finish_time FROM instances
                WHERE is_final = 1 AND finish_time >= ? AND finish_time < ?
                """, range
            ) { r in
                figures.finished += 1
                guard (r[0].string ?? "").uppercased() == "COMPLETED" else { return }
                switch (r[1].string ?? "").lowercased() {
                case "agree": figures.approved += 1
                case "refuse": figures.refused += 1
                default: return
                }
                if let start = r[2].int, let end = r[3].int, end >= start {
                    figures.durations.append(Double(end - start) / StatsMath.millisecondsPerHour)
                }
            }
            return figures
        }
    }

    /// Per approver, the tasks they completed in `[from, to)` and how long each waited for them
    /// (task creation → finish): median and p90, slowest median first.
    public func approverTimes(from: Int64, to: Int64) throws -> [ApproverTimes] {
        try locked {
            var hours: [String: [Double]] = [:]
            try db.forEach(
                """
                SELECT t.user_name, t.user_id, t.create_time, t.finish_time FROM tasks t
                WHERE t.status = 'COMPLETED' AND t.finish_time >= ? AND t.finish_time < ? AND t.create_time IS NOT NULL
                    AND UPPER(COALESCE(t.result, '')) IN ('AGREE', 'REFUSE')
                """, [.integer(from), .integer(to)]
            ) { r in
                guard let start = r[2].int, let end = r[3].int, end >= start else { return }
                let name = r[0].string.flatMap { $0.isEmpty ? nil : $0 } ?? r[1].string ?? ""
                guard !name.isEmpty else { return }
                hours[name, default: []].append(Double(end - start) / StatsMath.millisecondsPerHour)
            }
            return hours.map { name, values in
                ApproverTimes(
                    name: name, acted: values.count, medianHours: StatsMath.median(values) ?? 0,
                    p90Hours: StatsMath.percentile(values, 0.9) ?? 0)
            }.sorted { ($0.medianHours, $1.name) > ($1.medianHours, $0.name) }
        }
    }
}
