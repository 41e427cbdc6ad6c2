import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import Foundation

/// An open instance past its service level now.
public struct OpenOverdue: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Open longer than `sla.hours` since its creation.
        case total
        /// Waiting longer than `sla.node_hours` at its current node.
        case node
    }

    public var instance: OpenInstance
    public var kind: Kind
    /// When it became overdue, epoch ms.
    public var dueAt: Int64
    /// The limit it passed, hours.
    public var limitHours: Double
    /// How long it has waited (since creation for `total`, at the node for `node`), hours.
    public var waitedHours: Double
}

public enum Overdue {
    /// The open instances past a service level at `now` (epoch ms), the longest overdue first.
    /// An instance past both limits counts once, under the one it passed first (the larger excess:
    /// the report's rule, ``StatsEngine/overdue(_:sla:names:now:)``). The levels are the report's
    /// (``StatsSLA``: the `sla:` keys).
    public static func evaluate(_ open: [OpenInstance], now: Int64, sla: StatsSLA) -> [OpenOverdue] {
        var result: [OpenOverdue] = []
        for instance in open {
            let hoursLimit = sla.hours(for: instance.processCode)
            let nodeLimit = sla.nodeHours(for: instance.processCode)
            var candidates: [OpenOverdue] = []
            if let hours = hoursLimit {
                let due = instance.createTime + Int64(hours * 3_600_000)
                if now > due {
                    candidates.append(
                        OpenOverdue(
                            instance: instance, kind: .total, dueAt: due, limitHours: hours,
                            waitedHours: Double(now - instance.createTime) / 3_600_000))
                }
            }
            if let hours = nodeLimit, let since = instance.nodeSince {
                let due = since + Int64(hours * 3_600_000)
                if now > due {
                    candidates.append(
                        OpenOverdue(
                            instance: instance, kind: .node, dueAt: due, limitHours: hours,
                            waitedHours: Double(now - since) / 3_600_000))
                }
            }
            if let first = candidates.min(by: { $0.dueAt < $1.dueAt }) { result.append(first) }
        }
        return result.sorted { ($0.dueAt, $0.instance.instanceId) < ($1.dueAt, $1.instance.instanceId) }
    }

    /// "2.5 d" from 1 day on, else "7.3 h".
    public static func duration(hours: Double) -> String {
        hours >= 24 ? String(format: "%.1f d", hours / 24) : String(format: "%.1f h", hours)
    }

    /// "48 h" / "1.5 h" (a limit as configured).
    public static func limit(hours: Double) -> String {
        hours == hours.rounded() ? "\(Int(hours)) h" : String(format: "%.1f h", hours)
    }
}

extension StateStore {
    /// The instances an overdue notice was sent for (SPEC 8: once each).
    public func notifiedOverdue() throws -> Set<String> {
        try locked { Set(try db.query("SELECT instance_id FROM sla_notices").compactMap { $0.first?.string }) }
    }

    /// Remembers that notices for `overdue` were sent at `at`.
    public func recordOverdueNotices(_ overdue: [OpenOverdue], at: Date) throws {
        guard !overdue.isEmpty else { return }
        let ms = Int64((at.timeIntervalSince1970 * 1000).rounded())
        try locked {
            try db.transaction {
                for item in overdue {
                    try db.run(
                        """
                        INSERT INTO sla_notices (instance_id, kind, due_at, notified_at) VALUES (?, ?, ?, ?)
                        \(db.dialect.onConflict("instance_id")) \(db.dialect.replacing(["kind", "due_at", "notified_at"]))
                        """,
                        [.text(item.instance.instanceId), .text(item.kind.rawValue), .integer(item.dueAt), .integer(ms)]
                    )
                }
            }
        }
    }
}
