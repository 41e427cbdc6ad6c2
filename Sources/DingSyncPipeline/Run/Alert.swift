import Foundation

/// Something about a run or the state that an operator should look at, with the numbers and
/// what to do. Sent with the run's notification.
public struct Alert: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// An incremental run listed far more instances than usual at that time of day.
        case manyInstances = "many_instances"
        /// An incremental run on a working day listed none where some are usual.
        case noInstances = "no_instances"
        /// The APIs answered with errors more often than `notification.alerts.api_errors`.
        case apiErrors = "api_errors"
        /// A checkpoint has not moved for longer than `sync.stale_after_hours`.
        case staleCheckpoint = "stale_checkpoint"
        /// DingTalk's monthly quota is used up, or will be at the current rate.
        case quota
        /// A Bitable table holds nearly `feishu.row_limit` rows.
        case rowLimit = "row_limit"
        /// The local clock differs from DingTalk's, or a checkpoint was ahead of it.
        case clock
        /// Open rows cannot be refreshed at least daily within the quota (SPEC 5).
        case staleOpenRows = "stale_open_rows"
    }

    public var kind: Kind
    /// One line: what happened.
    public var title: String
    /// The numbers behind it.
    public var detail: String
    /// What to do.
    public var fix: String

    public init(kind: Kind, title: String, detail: String, fix: String) {
        self.kind = kind
        self.title = title
        self.detail = detail
        self.fix = fix
    }
}
