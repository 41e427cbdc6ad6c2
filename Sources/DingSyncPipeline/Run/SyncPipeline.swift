import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation
import Logging

/// The one linear pipeline of DESIGN.md:
/// plan → list ids ∪ open ∪ failed → fetch details (concurrent, ≤ qps) → DataProcessor →
/// diff with the ledger → batch writes, one table at a time → state + checkpoint → summary.
public final class SyncPipeline: @unchecked Sendable {
    public struct Request: Sendable {
        public var mode: SyncMode
        public var processCodes: [String]
        public var dryRun: Bool
        public var now: Date
        /// Set by SIGINT/SIGTERM: the run stops at its next safe point.
        public var stop: StopSignal?
        public init(
            mode: SyncMode, processCodes: [String], dryRun: Bool = false, now: Date = Date(), stop: StopSignal? = nil
        ) {
            self.mode = mode
            self.processCodes = processCodes
            self.dryRun = dryRun
            self.now = now
            self.stop = stop
        }
    }

    let config: Config
    let dingtalk: DingTalkClient
    let feishu: FeishuClient
    let store: StateStore
    let checkpoints: any CheckpointStore
    let logger: Logger
    let observer: SyncObserver
    /// fetch → map → diff → write → commit, shared with `watch`.
    public let instances: InstanceSync
    /// Instances processed per chunk: details in memory at once.
    let chunkSize: Int

    public init(
        config: Config, dingtalk: DingTalkClient, feishu: FeishuClient, store: StateStore,
        checkpoints: any CheckpointStore,
        logger: Logger, observer: SyncObserver = SilentObserver(), chunkSize: Int = 200
    ) {
        self.config = config
        self.dingtalk = dingtalk
        self.feishu = feishu
        self.store = store
        self.checkpoints = checkpoints
        self.logger = logger
        self.observer = observer
        self.instances = InstanceSync(
            config: config, dingtalk: dingtalk, feishu: feishu, store: store, logger: logger, observer: observer)
        self.chunkSize = max(1, chunkSize)
    }

    var zone: TimeZone { config.sync.timeZone }

    /// Runs the sync. Never throws: a run that cannot proceed is a summary with exit 2.
    public func run(_ request: Request) async -> RunSummary {
        var summary = RunSummary(mode: request.mode.name)
        summary.dryRun = request.dryRun
        summary.started = Date()
        for warning in instances.processor.configurationWarnings { logger.warning("\(warning)") }
        do {
            try await execute(request, &summary)
            summary.exitStatus = summary.failed > 0 || !summary.incomplete.isEmpty ? .partial : .success
        } catch  where request.stop?.isRequested == true {
            // stopped at a safe point: what was fetched is written and committed, the checkpoint did not move
            let stop = request.stop
            summary.exitStatus = stop?.exitStatus ?? .terminated
            summary.fatalError =
                "stopped by \(stop?.name ?? "a signal") at a safe point: rows written so far are committed, "
                + "the checkpoint did not move; the next run continues"
            logger.warning("\(summary.fatalError ?? "")")
        } catch let error as OperatorFacingError {
            summary.fatalError = error.localizedDescription
            summary.exitStatus = error.exitStatus == .usage ? .usage : .failed
            logger.error("\(error.localizedDescription)")
        } catch is CancellationError {
            summary.fatalError = "cancelled"
            summary.exitStatus = .failed
        } catch {
            summary.fatalError = error.localizedDescription
            summary.exitStatus = .failed
            logger.error("\(error.localizedDescription)")
        }
        await finish(request, &summary)
        return summary
    }

    private func execute(_ request: Request, _ summary: inout RunSummary) async throws {
        var request = request
        let stop = request.stop
        var saved = try checkpoints.load()
        // DingTalk's clock decides what "created before now" means: learn it from the token answer
        let clock = try await serverClock()
        if let clock {
            request.now = request.now.addingTimeInterval(clock.offset)
            summary.clockOffset = clock.offset
            let message =
                "\(clock.describe(platform: "DingTalk")) (its answers are dated \(TimeText.format(request.now, zone))): "
                + "windows and checkpoints follow DingTalk's clock in this run; fix the local clock (timedatectl, NTP)"
            logger.warning("\(message)")
            summary.warnings.append(message)
        }
        let corrections = try CheckpointCorrection.make(
            saved, apiNow: request.now, processCodes: request.processCodes,
            defaultHours: config.sync.defaultHours
        ) { try store.latestCreateTime(processCode: $0) }
        for correction in corrections {
            saved[correction.code] = correction.corrected
            let line = correction.text(zone)
            logger.warning("\(line)")
            summary.checkpointCorrections.append(line)
        }
        let plan = try SyncPlan.make(
            mode: request.mode, processCodes: request.processCodes, checkpoints: saved, now: request.now,
            sync: config.sync)
        for note in plan.notes { logger.info("\(note)") }
        for (code, slices) in plan.windows {
            for slice in slices {
                summary.windows.append(
                    "\(code) \(TimeText.format(slice.start, zone)) … \(TimeText.format(slice.end, zone))")
            }
        }
        if let warning = try await checkSchema() {
            logger.warning("\(warning)")
            summary.warnings.append(warning)
        }
        if !request.dryRun {
            summary.repairs += try await instances.recoverPendingCreates()
            try await instances.checkUnknownRows()
        }
        let cached = try store.names()
        await dingtalk.preloadNames(users: cached.users, departments: cached.departments)

        // 1. what to fetch: listed ∪ open ∪ failed, each once
        var work: [WorkItem] = []
        var seen = Set<String>()
        var incompleteCodes = Set<String>()
        for (code, slices) in plan.windows {
            for slice in slices {
                if stop?.isRequested == true { throw StopRequested() }
                let listing = try await dingtalk.listAll(processCode: code, window: slice)
                if !listing.isComplete {
                    incompleteCodes.insert(code)
                    summary.incomplete += listing.incomplete
                }
                logger.info(
                    "\(code): \(listing.ids.count) instance(s) created \(TimeText.format(slice.start, zone)) … \(TimeText.format(slice.end, zone))"
                )
                for id in listing.ids where seen.insert(id).inserted {
                    work.append(WorkItem(id: id, code: code))
                    summary.listed += 1
                }
            }
        }
        let open = try store.openInstances(processCodes: request.processCodes).filter { !seen.contains($0.instanceId) }
        let recheckPlan = RecheckPlan.make(
            open: open, fullCheck: request.mode == .fullCheck, statusFilter: dingtalk.family == .new,
            now: request.now)
        let recheck = try await RecheckStage(dingtalk: dingtalk, logger: logger).run(recheckPlan)
        for instance in recheck.instances where seen.insert(instance.instanceId).inserted {
            work.append(WorkItem(id: instance.instanceId, code: instance.processCode))
            summary.rechecked += 1
        }
        for failed in try store.failedInstances(processCodes: request.processCodes)
        where seen.insert(failed.instanceId).inserted {
            work.append(WorkItem(id: failed.instanceId, code: failed.processCode))
            summary.retried += 1
        }
        // open rows stay true: read unchanged open instances too, within this run's share of the quota
        let budget = try await refreshBudget(reserved: work.count, now: request.now)
        let refresh = budget.pick(recheck.unchanged.filter { !seen.contains($0.instanceId) })
        for instance in refresh where seen.insert(instance.instanceId).inserted {
            work.append(WorkItem(id: instance.instanceId, code: instance.processCode))
            summary.refreshed += 1
        }
        if !open.isEmpty {
            logger.info(
                "refresh of open rows: \(budget.reason); \(refresh.count) of \(recheck.unchanged.count) unchanged open instance(s) read"
            )
            summary.recheckStrategy =
                "\(recheckPlan.strategy), \(recheck.instances.count) changed or by detail, \(refresh.count) refreshed"
            summary.recheckCalls = recheck.calls + recheck.instances.count + refresh.count
            // how stale the stalest open row is after this run
            let refreshedNow = Set(work.map(\.id))
            summary.stalestOpen =
                open.filter { !refreshedNow.contains($0.instanceId) }
                .map { request.now.timeIntervalSince($0.lastRefreshed ?? $0.createTime ?? request.now) }.max() ?? 0
        }
        logger.info(
            "\(work.count) instance(s) to fetch: \(summary.listed) listed, \(summary.rechecked) open re-checked, \(summary.retried) failed retried"
        )

        // 2. fetch, process, write — chunk by chunk, memory bounded
        // the next chunk's details are fetched while the current one is written (DingTalk stays busy)
        observer.started(total: work.count)
        let chunks = work.chunked(chunkSize).map { Array($0) }
        let instances = self.instances
        var next: Task<[Result<InstanceDetail, Error>], Error>? = chunks.first.map { first in
            Task { try await instances.fetch(first, stop: stop) }
        }
        defer { next?.cancel() }
        var carry = ChildRowCarry()
        var done = 0
        for (index, chunk) in chunks.enumerated() {
            guard let current = next else { break }
            let results = try await current.value
            let stopping = stop?.isRequested == true
            next =
                index + 1 < chunks.count && !stopping
                ? Task { [chunks] in try await instances.fetch(chunks[index + 1], stop: stop) } : nil
            do {
                summary.add(
                    try await instances.process(
                        chunk, results: results, at: request.now, dryRun: request.dryRun, carry: &carry))
            } catch let partial as PartialWrite {
                summary.add(partial.counts)
                throw partial.error
            }
            done += chunk.count
            observer.chunkFinished(done: done, total: work.count)
            if stopping { break }
        }
        if !request.dryRun {
            do {
                summary.add(try await instances.flush(&carry, final: true, names: nil, at: request.now))
            } catch let partial as PartialWrite {
                summary.add(partial.counts)
                throw partial.error
            }
        }
        observer.finished()
        if stop?.isRequested == true { throw StopRequested() }

        // 3. reconcile (full-check) and move the checkpoint
        if request.mode == .fullCheck {
            let (repaired, unknown) = try await instances.reconcile(at: request.now, dryRun: request.dryRun)
            summary.repairs += repaired.repairs
            for (kind, count) in unknown.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                summary.warnings.append(
                    "\(kind.rawValue) table: \(count) row(s) whose key dingsync does not know were left alone")
            }
        }
        if plan.advancesCheckpoint && !request.dryRun {
            var updated = saved
            let advancing = request.processCodes.filter { !incompleteCodes.contains($0) }
            for code in advancing { updated[code] = max(saved[code] ?? request.now, request.now) }
            try checkpoints.save(updated, now: Date())
            if !advancing.isEmpty {
                logger.info(
                    "checkpoint moved to \(TimeText.format(request.now, zone)) for \(advancing.joined(separator: ", "))"
                )
            }
            for code in request.processCodes where incompleteCodes.contains(code) {
                logger.warning(
                    "checkpoint of \(code) not moved: its listing did not finish; the next run lists the window again")
            }
        }
    }

    /// This run's share of the monthly quota for refresh reads of open instances.
    func refreshBudget(reserved: Int, now: Date) async throws -> RefreshBudget {
        let month = QuotaProjection.monthKey(now, zone)
        let earlier = try store.calls(month: month, platform: "dingtalk")
        let used = QuotaProjection.counted(earlier) + QuotaProjection.counted(await dingtalk.counter.calls)
        let runsPerDay = RefreshBudget.runsPerDay(history: try store.recentRuns(limit: 100), now: now)
        return RefreshBudget.make(
            quota: config.dingtalk.monthlyQuota, used: used, reserved: reserved, runsPerDay: runsPerDay,
            now: now, timeZone: zone)
    }

    /// DingTalk's clock against ours when they differ by more than a minute (read from the
    /// `Date` header of the token answer); nil when they agree.
    func serverClock() async throws -> ServerClock? {
        try await dingtalk.verifyToken()
        guard let clock = await dingtalk.counter.serverClock, clock.isSkewed else { return nil }
        return clock
    }

    /// Bookkeeping that happens whatever the outcome: names, call counts, run history.
    private func finish(_ request: Request, _ summary: inout RunSummary) async {
        summary.dingtalkCalls = await dingtalk.counter.calls
        summary.feishuCalls = await feishu.counter.calls
        summary.throttled = await dingtalk.counter.throttled + feishu.counter.throttled
        summary.unreachable = await dingtalk.counter.unreachable + feishu.counter.unreachable
        for (api, n) in await dingtalk.counter.errors { summary.apiErrors["DingTalk \(api)", default: 0] += n }
        for (api, n) in await feishu.counter.errors { summary.apiErrors["Feishu \(api)", default: 0] += n }
        summary.finished = Date()
        guard !request.dryRun else { return }
        let month = String(TimeText.format(request.now, zone).prefix(7))
        do {
            let learnt = await dingtalk.learntNames()
            try store.saveNames(users: learnt.users, departments: learnt.departments, at: request.now)
            try store.addCalls(month: month, platform: "dingtalk", calls: summary.dingtalkCalls)
            try store.addCalls(month: month, platform: "feishu", calls: summary.feishuCalls)
            try store.recordRun(summary.historyRow)
        } catch {
            logger.error("could not record the run in the state database: \(error.localizedDescription)")
        }
    }

    /// Fails with every schema problem at once, before anything is written; returns the warning
    /// for optional main-table fields the table lacks (left out of the rows), if any.
    func checkSchema() async throws -> String? {
        var problems: [String] = []
        let naming = instances.naming
        let mainTable = instances.mainTable
        let main = try await feishu.listFields(table: mainTable)
        problems += SchemaCheck.problems(
            table: mainTable, label: "main", required: instances.mainColumns, actual: main)
        if let actionTable = instances.actionTable {
            let action = try await feishu.listFields(table: actionTable)
            problems += SchemaCheck.problems(
                table: actionTable, label: "action", required: SchemaCheck.actionColumns(naming: naming), actual: action
            )
        }
        if let detailTable = instances.detailTable {
            let detail = try await feishu.listFields(table: detailTable)
            problems += SchemaCheck.problems(
                table: detailTable, label: "detail",
                required: SchemaCheck.detailColumns(
                    naming: naming, extraColumns: instances.processor.detailColumns.columns),
                actual: detail)
        }
        if !problems.isEmpty { throw SchemaError(problems: problems) }
        return instances.noteMainFields(main)
    }
}
