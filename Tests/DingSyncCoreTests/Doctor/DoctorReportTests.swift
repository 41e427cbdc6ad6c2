import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct DoctorReportTests {
    @Test func exitCodeIsTheWorstStatus() {
        #expect(DoctorReport(checks: [.ok("a", "x"), .ok("b", "y")]).exitStatus == .success)
        #expect(DoctorReport(checks: [.ok("a", "x"), .warn("b", "y", fix: "z")]).exitStatus == .partial)
        #expect(
            DoctorReport(checks: [.warn("a", "x", fix: "z"), .fail("b", "y", fix: "z"), .ok("c", "w")]).exitStatus
                == .failed)
        #expect(DoctorReport(checks: []).exitStatus == .success)
    }

    @Test func oneLinePerCheckWithTheFixAfterAnArrow() {
        let report = DoctorReport(checks: [
            .ok("config", "/etc/dingsync/config.yaml is valid"),
            .warn("checkpoint", "no checkpoint yet for PROC-A", fix: "run `dingsync --init`"),
            .fail("Feishu main table", "tblX is not a table of base bascnY", fix: "run `dingsync setup`")
        ])
        let lines = report.text.components(separatedBy: "\n")
        #expect(
            lines == [
                "ok    config             /etc/dingsync/config.yaml is valid",
                "warn  checkpoint         no checkpoint yet for PROC-A → run `dingsync --init`",
                "fail  Feishu main table  tblX is not a table of base bascnY → run `dingsync setup`",
                "",
                "doctor: 1 ok · 1 warning(s) · 1 failure(s) → exit 2"
            ])
    }

    @Test func apiErrorsBecomeLinesWithTheirHint() {
        let error = APIError(
            platform: .dingtalk, api: "user/get", code: "60011", message: "没有调用该接口的权限",
            hint: "the app lacks the permission for user/get: qyapi_get_member", kind: .fatal)
        let check = DoctorCheck.from(error, name: "DingTalk contacts: users", status: .warn, fallbackFix: "unused")
        #expect(check.status == .warn)
        #expect(check.detail == "DingTalk user/get: 60011 没有调用该接口的权限")
        #expect(check.fix == "the app lacks the permission for user/get: qyapi_get_member")
        let bare = APIError(platform: .feishu, api: "tables/list", code: "HTTP 503", message: "", kind: .transient)
        #expect(
            DoctorCheck.from(bare, name: "Feishu base", fallbackFix: "check feishu.app_token").fix
                == "check feishu.app_token")
    }
}
