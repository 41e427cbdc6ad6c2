import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

/// Which kind of run was asked for on the command line (SPEC section 2).
public enum SyncMode: Sendable, Equatable {
    /// No mode flag: from the checkpoint (minus lookback) to now.
    case incremental
    /// `--init`: the last `sync.init_days` days.
    case initial
    /// `--full-check`: reconcile the last `sync.full_check_days` days.
    case fullCheck
    /// `--start-time` [`--end-time`]: backfill exactly that range (end nil = now).
    case range(start: Date, end: Date?)

    public var name: String {
        switch self {
        case .incremental: return "incremental"
        case .initial: return "init"
        case .fullCheck: return "full-check"
        case .range: return "backfill"
        }
    }
}

/// Why a plan cannot be made.
public enum SyncPlanError: Error, Sendable, Equatable, LocalizedError {
    /// The range itself is wrong (a command-line error, exit 64).
    case endBeforeStart(start: String, end: String)
    /// A backfill that starts after now: nothing can have been created yet.
    case startInFuture(start: String, now: String)
    /// The API cannot list instances created this long ago (times as text in sync.timezone);
    /// `premium`: the limit is OA premium's five years, not 365 days.
    case startTooOld(start: String, limit: String, fromCheckpoint: Bool, premium: Bool = false)

    public var errorDescription: String? {
        switch self {
        case .endBeforeStart(let start, let end):
            return "the end \(end) is before the start \(start): give an end after the start."
        case .startInFuture(let start, let now):
            return "--start-time \(start) is in the future (now is \(now)): no instance can have been created then. "
                + "Give a start in the past (a time without an offset is in sync.timezone)."
        case .startTooOld(let start, let limit, let fromCheckpoint, let premium):
            let why =
                premium
                ? "DingTalk's OA premium listing reaches only 5 years back (it refuses an older start)"
                : "DingTalk lists instances only up to 365 days back (the listing API refuses an older start; "
                    + "organisations with OA高级版 reach 5 years back with dingtalk.api: premium)"
            if fromCheckpoint {
                return
                    "the checkpoint asks for instances since \(start), but \(why). Run a backfill from a start after \(limit) with --start-time, or delete the checkpoint file to start from the last sync.default_hours."
            }
            return "the start \(start) is too old: \(why). Choose a start after \(limit)."
        }
    }

    /// Command-line mistakes exit 64; a stale checkpoint cannot proceed (2).
    public var exitCode: Int32 {
        switch self {
        case .endBeforeStart, .startInFuture: return 64
        case .startTooOld(_, _, let fromCheckpoint, _): return fromCheckpoint ? 2 : 64
        }
    }
}

/// The windows a run lists, per process code, and whether it may move the checkpoint.
public struct SyncPlan: Sendable, Equatable {
    public var mode: SyncMode
    public var now: Date
    /// Process code → the ≤120-day slices to list, in time order.
    public var windows: [(code: String, slices: [TimeWindow])]
    /// Notes for the log (a checkpoint in the future was clamped, …).
    public var notes: [String]
    /// Only incremental, init and full-check runs that reach now move the incremental checkpoint forward.
    public var advancesCheckpoint: Bool

    public static let maxSliceSpan: TimeInterval = TimeWindow.maxListingSpan
    /// How far back the API lists, with an hour's margin for the run's own duration and clock skew.
    public static let maxAge: TimeInterval = 365 * 86_400 - 3_600
    /// How far back the OA premium listing reaches (five years), with the same margin.
    public static let premiumMaxAge: TimeInterval = DingTalkClient.premiumMaxAge - 3_600

    /// How far back `api` lists.
    public static func maxAge(_ api: DingTalkAPIFamily) -> TimeInterval { api == .premium ? premiumMaxAge : maxAge }

    public static func == (lhs: SyncPlan, rhs: SyncPlan) -> Bool {
        lhs.mode == rhs.mode && lhs.now == rhs.now && lhs.notes == rhs.notes
            && lhs.advancesCheckpoint == rhs.advancesCheckpoint
            && lhs.windows.map(\.code) == rhs.windows.map(\.code)
            && lhs.windows.map(\.slices) == rhs.windows.map(\.slices)
    }

    /// Computes the plan from the mode, the per-code checkpoints and the clock. Pure.
    public static func make(
        mode: SyncMode, processCodes: [String], checkpoints: [String: Date],
        now: Date, sync: SyncConfig, api: DingTalkAPIFamily = .new
    ) throws(SyncPlanError) -> SyncPlan {
        let zone = sync.timeZone
        var notes: [String] = []
        var windows: [(code: String, slices: [TimeWindow])] = []
        let limit = now.addingTimeInterval(-maxAge(api))
        var advances = true
        for code in processCodes {
            var start: Date
            var end = now
            var fromCheckpoint = false
            switch mode {
            case .incremental:
                if let checkpoint = checkpoints[code] {
                    fromCheckpoint = true
                    var base = checkpoint
                    if base > now {
                        notes.append(
                            "checkpoint of \(code) (\(TimeText.format(checkpoint, zone))) is in the future; listing from now minus the lookback instead"
                        )
                        base = now
                    }
                    start = base.addingTimeInterval(-TimeInterval(sync.lookbackMinutes * 60))
                } else {
                    start = now.addingTimeInterval(-TimeInterval(sync.defaultHours * 3600))
                    notes.append("no checkpoint for \(code): listing the last \(sync.defaultHours) hours")
                }
            case .initial:
                start = now.addingTimeInterval(-TimeInterval(sync.initDays * 86_400))
            case .fullCheck:
                start = now.addingTimeInterval(-TimeInterval(sync.fullCheckDays * 86_400))
            case .range(let s, let e):
                start = s
                end = e ?? now
                advances = false
                guard start <= now else {
                    throw .startInFuture(start: TimeText.format(start, zone), now: TimeText.format(now, zone))
                }
                guard end >= start else {
                    throw .endBeforeStart(start: TimeText.format(start, zone), end: TimeText.format(end, zone))
                }
                if end > now { end = now }
            }
            if start < limit {
                // init/full-check windows longer than the API allows are trimmed, not refused.
                if mode == .initial || mode == .fullCheck {
                    notes.append(
                        "window of \(code) trimmed to the \(api == .premium ? "5 years" : "365 days") the API can list")
                    start = limit
                } else {
                    throw .startTooOld(
                        start: TimeText.format(start, zone), limit: TimeText.format(limit, zone),
                        fromCheckpoint: fromCheckpoint, premium: api == .premium)
                }
            }
            if start > end { start = end }
            windows.append((code, TimeWindow(start: start, end: end).slices(maxSpan: maxSliceSpan)))
        }
        return SyncPlan(mode: mode, now: now, windows: windows, notes: notes, advancesCheckpoint: advances)
    }
}

extension SyncPlanError: OperatorFacingError {
    public var exitStatus: ExitStatus { ExitStatus(rawValue: exitCode) ?? .failed }
}
