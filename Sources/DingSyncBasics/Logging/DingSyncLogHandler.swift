import Foundation
import Logging

/// A swift-log handler writing redacted lines to the console (stderr) and to a rotating file.
///
/// Console lines are short (`level: message`); file lines carry a timestamp, the label
/// and metadata. The console and the file have separate thresholds so that `--quiet`
/// keeps the file complete.
public struct DingSyncLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public let consoleLevel: Logger.Level
    private let label: String
    private let file: RotatingFileWriter?
    private let redactor: Redactor
    private let console: @Sendable (String) -> Void

    public init(
        label: String, level: Logger.Level, consoleLevel: Logger.Level, file: RotatingFileWriter?, redactor: Redactor,
        console: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.label = label
        self.logLevel = min(level, consoleLevel)
        self.consoleLevel = consoleLevel
        self.file = file
        self.redactor = redactor
        self.console = console
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let meta =
            merged.isEmpty
            ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = redactor.redact("\(event.message)\(meta)")
        if event.level >= consoleLevel {
            console(event.level >= .warning ? "\(event.level.shortName): \(text)" : text)
        }
        if let file {
            file.write(line: "\(Self.timestamp()) [\(event.level.shortName.uppercased())] \(label): \(text)")
        }
    }

    private static func timestamp() -> String {
        Date().formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(
                .colon))
    }
}

extension Logger.Level {
    var shortName: String {
        switch self {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }

    /// The swift-log level for a configured `logging.level`.
    public init(_ setting: LogLevelSetting) {
        switch setting {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
