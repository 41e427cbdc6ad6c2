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
        public init(mode: SyncMode, processCodes: [String], dryRun: Bool = false, now: Date = Date()) {
            self.mode = mode
            self.processCodes = processCodes
            self.dryRun = dryRun
            self.now = now
        }
    }

    let config: Config
    let dingtalk: DingTalkClient
    let feishu: FeishuClient
    let store: StateStore
    let checkpoints: CheckpointManager
    let logger: Logger
    let processor: DataProcessor
    let naming: FieldNaming
    let progress: ProgressReporter
    /// Instances processed per chunk: details in memory at once.
    let chunkSize: Int

    public init(config: Config, dingtalk: DingTalkClient, feishu: FeishuClient, store: StateStore, logger: Logger,
                progress: ProgressReporter = ProgressReporter(enabled: false), chunkSize: Int = 200) {
        self.config = config
        self.dingtalk = dingtalk
        self.feishu = feishu
        self.store = store
        self.checkpoints = CheckpointManager.configured(config, store: store)
        self.logger = logger
        self.processor = DataProcessor(options: ProcessorOptions(
            amountFields: config.mapping.amountFields, formFields: config.mapping.formFields,
            statusOverrides: config.mapping.status, actionOverrides: config.mapping.actions, timeZone: config.sync.timeZone))
        self.naming = FieldNaming(config.feishu.fieldNames)
        self.progress = progress
        self.chunkSize = max(1, chunkSize)
    }

    var zone: TimeZone { config.sync.timeZone }
    var mainTable: String { config.feishu.tables.main }
    var actionTable: String? { config.feishu.tables.action.isEmpty ? nil : config.feishu.tables.action }

    /// Runs the sync. Never throws: a run that cannot proceed is a summary with exit 2.
    public func run(_ request: Request) async -> RunSummary {
        var summary = RunSummary(mode: request.mode.name)
        summary.dryRun = request.dryRun
        summary.started = Date()
        for warning in processor.configurationWarnings { logger.warning("\(warning)") }
        do {
            try await execute(request, &summary)
            summary.exitStatus = summary.failed > 0 ? .partial : .success
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
        let saved = try checkpoints.load()
        let plan = try SyncPlan.make(mode: request.mode, processCodes: request.processCodes, checkpoints: saved, now: request.now, sync: config.sync)
        for note in plan.notes { logger.info("\(note)") }
        for (code, slices) in plan.windows {
            for slice in slices {
                summary.windows.append("\(code) \(PlanDescription.format(slice.start, zone)) … \(PlanDescription.format(slice.end, zone))")
            }
        }
        try await checkSchema()
        if !request.dryRun { try await recoverPendingCreates(&summary) }
        let cached = try store.names()
        await dingtalk.preloadNames(users: cached.users, departments: cached.departments)

        // 1. what to fetch: listed ∪ open ∪ failed, each once
        var work: [(id: String, code: String)] = []
        var seen = Set<String>()
        for (code, slices) in plan.windows {
            for slice in slices {
                let ids = try await dingtalk.listAllInstanceIds(processCode: code, window: slice)
                logger.info("\(code): \(ids.count) instance(s) created \(PlanDescription.format(slice.start, zone)) … \(PlanDescription.format(slice.end, zone))")
                for id in ids where seen.insert(id).inserted {
                    work.append((id, code))
                    summary.listed += 1
                }
            }
        }
        let open = try store.openInstances(processCodes: request.processCodes).filter { !seen.contains($0.instanceId) }
        let recheck = try await openInstancesToFetch(open, fullCheck: request.mode == .fullCheck, now: request.now, &summary)
        for instance in recheck where seen.insert(instance.instanceId).inserted {
            work.append((instance.instanceId, instance.processCode))
            summary.rechecked += 1
        }
        for failed in try store.failedInstances(processCodes: request.processCodes) where seen.insert(failed.instanceId).inserted {
            work.append((failed.instanceId, failed.processCode))
            summary.retried += 1
        }
        logger.info("\(work.count) instance(s) to fetch: \(summary.listed) listed, \(summary.rechecked) open re-checked, \(summary.retried) failed retried")

        // 2. fetch, process, write — chunk by chunk, memory bounded
        // the next chunk's details are fetched while the current one is written (DingTalk stays busy)
        progress.start(total: work.count)
        let chunks = work.chunked(chunkSize).map { Array($0) }
        var next: Task<[Result<InstanceDetail, Error>], Error>? = chunks.first.map { first in Task { try await self.fetchDetails(first) } }
        defer { next?.cancel() }
        var carry = ActionCarry()
        for (index, chunk) in chunks.enumerated() {
            guard let current = next else { break }
            let results = try await current.value
            next = index + 1 < chunks.count ? Task { [chunks] in try await self.fetchDetails(chunks[index + 1]) } : nil
            try await processChunk(chunk, results: results, request: request, carry: &carry, &summary)
            MemoryTuning.releaseFreed()
            progress.advance(by: chunk.count)
            if !progress.enabled {
                logger.info("progress: \(progress.done)/\(work.count) instances")
            }
        }
        if !request.dryRun { try await flushActions(&carry, final: true, names: nil, at: request.now, &summary) }
        progress.finish()

        // 3. reconcile (full-check) and move the checkpoint
        if request.mode == .fullCheck {
            try await reconcile(request, &summary)
        }
        if plan.advancesCheckpoint && !request.dryRun {
            var updated = saved
            for code in request.processCodes { updated[code] = max(saved[code] ?? request.now, request.now) }
            try checkpoints.save(updated, now: Date())
            logger.info("checkpoint moved to \(PlanDescription.format(request.now, zone)) for \(request.processCodes.joined(separator: ", "))")
        }
    }

    /// Bookkeeping that happens whatever the outcome: names, call counts, run history.
    private func finish(_ request: Request, _ summary: inout RunSummary) async {
        summary.dingtalkCalls = await dingtalk.counter.calls
        summary.feishuCalls = await feishu.counter.calls
        summary.throttled = await dingtalk.counter.throttled + feishu.counter.throttled
        for (api, n) in await dingtalk.counter.errors { summary.apiErrors["DingTalk \(api)", default: 0] += n }
        for (api, n) in await feishu.counter.errors { summary.apiErrors["Feishu \(api)", default: 0] += n }
        summary.finished = Date()
        guard !request.dryRun else { return }
        let month = String(PlanDescription.format(request.now, zone).prefix(7))
        do {
            let learnt = await dingtalk.learntNames()
            try store.saveNames(users: learnt.users, departments: learnt.departments, at: request.now)
            try store.addCalls(month: month, platform: "dingtalk", calls: summary.dingtalkCalls)
            try store.addCalls(month: month, platform: "feishu", calls: summary.feishuCalls)
            try store.recordRun(summary)
        } catch {
            logger.error("could not record the run in the state database: \(error.localizedDescription)")
        }
    }

    /// Fails with every schema problem at once, before anything is written.
    func checkSchema() async throws {
        var problems: [String] = []
        let main = try await feishu.listFields(table: mainTable)
        problems += SchemaCheck.problems(table: mainTable, label: "main", required: SchemaCheck.mainColumns(naming: naming, extraColumns: processor.extraColumns.map(\.column)), actual: main)
        if let actionTable {
            let action = try await feishu.listFields(table: actionTable)
            problems += SchemaCheck.problems(table: actionTable, label: "action", required: SchemaCheck.actionColumns(naming: naming), actual: action)
        }
        if !problems.isEmpty { throw SchemaError(problems: problems) }
    }
}
