/// One key of `config.yaml`: its YAML name, and how its value is read into `Config` or the keys of its section.
///
/// `ConfigSchema.root` is a tree of these; decoding (below), the key paths in messages (section
/// path + name), the known keys for unknown-key detection and "did you mean", and the secrets
/// with their `DINGSYNC_*` overrides all derive from it.
struct ConfigKey: Sendable {
    /// Reads the key's node (nil when absent) at `path`, reporting a bad value to the reader.
    typealias Read =
        @Sendable (_ reader: ConfigReader, _ node: YAMLNode?, _ path: String, _ config: inout Config) -> Void

    enum Body: Sendable {
        case value(Read)
        case section([ConfigKey])
    }

    let name: String
    let body: Body
    /// For a secret: the variable that overrides the file's value, and where the value lives.
    var secret: (variable: String, target: WritableKeyPath<Config, String> & Sendable)?

    /// A section holding `keys`, in the order they are decoded and suggested.
    static func section(_ name: String, _ keys: [ConfigKey]) -> ConfigKey {
        ConfigKey(name: name, body: .section(keys))
    }

    /// A key whose value `read` produces (nil: absent or reported) and that is stored at `target`.
    static func key<Value>(
        _ name: String, _ target: WritableKeyPath<Config, Value> & Sendable,
        _ read: @escaping @Sendable (ConfigReader, YAMLNode?, String) -> Value?
    ) -> ConfigKey {
        ConfigKey(
            name: name,
            body: .value { reader, node, path, config in
                if let value = read(reader, node, path) { config[keyPath: target] = value }
            })
    }

    /// A string; with `overriddenBy`, a secret that variable replaces.
    static func string(
        _ name: String, _ target: WritableKeyPath<Config, String> & Sendable, overriddenBy variable: String? = nil
    ) -> ConfigKey {
        var key = key(name, target) { $0.string($1, path: $2) }
        key.secret = variable.map { ($0, target) }
        return key
    }

    static func int(_ name: String, _ target: WritableKeyPath<Config, Int> & Sendable, _ range: ClosedRange<Int>)
        -> ConfigKey
    {
        key(name, target) { $0.int($1, path: $2, range: range) }
    }

    static func bool(_ name: String, _ target: WritableKeyPath<Config, Bool> & Sendable) -> ConfigKey {
        key(name, target) { $0.bool($1, path: $2) }
    }

    /// One of the cases of `T`, case-insensitive.
    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ target: WritableKeyPath<Config, T> & Sendable
    ) -> ConfigKey
    where T.RawValue == String {
        key(name, target) { $0.choice($1, path: $2, as: T.self) }
    }

    static func stringList(_ name: String, _ target: WritableKeyPath<Config, [String]> & Sendable) -> ConfigKey {
        key(name, target) { $0.stringList($1, path: $2) }
    }

    static func stringMap(_ name: String, _ target: WritableKeyPath<Config, [String: String]> & Sendable) -> ConfigKey {
        key(name, target) { $0.stringMap($1, path: $2) }
    }
}

/// A secret key, replaced by its `DINGSYNC_*` variable when set and warned about when written literally.
struct SecretKey: Sendable {
    /// The full key path (`dingtalk.app_secret`).
    var path: String
    var variable: String
    var target: WritableKeyPath<Config, String> & Sendable
}

/// Maps the YAML tree onto `Config` by walking `ConfigSchema.root`, leaving defaults where a key is absent.
enum ConfigDecoder {
    static func decode(_ tree: YAMLNode, reader: ConfigReader) -> Config {
        var config = Config()
        decode(ConfigSchema.root, in: tree, path: "", reader: reader, into: &config)
        return config
    }

    /// Reads the mapping `node` at `path` (reporting keys not in `keys`), then each key in table order.
    private static func decode(
        _ keys: [ConfigKey], in node: YAMLNode?, path: String, reader: ConfigReader, into config: inout Config
    ) {
        let entries = reader.entries(node, path: path, known: keys.map(\.name))
        for key in keys {
            let keyPath = ConfigSchema.join(path, key.name)
            switch key.body {
            case .value(let read): read(reader, entries[key.name], keyPath, &config)
            case .section(let inner): decode(inner, in: entries[key.name], path: keyPath, reader: reader, into: &config)
            }
        }
    }
}
