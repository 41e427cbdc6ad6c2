import Foundation

/// A template's name (SPEC 4.1 `template_name`): the most common title suffix after "提交的"
/// among its instances (DingTalk's default titles read "王小明提交的请假申请"), else its
/// process code. One rule for the main table, statistics and reports.
public enum TemplateNaming {
    /// The marker DingTalk puts between the applicant's name and the template's name.
    public static let marker = "提交的"

    /// The suffix after ``marker`` in `title`, trimmed; nil when there is none.
    public static func suffix(of title: String) -> String? {
        guard let range = title.range(of: marker) else { return nil }
        let suffix = String(title[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        return suffix.isEmpty ? nil : suffix
    }

    /// Process code → the most common title suffix among `titles` (ties: the smallest suffix by code point);
    /// codes none of whose titles has a suffix are absent.
    public static func names(_ titles: [(processCode: String, title: String)]) -> [String: String] {
        var tallies: [String: [String: Int]] = [:]
        for entry in titles {
            guard let suffix = suffix(of: entry.title) else { continue }
            tallies[entry.processCode, default: [:]][suffix, default: 0] += 1
        }
        return tallies.compactMapValues { tally in
            tally.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        }
    }
}
