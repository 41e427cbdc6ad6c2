import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// One notification: what happened, the counts, what to do. Rendered as a Feishu card and
/// as a plain-text email by their senders.
public struct NotificationMessage: Sendable, Equatable {
    public enum Severity: String, Sendable {
        /// The run could not proceed (exit 2).
        case failure
        /// Some instances failed (exit 1).
        case partial
        /// All synced, but something needs a look.
        case alert
        /// All synced (sent only with `notification.on_success`).
        case success
        /// A digest for managers (`dingsync digest`).
        case digest

        /// The card header colour.
        public var template: String {
            switch self {
            case .failure: return "red"
            case .partial, .alert: return "orange"
            case .success: return "green"
            case .digest: return "blue"
            }
        }
    }

    public var severity: Severity
    /// Starts with "dingsync" (a bot with a keyword rule can require it).
    public var title: String
    /// Facts, one per line, as `label: value` pairs.
    public var facts: [(label: String, value: String)]
    /// What to do, one step per line.
    public var fixes: [String]
    /// Where it comes from (host, config path, version).
    public var footer: String

    public init(
        severity: Severity, title: String, facts: [(label: String, value: String)], fixes: [String], footer: String
    ) {
        self.severity = severity
        self.title = title
        self.facts = facts
        self.fixes = fixes
        self.footer = footer
    }

    public static func == (l: NotificationMessage, r: NotificationMessage) -> Bool {
        l.severity == r.severity && l.title == r.title && l.fixes == r.fixes && l.footer == r.footer
            && l.facts.map(\.label) == r.facts.map(\.label) && l.facts.map(\.value) == r.facts.map(\.value)
    }

    /// The text of an email or a log line.
    public var plainText: String {
        var lines = [title, ""]
        lines += facts.map { "\($0.label): \($0.value)" }
        if !fixes.isEmpty {
            lines += ["", "What to do:"]
            lines += fixes.map { "- \($0)" }
        }
        lines += ["", "-- ", footer]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The facts as Feishu `lark_md` (bold labels; Markdown characters in values escaped).
    public var factsMarkdown: String {
        facts.map { "**\(Self.escape($0.label))**: \(Self.escape($0.value))" }.joined(separator: "\n")
    }

    /// The fixes as a `lark_md` list.
    public var fixesMarkdown: String {
        "**What to do**\n" + fixes.map { "- \(Self.escape($0))" }.joined(separator: "\n")
    }

    /// Escapes the characters lark_md would read as formatting, as HTML character references
    /// (the card Markdown's own escape): `qyapi_get_member` must not turn italic. Backticks
    /// stay: they mark commands.
    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "*": out += "&#42;"
            case "_": out += "&#95;"
            case "~": out += "&#126;"
            case "[": out += "&#91;"
            case "]": out += "&#93;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.append(ch)
            }
        }
        return out
    }
}
