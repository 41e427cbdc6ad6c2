import Foundation

/// The dingsync configuration file (SPEC §3) for a sandbox.
enum ConfigWriter {
    struct Values {
        var baseURL: String
        var appKey: String
        var appSecret: String
        var api: String
        var processCodes: [String]
        var qps: Int
        var monthlyQuota: Int
        var feishuAppId: String
        var feishuAppSecret: String
        var appToken: String
        var mainTableId: String?
        var actionTableId: String?
        var webhookURL: String
        var webhookSecret: String
    }

    /// A YAML double-quoted scalar.
    static func q(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func yaml(_ v: Values) -> String {
        var lines: [String] = [
            "# dingsync configuration written by dingsync-sandbox for \(v.baseURL)",
            "dingtalk:",
            "  app_key: \(q(v.appKey))",
            "  app_secret: \(q(v.appSecret))",
            "  api: \(v.api)",
            "  api_base_url: \(q(v.baseURL))",
            "  base_url: \(q(v.baseURL))",
            "  process_codes: [\(v.processCodes.map(q).joined(separator: ", "))]",
            "  qps: \(v.qps)",
            "  monthly_quota: \(v.monthlyQuota)",
            "  time_zone_of_new_api: auto",
            "",
            "feishu:",
            "  app_id: \(q(v.feishuAppId))",
            "  app_secret: \(q(v.feishuAppSecret))",
            "  base_url: \(q(v.baseURL))",
            "  app_token: \(q(v.appToken))"
        ]
        if let main = v.mainTableId {
            lines.append("  tables:")
            lines.append("    main: \(q(main))")
            if let action = v.actionTableId { lines.append("    action: \(q(action))") }
        }
        lines += [
            "  field_names: {}",
            "",
            "sync:",
            "  batch_size: 500",
            "  max_retries: 3",
            "  checkpoint_file: \"checkpoint.json\"",
            "  state_db: \"dingsync.sqlite\"",
            "  default_hours: 24",
            "  init_days: 7",
            "  full_check_days: 30",
            "  lookback_minutes: 10",
            "  timezone: \"Asia/Shanghai\"",
            "  lock_file: \"dingsync.lock\"",
            "",
            "notification:",
            "  enabled: true",
            "  webhook_url: \(q(v.webhookURL))",
            "  secret: \(q(v.webhookSecret))",
            "  on_success: false",
            "",
            "logging:",
            "  level: \"INFO\"",
            "  file: \"logs/sync.log\"",
            ""
        ]
        return lines.joined(separator: "\n")
    }

    static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let temp = folder.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: temp)
            if rename(temp.path, url.path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(at: temp)
                throw SandboxError.io("cannot rename \(temp.path) to \(path): \(String(cString: strerror(code)))")
            }
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError.io("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
