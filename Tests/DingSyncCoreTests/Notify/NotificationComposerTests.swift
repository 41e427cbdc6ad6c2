import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

private let context = NotificationComposer.Context(
    host: "sync01", configPath: "/etc/dingsync/config.yaml",
    timeZone: TimeZone(identifier: "Asia/Shanghai")!, onSuccess: false)

private func summary(_ exit: DingSyncBasics.ExitStatus) -> RunSummary {
    var s = RunSummary(mode: "incremental")
    s.started = Date(timeIntervalSince1970: 1_743_566_400)  // 2025-04-02 12:00:00 +08:00
    s.finished = s.started.addingTimeInterval(42.5)
    s.exitStatus = exit
    s.listed = 12
    s.fetched = 14
    s.created = 9
    s.updated = 3
    s.unchanged = 2
    s.windows = ["PROC-A 2025-04-02 07:50:00 … 2025-04-02 12:00:00", "PROC-B 2025-04-02 07:50:00 … 2025-04-02 12:00:00"]
    s.dingtalkCalls = ["listids": 2, "processinstance/get": 14]
    s.feishuCalls = ["records/batch_create": 1]
    return s
}

private let stale = Alert(
    kind: .staleCheckpoint, title: "the checkpoint has not advanced for more than 24 h", detail: "PROC-A at …",
    fix: "read the last runs")

@Suite struct NotificationComposerTests {
    @Test func cleanRunSaysNothingUnlessOnSuccess() throws {
        #expect(NotificationComposer.compose(summary: summary(.success), alerts: [], context: context) == nil)
        var loud = context
        loud.onSuccess = true
        let message = try #require(NotificationComposer.compose(summary: summary(.success), alerts: [], context: loud))
        #expect(message.severity == .success)
        #expect(message.severity.template == "green")
        #expect(message.title == "dingsync: the incremental run synced 9 new, 3 changed · 同步成功")
        #expect(message.fixes.isEmpty)
    }

    @Test func failedRunIsRedWithWhatStoppedItAndWhatToDo() throws {
        var s = summary(.failed)
        s.fatalError = "DingTalk listids failed: 60011. the app lacks the permission Workflow.Instance.Read"
        let message = try #require(NotificationComposer.compose(summary: s, alerts: [], context: context))
        #expect(message.severity.template == "red")
        #expect(message.title.contains("failed (exit 2)"))
        #expect(message.facts.first { $0.label == "Stopped" }?.value.contains("Workflow.Instance.Read") == true)
        #expect(
            message.facts.first { $0.label == "Run" }?.value
                == "incremental on sync01, 2025-04-02 12:00:00 → 12:00:42 (42.5 s), exit 2")
        #expect(
            message.facts.first { $0.label == "Main rows" }?.value == "created 9 · updated 3 · unchanged 2 · failed 0")
        #expect(message.fixes.first?.contains("dingsync doctor --config /etc/dingsync/config.yaml") == true)
        #expect(message.footer.contains("sync01"))
    }

    @Test func partialRunListsFailuresUpToFive() throws {
        var s = summary(.partial)
        s.failed = 7
        s.failures = (1...7).map { (instanceId: "inst\($0)", error: "HTTP 500") }
        let message = try #require(NotificationComposer.compose(summary: s, alerts: [], context: context))
        #expect(message.severity.template == "orange")
        #expect(message.title == "dingsync: 7 instance(s) could not be synced (exit 1) · 部分失败")
        let failed = message.facts.filter { $0.label == "Failed" }.map(\.value)
        #expect(failed.count == 6)
        #expect(failed.first == "inst1: HTTP 500")
        #expect(failed.last == "… and 2 more (see the log)")
        #expect(message.fixes.first?.contains("retried on the next run") == true)
    }

    @Test func alertsAreMergedIntoTheRunsMessage() throws {
        let onClean = try #require(
            NotificationComposer.compose(summary: summary(.success), alerts: [stale], context: context))
        #expect(onClean.severity == .alert)
        #expect(onClean.title == "dingsync: the checkpoint has not advanced for more than 24 h · 告警")
        #expect(onClean.facts.contains { $0.label == "Alert" && $0.value.hasPrefix("the checkpoint has not advanced") })
        #expect(onClean.fixes == ["read the last runs"])
        let onFailure = try #require(
            NotificationComposer.compose(summary: summary(.failed), alerts: [stale, stale], context: context))
        #expect(onFailure.severity == .failure)
        #expect(onFailure.facts.filter { $0.label == "Alert" }.count == 2)
        #expect(onFailure.fixes.count == 4)
    }

    @Test func dryRunIsNeverNotified() {
        var s = summary(.failed)
        s.dryRun = true
        #expect(NotificationComposer.compose(summary: s, alerts: [stale], context: context) == nil)
    }

    @Test func windowsSharingARangeAreOneLine() {
        #expect(
            NotificationComposer.compactWindows(summary(.success).windows) == [
                "2025-04-02 07:50:00 … 2025-04-02 12:00:00 (2 templates)"
            ])
        #expect(
            NotificationComposer.compactWindows(["PROC-A 1 … 2", "PROC-B 3 … 4"]) == ["PROC-A 1 … 2", "PROC-B 3 … 4"])
    }

    @Test func plainTextAndMarkdownRenderings() throws {
        var s = summary(.failed)
        s.fatalError = "grant qyapi_get_member *now*"
        let message = try #require(NotificationComposer.compose(summary: s, alerts: [], context: context))
        #expect(message.plainText.contains("Stopped: grant qyapi_get_member *now*\n"))
        #expect(message.plainText.contains("What to do:\n- Fix what"))
        #expect(message.factsMarkdown.contains("**Stopped**: grant qyapi&#95;get&#95;member &#42;now&#42;"))
        #expect(message.fixesMarkdown.hasPrefix("**What to do**\n- "))
    }

    @Test func longValuesAreCut() throws {
        var s = summary(.failed)
        s.fatalError = String(repeating: "x", count: 5000)
        let message = try #require(NotificationComposer.compose(summary: s, alerts: [], context: context))
        #expect(message.facts.first { $0.label == "Stopped" }?.value.count == NotificationComposer.valueLimit)
    }
}
