import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import Foundation

/// An open instance past its service level now.
public struct OpenOverdue: Sendable, Equatable {
    public typealias Kind = SLABreach.Kind

    public var instance: OpenInstance
    /// The level it passed (``StatsSLA/breach(processCode:createTime:nodeSince:now:)``).
    public var breach: SLABreach

    public var kind: Kind { breach.kind }
    /// When it became overdue, epoch ms.
    public var dueAt: Int64 { breach.dueAt }
    /// The limit it passed, hours.
    public var limitHours: Double { breach.limitHours }
    /// How long it has waited (since creation for `total`, at the node for `node`), hours.
    public var waitedHours: Double { breach.waitedHours }
}

public enum Overdue {
    /// The open instances past a service level at `now` (epoch ms), the longest overdue first.
    /// An instance past both limits counts once, under the one it passed first: the rule of
    /// ``StatsSLA/breach(processCode:createTime:nodeSince:now:)``, which the report's overdue list
    /// uses too.
    public static func evaluate(_ open: [OpenInstance], now: Int64, sla: StatsSLA) -> [OpenOverdue] {
        open.compactMap { instance in
            sla.breach(
                processCode: instance.processCode, createTime: instance.createTime, nodeSince: instance.nodeSince,
                now: now
            ).map { OpenOverdue(instance: instance, breach: $0) }
        }.sorted { ($0.dueAt, $0.instance.instanceId) < ($1.dueAt, $1.instance.instanceId) }
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
