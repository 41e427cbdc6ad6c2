import DingSyncBasics
import DingSyncClients
import DingSyncProcessing
import DingSyncStore
import Foundation

extension InstanceSync {
    /// Details of a chunk, fetched concurrently (the client's rate limiter keeps them ≤ qps).
    /// Once `stop` is requested no new fetch starts; the instances not fetched are left for the next run.
    /// Instances in `prefetched` (completed from the OA premium listing) cost no call. Every detail
    /// read teaches the ``HintBook``.
    func fetch(_ chunk: [WorkItem], stop: StopSignal? = nil, prefetched: [String: InstanceDetail] = [:]) async throws
        -> [Result<InstanceDetail, Error>]
    {
        let width = max(1, min(config.dingtalk.qps, 32))
        return try await withThrowingTaskGroup(of: (Int, Result<InstanceDetail, Error>).self) { group in
            var results = [Result<InstanceDetail, Error>?](repeating: nil, count: chunk.count)
            var next = 0
            func add() {
                guard next < chunk.count, stop?.isRequested != true else { return }
                let index = next
                let item = chunk[next]
                next += 1
                let ready = prefetched[item.id]
                group.addTask { [dingtalk, hints] in
                    if let ready { return (index, .success(ready)) }
                    do {
                        let detail = try await dingtalk.instanceDetail(id: item.id, processCode: item.code)
                        hints.learn(detail)
                        return (index, .success(detail))
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<width { add() }
            while let (index, result) = try await group.next() {
                results[index] = result
                add()
            }
            return results.map { $0 ?? .failure(StopRequested()) }
        }
    }

    /// Names of every user and department a chunk mentions (cached; unknown users keep their id).
    func resolveNames(_ details: [InstanceDetail]) async -> NameLookup {
        var userIds = Set<String>()
        var needRoot = false
        for d in details {
            userIds.insert(d.originatorUserId)
            for r in d.operationRecords { userIds.insert(r.userId) }
            for t in d.tasks { userIds.insert(t.userId) }
            if d.originatorDeptId == "-1" { needRoot = true }
        }
        userIds.remove("")
        var users: [String: String] = [:]
        await withTaskGroup(of: (String, String?).self) { group in
            for id in userIds { group.addTask { [dingtalk] in (id, await dingtalk.userName(id)) } }
            for await (id, name) in group { if let name { users[id] = name } }
        }
        var departments: [String: String] = [:]
        if needRoot, let root = await dingtalk.departmentName("-1") {
            departments[DingTalkClient.rootDepartmentId] = root
        }
        return NameLookup(users: users, departments: departments)
    }
}
