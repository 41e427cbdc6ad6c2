import Foundation
import Testing

@testable import DingSyncSandbox

/// Which events an instance change produces (`StreamEventMapper`), driven in process through
/// the admin API and the DingTalk part's instance-change hook.
@Suite("Stream mode: events of an instance change")
struct StreamEventMapperTests {
    /// The changes of one admin call, and what they map to.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var changes: [InstanceChange] = []
        func record(_ change: InstanceChange) { lock.withLock { changes.append(change) } }
        func take() -> [InstanceChange] {
            lock.withLock {
                defer { changes = [] }
                return changes
            }
        }
    }

    let core: SandboxCore
    let recorder = Recorder()

    init() {
        var options = SandboxOptions()
        options.instances = 20
        options.nowMs = 1_743_476_400_000
        core = SandboxCore(options: options)
        let recorder = recorder
        core.parts.dingtalk.observeInstanceChanges { recorder.record($0) }
    }

    /// An admin call; the payloads of the changes it made.
    private func admin(_ method: String, _ path: String, _ body: JSONValue? = nil, comments: Bool = true)
        -> (JSONValue, [StreamPayload])
    {
        let request = SandboxRequest(
            method: method, uri: "/__admin/\(path)", headers: [("Content-Type", "application/json")],
            body: body.map(\.bytes) ?? [])
        let json = core.handle(request).response.flatMap { try? JSONValue.parse($0.body) } ?? .null
        let payloads = recorder.take().flatMap {
            StreamEventMapper.payloads(for: $0, corpId: "dingcorp", commentEvents: comments)
        }
        return (json, payloads)
    }

    private func kinds(_ payloads: [StreamPayload]) -> [String] {
        payloads.map { "\($0.eventType == StreamEventMapper.instanceChange ? "instance" : "task").\($0.type)" }
    }

    @Test func aCompletedInstanceCreatedByHandReportsItsWholeHistory() throws {
        let (json, payloads) = admin("POST", "instances", ["template": "采购", "status": "COMPLETED"])
        let id = try #require(json.at("instances.0.id")?.stringValue)
        let detail = admin("GET", "instances/\(id)").0
        let tasks = detail.at("new.tasks")?.arrayValue ?? []
        let kinds = kinds(payloads)
        #expect(kinds.first == "instance.start")
        #expect(kinds.last == "instance.finish")
        #expect(kinds.filter { $0 == "task.start" }.count == tasks.count)
        #expect(kinds.filter { $0 == "task.finish" }.count == tasks.count)
        let finish = try #require(payloads.last?.data)
        #expect(finish["result"]?.stringValue == "agree")
        #expect(finish["finishTime"]?.isNumber == true)
        // Each task starts before it finishes; results are agree or redirect.
        for payload in payloads where payload.type == "finish" && payload.eventType == StreamEventMapper.taskChange {
            let taskId = payload.data["taskId"]?.int64Value
            let started = payloads.firstIndex { $0.type == "start" && $0.data["taskId"]?.int64Value == taskId }
            let finished = payloads.firstIndex { $0.type == "finish" && $0.data["taskId"]?.int64Value == taskId }
            #expect(started != nil && started ?? 0 < finished ?? 0)
            #expect(["agree", "redirect"].contains(payload.data["result"]?.stringValue ?? ""))
            #expect(payload.data["remark"]?.stringValue != nil)
        }
        #expect(payloads.allSatisfy { $0.instanceId == id && $0.data["processInstanceId"]?.stringValue == id })
    }

    @Test func instancesThatNeverStartedReportNothing() {
        #expect(admin("POST", "instances", ["template": "请假", "status": "NEW"]).1.isEmpty)
        #expect(admin("POST", "instances", ["template": "请假", "status": "CANCELED"]).1.isEmpty)
    }

    @Test func approvingANewInstanceStartsIt() throws {
        let (json, _) = admin("POST", "instances", ["template": "通用审批", "status": "NEW"])
        let id = try #require(json.at("instances.0.id")?.stringValue)
        // The admin's approve of a NEW instance submits it and completes its first node.
        let payloads = admin("POST", "instances/\(id)/approve").1
        #expect(kinds(payloads).prefix(3) == ["instance.start", "task.start", "task.finish"])
        #expect(payloads.first?.data["result"] == nil)
        #expect(payloads.first?.data["finishTime"] == nil)
    }

    @Test func aRefusalFinishesTheTaskAndTheInstance() throws {
        let (json, _) = admin("POST", "instances", ["template": "报销"])
        let id = try #require(json.at("instances.0.id")?.stringValue)
        let approver = try #require(json.at("instances.0.running_task_userids.0")?.stringValue)
        let payloads = admin("POST", "instances/\(id)/approve", ["result": "refuse", "remark": "材料不全"]).1
        #expect(kinds(payloads) == ["task.finish", "instance.finish"])
        #expect(payloads.first?.data["result"]?.stringValue == "refuse")
        #expect(payloads.first?.data["remark"]?.stringValue == "材料不全")
        #expect(payloads.first?.data["staffId"]?.stringValue == approver)
        #expect(payloads.last?.data["result"]?.stringValue == "refuse")
        #expect(payloads.last?.data["staffId"]?.stringValue == json.at("instances.0.originator_userid")?.stringValue)
    }

    @Test func terminateCancelsTheOpenTasksAndCommentsAreTaskChanges() throws {
        let (json, _) = admin("POST", "instances", ["template": "请假"])
        let id = try #require(json.at("instances.0.id")?.stringValue)
        let comment = admin("POST", "instances/\(id)/remark", ["remark": "请尽快"]).1
        #expect(kinds(comment) == ["task.comment"])
        #expect(comment.first?.data["remark"]?.stringValue == "请尽快")
        #expect(comment.first?.data["taskId"] == nil)
        #expect(admin("POST", "instances/\(id)/remark", ["remark": "再催一下"], comments: false).1.isEmpty)

        let payloads = admin("POST", "instances/\(id)/terminate", ["result": "refuse"]).1
        #expect(kinds(payloads) == ["task.cancel", "instance.terminate"])
        #expect(payloads.last?.data["result"] == nil)
        #expect(payloads.first?.data["finishTime"]?.isNumber == true)
        // Already final: refused, nothing reported.
        #expect(admin("POST", "instances/\(id)/finish").1.isEmpty)
    }
}
