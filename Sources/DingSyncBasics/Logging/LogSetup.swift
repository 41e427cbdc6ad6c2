import Foundation
import Logging

/// How chatty the console is (`--verbose` / `--quiet`).
public enum Verbosity: Sendable {
    case quiet, normal, verbose
}

/// Builds the run's `Logger` from the configuration: console plus rotating file, redacted.
public enum LogSetup {
    /// A logger writing to stderr and to `logging.file`. If the file cannot be opened,
    /// logging continues on the console with one warning.
    public static func makeLogger(
        label: String = "dingsync", config: Config, verbosity: Verbosity,
        console: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) -> Logger {
        let fileLevel = Logger.Level(config.logging.level)
        let consoleLevel: Logger.Level
        switch verbosity {
        case .quiet: consoleLevel = .warning
        case .normal: consoleLevel = max(.info, fileLevel)
        case .verbose: consoleLevel = .debug
        }
        var writer: RotatingFileWriter?
        var openFailure: String?
        if !config.logging.file.isEmpty {
            do {
                writer = try RotatingFileWriter(
                    path: config.logging.file, maxBytes: config.logging.maxBytes,
                    backupCount: config.logging.backupCount)
            } catch {
                openFailure =
                    "cannot open log file \(config.logging.file) (\(error.localizedDescription)); logging to the console only. Check logging.file and the folder's permissions."
            }
        }
        let redactor = Redactor(secrets: config.secrets)
        var logger = Logger(label: label) { name in
            DingSyncLogHandler(
                label: name, level: verbosity == .verbose ? min(.debug, fileLevel) : fileLevel,
                consoleLevel: consoleLevel, file: writer, redactor: redactor, console: console)
        }
        logger.logLevel = min(fileLevel, consoleLevel)
        if let openFailure { logger.warning("\(openFailure)") }
        return logger
    }
}
