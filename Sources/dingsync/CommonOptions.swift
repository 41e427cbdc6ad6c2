import ArgumentParser
import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// `--config PATH`, shared by every command.
struct ConfigOption: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "The configuration file (default: ./config.yaml, else $DINGSYNC_CONFIG).",
            discussion: "Example: --config /etc/dingsync/config.yaml", valueName: "path"))
    var config: String?

    /// Loads and validates the configuration, printing its warnings on stderr.
    func load(_ requirements: ConfigRequirements) throws -> Config {
        let path = ConfigLoader.resolvePath(
            explicit: config, environment: ProcessInfo.processInfo.environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
        let loaded = try CommandRunner.run { try ConfigLoader.load(path: path, requirements: requirements) }
        for warning in loaded.warnings { Console.error("warning: \(warning)") }
        return loaded.config
    }
}

/// Prints operator-facing errors and turns them into the contract's exit codes.
enum CommandRunner {
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as OperatorFacingError {
            Console.error("error: \(error.localizedDescription)")
            throw ExitCode(error.exitStatus.rawValue)
        }
    }

    static func runAsync<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as OperatorFacingError {
            Console.error("error: \(error.localizedDescription)")
            throw ExitCode(error.exitStatus.rawValue)
        }
    }
}

enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
