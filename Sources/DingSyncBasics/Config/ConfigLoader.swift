import Foundation

/// What a command needs from the configuration beyond its syntax.
public struct ConfigRequirements: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `dingtalk.app_key`, `app_secret` and at least one process code.
    public static let dingtalk = ConfigRequirements(rawValue: 1)
    /// `feishu.app_id`, `app_secret` and `app_token`.
    public static let feishu = ConfigRequirements(rawValue: 2)
    /// `feishu.tables.main` (a sync writes there; `setup` creates it).
    public static let tables = ConfigRequirements(rawValue: 4)

    public static let sync: ConfigRequirements = [.dingtalk, .feishu, .tables]
    public static let none: ConfigRequirements = []
}

/// A loaded configuration and the warnings found on the way (not fatal).
public struct LoadedConfig: Sendable {
    public var config: Config
    public var warnings: [String]
}

/// Reads `config.yaml` (SPEC section 3): YAML → typed `Config`, env overrides, validation.
public enum ConfigLoader {
    /// Environment variables that override secrets in the file (environment wins), from `ConfigSchema`.
    public static let secretOverrides: [(variable: String, path: String)] = ConfigSchema.secrets.map {
        ($0.variable, $0.path)
    }

    /// The config path to use: the explicit one, else `./config.yaml`, else `$DINGSYNC_CONFIG`.
    public static func resolvePath(explicit: String?, environment: [String: String], currentDirectory: String) -> String
    {
        if let explicit, !explicit.isEmpty { return absolute(explicit, base: currentDirectory) }
        let local = absolute("config.yaml", base: currentDirectory)
        if FileManager.default.fileExists(atPath: local) { return local }
        if let fromEnv = environment["DINGSYNC_CONFIG"], !fromEnv.isEmpty {
            return absolute(fromEnv, base: currentDirectory)
        }
        return local
    }

    /// "a FIFO (named pipe)", "a character device", …; nil for a regular file (or one that cannot be stat'ed).
    static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    /// Loads and validates the file at `path`.
    public static func load(
        path: String, requirements: ConfigRequirements,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> LoadedConfig {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(
                path: path,
                hint:
                    "Pass --config PATH, set DINGSYNC_CONFIG, or copy config.yaml.example to config.yaml and fill it in."
            )
        }
        if isDirectory.boolValue {
            throw .unreadable(path: path, reason: "it is a directory; give the path of the YAML file")
        }
        if let kind = nonRegularKind(path) {
            throw .unreadable(path: path, reason: "it is \(kind), not a regular file; give the path of the YAML file")
        }
        if access(path, R_OK) != 0 {
            throw .unreadable(
                path: path,
                reason: "permission denied; the user running dingsync needs read access (chmod 600, owned by that user)"
            )
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "an I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "it is not UTF-8 text")
        }
        var loaded = try parse(text, file: path, requirements: requirements, environment: environment)
        if let warning = permissionWarning(path: path, literalSecrets: loaded.literalSecretPaths) {
            loaded.result.warnings.append(warning)
        }
        return loaded.result
    }

    /// Parses YAML text as if read from `file` (used by `load` and by tests).
    public static func parse(
        _ text: String, file: String, requirements: ConfigRequirements,
        environment: [String: String]
    ) throws(ConfigError) -> (result: LoadedConfig, literalSecretPaths: [String]) {
        let tree: YAMLNode
        do {
            tree = try YAMLParser.parse(text)
        } catch {
            throw .syntax(file: file, error)
        }
        let reader = ConfigReader(file: file, environment: environment)
        var config = ConfigDecoder.decode(tree, reader: reader)
        var warnings: [String] = []
        for secret in ConfigSchema.secrets {
            if let value = environment[secret.variable], !value.isEmpty { config[keyPath: secret.target] = value }
        }
        ConfigValidator.validate(&config, reader: reader, requirements: requirements, warnings: &warnings)
        if !reader.issues.isEmpty {
            throw .invalid(
                reader.issues.sorted {
                    ($0.mark?.line ?? 0, $0.mark?.column ?? 0) < ($1.mark?.line ?? 0, $1.mark?.column ?? 0)
                })
        }

        config.sourcePath = file
        config.locations = reader.locations
        let folder = (file as NSString).deletingLastPathComponent
        config.sync.checkpointFile = absolute(config.sync.checkpointFile, base: folder)
        config.sync.stateDB = absolute(config.sync.stateDB, base: folder)
        config.sync.lockFile = absolute(config.sync.lockFile, base: folder)
        config.logging.file = absolute(config.logging.file, base: folder)
        if !config.database.mysql.tlsCA.isEmpty {
            config.database.mysql.tlsCA = absolute(config.database.mysql.tlsCA, base: folder)
        }
        let literalSecrets = ConfigSchema.secrets.filter { secret in
            reader.literalPaths.contains(secret.path) && !config[keyPath: secret.target].isEmpty
                && environment[secret.variable] == nil
        }.map(\.path).sorted()
        return (LoadedConfig(config: config, warnings: warnings), literalSecrets)
    }

    /// A warning when a file holding literal secrets can be read by group or others.
    static func permissionWarning(path: String, literalSecrets: [String]) -> String? {
        guard !literalSecrets.isEmpty,
            let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue,
            mode & 0o044 != 0
        else { return nil }
        let octal = String(mode & 0o777, radix: 8)
        return
            "\(path) holds secrets (\(literalSecrets.joined(separator: ", "))) and is readable by other users (mode \(octal)). Run `chmod 600 \(path)`, or move the secrets to environment variables (DINGSYNC_DINGTALK_APP_SECRET, …)."
    }

    static func absolute(_ path: String, base: String) -> String {
        guard !path.isEmpty else { return path }
        let expanded = (path as NSString).expandingTildeInPath
        // Lexical normalisation only (`.` and `..`): symlinks stay as the operator wrote them.
        let joined = expanded.hasPrefix("/") ? expanded : (base as NSString).appendingPathComponent(expanded)
        return URL(fileURLWithPath: joined).standardized.path
    }
}
