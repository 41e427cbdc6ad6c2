import Foundation

/// Reads typed values out of a `YAMLNode` tree, collecting every problem with its position.
///
/// Each accessor returns nil when the key is absent or wrong; wrong values are recorded
/// as issues so that one run of `dingsync` reports all of them at once.
final class ConfigReader {
    let file: String
    let environment: [String: String]
    private(set) var issues: [ConfigIssue] = []
    private(set) var locations: [String: YAMLMark] = [:]
    /// Key paths whose values were written literally in the file (not via `${VAR}`).
    private(set) var literalPaths: Set<String> = []
    /// Key path → environment variables referenced there that are not set.
    private(set) var unsetVariables: [String: [String]] = [:]
    /// Key paths offered as "did you mean" for a typo, so that a missing-key report is not repeated.
    private(set) var suggestedPaths: Set<String> = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    func report(_ message: String, at mark: YAMLMark?) {
        issues.append(ConfigIssue(file: file, mark: mark, message: message))
    }

    /// The entries of a mapping, reporting unknown keys (when `known` is given) with the closest known key.
    func entries(_ node: YAMLNode?, path: String, known: [String]? = nil) -> [String: YAMLNode] {
        guard let node, !node.isNull else { return [:] }
        guard case .mapping(let pairs, _) = node else {
            report(
                "\(path.isEmpty ? "the document" : path) must be a mapping of keys, got \(node.kindDescription)",
                at: node.mark)
            return [:]
        }
        var result: [String: YAMLNode] = [:]
        for pair in pairs {
            let full = path.isEmpty ? pair.key : "\(path).\(pair.key)"
            locations[full] = pair.value.isNull ? pair.keyMark : pair.value.mark
            if let known, !known.contains(pair.key) {
                var message = "\(full): unknown key"
                if let near = StringDistance.closest(to: pair.key, in: known) {
                    let suggestion = path.isEmpty ? near : "\(path).\(near)"
                    suggestedPaths.insert(suggestion)
                    message += " — did you mean \(suggestion)?"
                } else if let elsewhere = ConfigSchema.allPaths.first(where: { $0.hasSuffix(".\(pair.key)") }) {
                    suggestedPaths.insert(elsewhere)
                    message += " — did you mean \(elsewhere)?"
                } else {
                    message += " (known keys here: \(known.joined(separator: ", ")))"
                }
                report(message, at: pair.keyMark)
                continue
            }
            result[pair.key] = pair.value
        }
        return result
    }

    /// A scalar as a string, with `${VAR}` expanded. Null → nil.
    func string(_ node: YAMLNode?, path: String) -> String? {
        guard let node, !node.isNull else { return nil }
        guard case .scalar(let raw, _, _) = node else {
            report("\(path) must be a single value, got \(node.kindDescription)", at: node.mark)
            return nil
        }
        return expand(raw, path: path)
    }

    func int(_ node: YAMLNode?, path: String, range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, path: path) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        guard let value = Int(trimmed), range.contains(value) else {
            let bound =
                range.upperBound == Int.max
                ? "of at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            report("\(path) must be a whole number \(bound), got \"\(text)\"", at: node?.mark)
            return nil
        }
        return value
    }

    func bool(_ node: YAMLNode?, path: String) -> Bool? {
        guard let text = string(node, path: path) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            report("\(path) must be true or false, got \"\(text)\"", at: node?.mark)
            return nil
        }
    }

    /// One of a fixed set of words (case-insensitive).
    func choice<T: RawRepresentable & CaseIterable>(_ node: YAMLNode?, path: String, as type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = T.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) { return value }
        let options = T.allCases.map(\.rawValue).joined(separator: " | ")
        report("\(path) must be one of \(options), got \"\(text)\"", at: node?.mark)
        return nil
    }

    /// A log level: the cases of `LogLevelSetting` (case-insensitive) or `WARN` for `WARNING`.
    func logLevel(_ node: YAMLNode?, path: String) -> LogLevelSetting? {
        guard let text = string(node, path: path) else { return nil }
        let upper = text.uppercased() == "WARN" ? "WARNING" : text.uppercased()
        if let level = LogLevelSetting(rawValue: upper) { return level }
        report(
            "\(path) must be one of \(LogLevelSetting.allCases.map(\.rawValue).joined(separator: " | ")), got \"\(text)\"",
            at: node?.mark)
        return nil
    }

    /// A list of strings; a single scalar is accepted as a one-element list.
    func stringList(_ node: YAMLNode?, path: String) -> [String]? {
        guard let node, !node.isNull else { return nil }
        switch node {
        case .scalar:
            return string(node, path: path).map { [$0] }
        case .sequence(let items, _):
            var values: [String] = []
            for (index, item) in items.enumerated() {
                if let value = string(item, path: "\(path)[\(index)]") { values.append(value) }
            }
            return values
        case .mapping:
            report("\(path) must be a list like [\"a\", \"b\"], got a mapping", at: node.mark)
            return nil
        }
    }

    /// A mapping of free-form keys to string values.
    func stringMap(_ node: YAMLNode?, path: String) -> [String: String]? {
        guard let node, !node.isNull else { return nil }
        guard case .mapping(let pairs, _) = node else {
            report("\(path) must be a mapping like {key: \"value\"}, got \(node.kindDescription)", at: node.mark)
            return nil
        }
        var result: [String: String] = [:]
        for pair in pairs {
            let full = "\(path).\(pair.key)"
            locations[full] = pair.value.mark
            if let value = string(pair.value, path: full) { result[pair.key] = value }
        }
        return result
    }

    /// `sla.templates`: process code → `{hours, node_hours}` (unknown keys inside reported).
    func slaTemplates(_ node: YAMLNode?, path: String) -> [String: SLATemplateConfig]? {
        guard let node, !node.isNull else { return nil }
        guard case .mapping(let pairs, _) = node else {
            report(
                "\(path) must be a mapping like {PROC-X: {hours: 24, node_hours: 8}}, got \(node.kindDescription)",
                at: node.mark)
            return nil
        }
        var result: [String: SLATemplateConfig] = [:]
        for pair in pairs {
            let full = "\(path).\(pair.key)"
            locations[full] = pair.value.mark
            guard case .mapping = pair.value else {
                report(
                    "\(full) must be a mapping like {hours: 24, node_hours: 8}, got \(pair.value.kindDescription)",
                    at: pair.value.mark)
                continue
            }
            let keys = entries(pair.value, path: full, known: ["hours", "node_hours"])
            let range = 0...SLAConfig.maxHours
            result[pair.key] = SLATemplateConfig(
                hours: int(keys["hours"], path: "\(full).hours", range: range),
                nodeHours: int(keys["node_hours"], path: "\(full).node_hours", range: range))
        }
        return result
    }

    /// Expands `${VAR}` references from the environment; unset variables expand to "" and are remembered.
    private func expand(_ raw: String, path: String) -> String {
        guard raw.contains("${") else {
            literalPaths.insert(path)
            return raw
        }
        var result = ""
        var rest = Substring(raw)
        while let open = rest.range(of: "${") {
            result += rest[rest.startIndex..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[open.upperBound..<close])
            if let value = environment[name] {
                result += value
            } else {
                unsetVariables[path, default: []].append(name)
            }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        return result
    }
}
