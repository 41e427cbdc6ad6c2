import Foundation
import Testing

@testable import DingSyncSandbox

/// The DingTalk part's instance-change hook (the seam of the Stream gateway), driven
/// in process through the admin API.
@Suite("Instance-change hook of the DingTalk part")
struct InstanceChangeHookTests {
    /// Collects the changes an observer is told about.
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var changes: [InstanceChange] = []
        /// Whether the part answered a call made from inside the observer.
        private(set) var calledBack = true

        func record(_ change: InstanceChange, partKnowsIt: Bool) {
            lock.lock()
            defer { lock.unlock() }
            changes.append(change)
            calledBack = calledBack && partKnowsIt
        }

        var all: [InstanceChange] {
            lock.lock()
            defer { lock.unlock() }
            return changes
        }
    }

    private func admin(_ core: SandboxCore, _ method: String, _ path: String, _ body: JSONValue? = nil) -> (
        Int, JSONValue
    ) {
        let request = SandboxRequest(
            method: method, uri: "/__admin/\(path)", headers: [("Content-Type", "application/json")],
            body: body.map(\.bytes) ?? [])
        guard let response = core.handle(request).response else { return (0, .null) }
        return (response.status, (try? JSONValue.parse(response.body)) ?? .null)
    }

    @Test func createdAndChangedInstancesAreReportedOutsideTheLock() throws {
        var options = SandboxOptions()
        options.instances = 20
        options.nowMs = 1_743_476_400_000
        let core = SandboxCore(options: options)
        let dingtalk = core.parts.dingtalk
        let recorder = Recorder()
        dingtalk.observeInstanceChanges { change in
            // Calling the part back from the observer must not deadlock.
            recorder.record(change, partKnowsIt: dingtalk.hasInstance(change.after.id))
        }

        let (status, created) = admin(core, "POST", "instances", ["count": 2, "template": "请假"])
        #expect(status == 200)
        let ids = (created["instances"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 2)
        #expect(recorder.all.map(\.cause) == [.created, .created])
        #expect(recorder.all.map(\.after.id) == ids)
        #expect(recorder.all.allSatisfy { $0.before == nil && $0.after.status == "RUNNING" })

        let id = try #require(ids.first)
        #expect(admin(core, "POST", "instances/\(id)/remark", ["remark": "请补充"]).0 == 200)
        #expect(admin(core, "POST", "instances/\(id)/finish", ["result": "agree"]).0 == 200)
        // Refused (already final): nothing changes, nothing is reported.
        #expect(admin(core, "POST", "instances/\(id)/terminate").0 == 409)

        let changes = recorder.all
        #expect(changes.map(\.cause) == [.created, .created, .remarked, .finished])
        let finished = try #require(changes.last)
        #expect(finished.before?.status == "RUNNING")
        #expect(finished.after.status == "COMPLETED")
        #expect(finished.after.result == "agree")
        #expect(finished.after.tasks.contains { $0.status == "RUNNING" } == false)
        #expect(finished.atMs >= options.nowMs ?? 0)
        #expect(recorder.calledBack)

        // An admin reset replaces the world without reporting; observers stay subscribed.
        #expect(admin(core, "POST", "reset").0 == 200)
        #expect(recorder.all.count == 4)
        #expect(admin(core, "POST", "instances", ["template": "报销"]).0 == 200)
        #expect(recorder.all.count == 5)
    }
}
