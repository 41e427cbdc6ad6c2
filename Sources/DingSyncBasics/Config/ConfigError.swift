import Foundation

/// One problem found in a configuration file, with where it is.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var mark: YAMLMark?
    /// The whole sentence, starting with the key path (`sync.batch_size must be …`).
    public var message: String

    public var description: String {
        let name = (file as NSString).lastPathComponent
        if let mark { return "\(name):\(mark.line):\(mark.column): \(message)" }
        return "\(name): \(message)"
    }
}

/// Why a configuration could not be used. Every case exits 64.
public enum ConfigError: Error, Sendable, Equatable, LocalizedError {
    case fileNotFound(path: String, hint: String)
    case unreadable(path: String, reason: String)
    case syntax(file: String, YAMLSyntaxError)
    case invalid([ConfigIssue])

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path, let hint):
            return "configuration file \(path) does not exist. \(hint)"
        case .unreadable(let path, let reason):
            return "configuration file \(path) cannot be read: \(reason)."
        case .syntax(let file, let error):
            let name = (file as NSString).lastPathComponent
            var text = "\(name):\(error.mark.line):\(error.mark.column): YAML syntax error: \(error.problem)"
            if let context = error.context {
                text += error.noticedAt == nil ? " (\(context))" : " (\(context) that starts here)"
            }
            if let noticed = error.noticedAt {
                text += "; libyaml noticed it at line \(noticed.line), column \(noticed.column)"
            }
            return text + ". Fix the YAML at that line (an unclosed bracket or quote, indentation, a missing ':')."
        case .invalid(let issues):
            let lines = issues.map(\.description)
            if lines.count == 1 { return lines[0] }
            return "\(lines.count) problems in the configuration:\n" + lines.map { "  " + $0 }.joined(separator: "\n")
        }
    }
}
