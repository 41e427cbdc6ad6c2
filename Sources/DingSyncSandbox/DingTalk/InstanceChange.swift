/// One change of an approval instance, as the DingTalk part reports it to its observers.
///
/// Subscribe with `DingTalkSimulator.observeInstanceChanges`. The Stream gateway (DingTalk
/// Stream mode, reference §11) subscribes: `StreamEventMapper` turns each change into
/// `bpms_instance_change` events (`start` when `before` is nil or was NEW and `after` runs;
/// `finish` with `result` agree/refuse; `terminate`) and, from the difference of `before.tasks`
/// and `after.tasks`, `bpms_task_change` events (tasks started, finished, redirected,
/// canceled; new comments).
struct InstanceChange: Sendable {
    /// What caused the change.
    enum Cause: String, Sendable {
        /// Created through the admin API (`POST /__admin/instances`).
        case created
        /// The open node completed (`/approve`).
        case approved
        /// Every remaining node completed (`/finish`).
        case finished
        /// Withdrawn by the originator (`/terminate`).
        case terminated
        /// An ADD_REMARK record added (`/remark`).
        case remarked
        /// The running task handed to another approver, a REDIRECT_TASK record (`/forward`).
        case forwarded
        /// Form values or table lines edited by hand (`/form`).
        case edited
    }

    var cause: Cause
    /// The instance before the change; nil when it was created.
    var before: ApprovalInstance?
    /// The instance after the change, as the APIs now serve it.
    var after: ApprovalInstance
    /// When the change happened on the sandbox clock, epoch ms.
    var atMs: Int64
}

/// Called once per instance change, after the change is in place.
///
/// Called outside the DingTalk part's lock: an observer may call the part back.
typealias InstanceObserver = @Sendable (InstanceChange) -> Void
