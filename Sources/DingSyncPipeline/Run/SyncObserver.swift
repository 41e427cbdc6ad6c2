import DingSyncStore
import Foundation

/// What a run tells whoever runs it, as it goes: the executable shows progress on a terminal,
/// log lines under cron, prints the writes a dry run would make, and tunes memory between
/// chunks. The library itself never prints.
public protocol SyncObserver: Sendable {
    /// The instances to fetch are known.
    func started(total: Int)
    /// A chunk of instances is written and committed (its details can be freed).
    func chunkFinished(done: Int, total: Int)
    /// A dry run would make this write.
    func wouldWrite(_ write: PlannedWrite)
    /// Every chunk is done.
    func finished()
}

/// One write a dry run would make.
public struct PlannedWrite: Sendable, Equatable, CustomStringConvertible {
    public enum Action: String, Sendable { case create, update, delete }
    public var action: Action
    public var table: TableKind
    public var key: String

    public init(action: Action, table: TableKind, key: String) {
        self.action = action
        self.table = table
        self.key = key
    }

    /// `would create I-1`, `would delete action I-1#3`.
    public var description: String { "would \(action.rawValue) \(table == .main ? "" : "\(table.rawValue) ")\(key)" }
}

/// An observer that ignores everything (tests, library callers).
public struct SilentObserver: SyncObserver {
    public init() {}
    public func started(total: Int) {}
    public func chunkFinished(done: Int, total: Int) {}
    public func wouldWrite(_ write: PlannedWrite) {}
    public func finished() {}
}
