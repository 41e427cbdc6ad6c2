import DingSyncStore
import Foundation

/// What a stage did, returned to whoever composed it: a batch run adds it to its summary,
/// `watch` to its periodic line. Stages never write into a shared summary.
public struct SyncCounts: Sendable, Equatable {
    public var fetched = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    public var actionsCreated = 0
    public var actionsUpdated = 0
    public var actionsDeleted = 0
    public var detailsCreated = 0
    public var detailsUpdated = 0
    public var detailsDeleted = 0
    /// Instances that failed alone (recorded, retried next run).
    public var failures: [Failure] = []
    /// What a repair did, one line each.
    public var repairs: [String] = []

    public init() {}

    /// One instance that failed alone.
    public struct Failure: Sendable, Equatable {
        public var instanceId: String
        public var processCode: String
        public var error: String
    }

    public var failed: Int { failures.count }

    /// Rows written (created, updated or deleted) in every table.
    public var rowsWritten: Int {
        created + updated + actionsCreated + actionsUpdated + actionsDeleted + detailsCreated + detailsUpdated
            + detailsDeleted
    }

    public static func += (lhs: inout SyncCounts, rhs: SyncCounts) {
        lhs.fetched += rhs.fetched
        lhs.created += rhs.created
        lhs.updated += rhs.updated
        lhs.unchanged += rhs.unchanged
        lhs.actionsCreated += rhs.actionsCreated
        lhs.actionsUpdated += rhs.actionsUpdated
        lhs.actionsDeleted += rhs.actionsDeleted
        lhs.detailsCreated += rhs.detailsCreated
        lhs.detailsUpdated += rhs.detailsUpdated
        lhs.detailsDeleted += rhs.detailsDeleted
        lhs.failures += rhs.failures
        lhs.repairs += rhs.repairs
    }

    /// Adds what a table write did (counted call by call, so that a later failure hides nothing).
    mutating func add(_ tally: WriteTally, kind: TableKind) {
        let done = tally.snapshot
        add(created: done.created, updated: done.updated, deleted: done.deleted, kind: kind)
    }

    /// Adds rows created, updated and deleted in one table.
    mutating func add(created: Int, updated: Int, deleted: Int, kind: TableKind) {
        switch kind {
        case .main:
            self.created += created
            self.updated += updated
        case .action:
            actionsCreated += created
            actionsUpdated += updated
            actionsDeleted += deleted
        case .detail:
            detailsCreated += created
            detailsUpdated += updated
            detailsDeleted += deleted
        }
    }
}
