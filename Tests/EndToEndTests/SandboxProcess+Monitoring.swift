import Foundation

/// Config edits, bot messages and logs for the doctor and notification tests.
extension SandboxProcess {
    /// Runs dingsync on another thread, so that the wait does not hold one of the few
    /// threads Swift's concurrency pool has (other suites run alongside).
    func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> CLIResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.dingsync(arguments, environment: environment) })
            }
        }
    }

    var configText: String { (try? String(contentsOfFile: configPath, encoding: .utf8)) ?? "" }

    /// Rewrites the config written by the sandbox (keys are added under their section).
    func editConfig(_ transform: (String) -> String) throws {
        try transform(configText).write(toFile: configPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configPath)
    }

    /// Adds lines right after a section's header line (`sync:`, `notification:`, …).
    func addToSection(_ section: String, _ lines: String) throws {
        try editConfig { text in
            text.replacingOccurrences(
                of: "\n\(section):\n",
                with: "\n\(section):\n" + lines.split(separator: "\n").map { "  \($0)\n" }.joined())
        }
    }

    /// Replaces `key: value` at any depth (the first occurrence of `key:`).
    func setValue(_ key: String, _ value: String) throws {
        try editConfig { text in
            var lines = text.components(separatedBy: "\n")
            if let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key):") }) {
                let indent = lines[index].prefix { $0 == " " }
                lines[index] = "\(indent)\(key): \(value)"
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Bot messages the sandbox received: body, signature_valid, code.
    func webhookMessages() throws -> [[String: Any]] {
        try admin("GET", "webhook/messages")["messages"] as? [[String: Any]] ?? []
    }

    var webhookToken: String { ((info["webhook"] as? [String: Any])?["token"] as? String) ?? "" }
    var webhookSecret: String { ((info["webhook"] as? [String: Any])?["secret"] as? String) ?? "" }

    var log: String { (try? String(contentsOfFile: folder + "/logs/sync.log", encoding: .utf8)) ?? "" }

    /// A rewritten checkpoint: every template synced until `date`.
    func writeCheckpoint(at date: Date) throws {
        let codes = ((info["dingtalk"] as? [String: Any])?["process_codes"] as? [String]) ?? processCodesFromConfig
        var entries: [String: Any] = [:]
        for code in codes { entries[code] = ["synced_until_ms": Int64(date.timeIntervalSince1970 * 1000)] }
        let data = try JSONSerialization.data(withJSONObject: ["version": 1, "process_codes": entries])
        try data.write(to: URL(fileURLWithPath: folder + "/checkpoint.json"))
    }

    var processCodesFromConfig: [String] {
        guard let line = configText.components(separatedBy: "\n").first(where: { $0.contains("process_codes:") }) else {
            return []
        }
        return line.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }
}

/// The card of a bot message: header template, title and every lark_md text joined.
struct ReceivedCard {
    var template: String
    var title: String
    var text: String
    var signatureValid: Bool?
    var code: Int

    init?(_ message: [String: Any]) {
        guard let body = message["body"] as? [String: Any], body["msg_type"] as? String == "interactive",
            let card = body["card"] as? [String: Any], let header = card["header"] as? [String: Any]
        else { return nil }
        template = header["template"] as? String ?? ""
        title = (header["title"] as? [String: Any])?["content"] as? String ?? ""
        let elements = card["elements"] as? [[String: Any]] ?? []
        text = elements.compactMap { ($0["text"] as? [String: Any])?["content"] as? String }.joined(separator: "\n")
            .replacingOccurrences(of: "&#95;", with: "_").replacingOccurrences(of: "&#42;", with: "*")
        signatureValid = message["signature_valid"] as? Bool
        code = (message["code"] as? NSNumber)?.intValue ?? -1
    }
}
