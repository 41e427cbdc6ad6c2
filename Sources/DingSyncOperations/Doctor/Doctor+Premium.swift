import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncStore
import Foundation

extension Doctor {
    /// OA premium (SPEC 9): on `api: premium`, that its listing works; on `api: new`, whether it
    /// is available and what it would save for the last 30 days' volume (one call). Nil on legacy.
    func premiumCheck(_ store: StateStore?) async -> DoctorCheck? {
        let name = "OA premium"
        guard config.dingtalk.api != .legacy, let code = config.dingtalk.processCodes.first else { return nil }
        do {
            try await dingtalk.probePremium(processCode: code, now: now)
        } catch let error as APIError where config.dingtalk.api == .new && !error.isTransientLike {
            switch error.code {
            case "benefit.status.invalid":
                return .ok(name, "not available: the organisation has no OA高级版; dingtalk.api: new is the right choice")
            case "permission.error", "Forbidden.AccessDenied.AccessTokenPermissionDenied":
                // the organisation may have OA premium: only the app's permission is missing
                return .ok(
                    name,
                    "not checked: the app lacks the permission Premium.Workflow.ReadWrite.All (with OA高级版, grant it to "
                        + "list 20 instances with details per call: dingtalk.api: premium); dingtalk.api: new works as is"
                )
            default:
                return .ok(
                    name,
                    "not checked: the premium listing answers \(error.code) (\(error.message)); dingtalk.api: new works "
                        + "as is")
            }
        } catch {
            let fix =
                config.dingtalk.api == .premium
                ? "the organisation needs OA高级版 and the app the permission Premium.Workflow.ReadWrite.All; otherwise set dingtalk.api: new"
                : "retry later"
            return .from(error, name: name, status: config.dingtalk.api == .premium ? .fail : .warn, fallbackFix: fix)
        }
        if config.dingtalk.api == .premium {
            return .ok(name, "the premium listing serves this organisation (20 instances with details per call)")
        }
        let volume = premiumVolume(store)
        guard volume.instances > 0 else {
            return .ok(
                name,
                "available to this organisation: dingtalk.api: premium would list 20 instances with their details per call (about 0.05 DingTalk calls per instance instead of 1.05) and backfill 5 years back"
            )
        }
        let newCalls = volume.instances + volume.pages
        return .ok(
            name,
            "available to this organisation: the last 30 days' \(volume.instances) instance(s) cost about \(newCalls) DingTalk calls "
                + "with dingtalk.api: new (\(Self.perInstance(newCalls, volume.instances)) per instance) and about "
                + "\(volume.pages) with dingtalk.api: premium (\(Self.perInstance(volume.pages, volume.instances)) per instance, "
                + "plus a few detail reads the first time); premium also backfills 5 years back")
    }

    /// Instances mirrored in the last 30 days and the listing pages they take (20 per page, per template).
    private func premiumVolume(_ store: StateStore?) -> (instances: Int, pages: Int) {
        guard let store else { return (0, 0) }
        let window = TimeWindow(start: now.addingTimeInterval(-30 * 86_400), end: now)
        var total = 0
        var pages = 0
        for code in config.dingtalk.processCodes {
            let n = (try? store.instanceCount(processCode: code, window: window)) ?? 0
            total += n
            pages += (n + 19) / 20
        }
        return (total, pages)
    }

    static func perInstance(_ calls: Int, _ instances: Int) -> String {
        String(format: "%.2f", Double(calls) / Double(max(1, instances)))
    }
}

extension APIError {
    /// Throttling, a server error or no answer: says nothing about premium being available.
    var isTransientLike: Bool {
        switch kind {
        case .fatal: return false
        default: return true
        }
    }
}
