import Foundation
import Testing

@testable import DingSyncBasics

/// Decodes `yaml` with the schema alone (no loader: no path resolution, no validation).
private func decode(_ yaml: String) -> (config: Config, issues: [String]) {
    let reader = ConfigReader(file: "/etc/dingsync/config.yaml", environment: [:])
    do {
        let config = ConfigDecoder.decode(try YAMLParser.parse(yaml), reader: reader)
        return (config, reader.issues.map(\.description))
    } catch {
        return (Config(), ["\(error)"])
    }
}

/// The problems the loader reports for `yaml`, in its order (by position), for a command needing nothing.
private func problems(_ yaml: String) -> [String] { configIssues(yaml, requirements: .none) }

/// `a.b.c` with `value` as nested YAML.
private func yaml(_ path: String, _ value: String) -> String {
    let parts = path.split(separator: ".")
    return parts.enumerated().map { index, part in
        String(repeating: "  ", count: index) + part + ":" + (index == parts.count - 1 ? " \(value)" : "")
    }.joined(separator: "\n") + "\n"
}

/// The stored properties (as `section.property` paths) whose values differ between `a` and `b`.
private func changedProperties(_ a: Any, _ b: Any, path: String = "") -> [String] {
    let left = Mirror(reflecting: a)
    let right = Mirror(reflecting: b)
    guard left.displayStyle == .struct else { return "\(a)" == "\(b)" ? [] : [path] }
    return zip(left.children, right.children).flatMap { l, r in
        changedProperties(l.value, r.value, path: ConfigSchema.join(path, l.label ?? "?"))
    }
}

/// `time_zone_of_new_api` and `timeZoneOfNewAPI` both become `timezoneofnewapi`.
private func normalized(_ name: Substring) -> String {
    name.lowercased().replacingOccurrences(of: "_", with: "")
}

@Suite struct ConfigSchemaTests {
    /// Values tried in turn until one is accepted and changes the configuration.
    static let candidates = [
        "{k: v}", "[a, b]", "{P: {hours: 2}}", "2", "2048", "true", "false", "legacy", "utc", "ssl", "mysql",
        "required", "DEBUG", "{k: {}}"
    ]

    @Test func everyKeyRoundTripsIntoItsProperty() {
        let leaves = ConfigSchema.allKeys.filter { if case .value = $0.key.body { true } else { false } }
        #expect(leaves.count == 77)
        for (path, _) in leaves {
            let accepted = Self.candidates.lazy.map { decode(yaml(path, $0)) }
                .first { $0.issues.isEmpty && $0.config != Config() }
            guard let accepted else {
                Issue.record("no candidate value is accepted by \(path) and changes the configuration")
                continue
            }
            // exactly one property changed, named like the key, in the key's section
            // (`database.host` lives in `database.mysql.host`)
            let changed = changedProperties(Config(), accepted.config)
            #expect(changed.count == 1, "\(path) changed \(changed)")
            let key = path.split(separator: ".")
            let property = (changed.first ?? "").split(separator: ".")
            #expect(
                key.first == property.first && key.last.map(normalized) == property.last.map(normalized),
                "\(path) landed in \(changed)")
        }
    }

    @Test func everyKeyIsKnownToUnknownKeyDetectionAndSuggested() {
        for (path, _) in ConfigSchema.allKeys {
            let typo = path + String(path.last ?? "x")
            let depth = typo.split(separator: ".").count
            #expect(
                decode(yaml(typo, "1")).issues == [
                    "config.yaml:\(depth):\(2 * depth - 1): \(typo): unknown key — did you mean \(path)?"
                ])
        }
    }

    @Test func keysInTheWrongSectionSuggestTheirHome() {
        // the home section is absent from the file: its keys are known all the same
        let found = problems("timezone: UTC\ntables: x\nfeishu:\n  qps: 3\nsync:\n  row_limit_percent: 5\n")
        #expect(
            found == [
                "config.yaml:1:1: timezone: unknown key — did you mean sync.timezone?",
                "config.yaml:2:1: tables: unknown key — did you mean feishu.tables?",
                "config.yaml:4:3: feishu.qps: unknown key — did you mean dingtalk.qps?",
                "config.yaml:6:3: sync.row_limit_percent: unknown key — did you mean notification.alerts.row_limit_percent?"
            ])
        #expect(
            decode("report:\n  zzzzzzzz: 1\n").issues
                == [
                    "config.yaml:2:3: report.zzzzzzzz: unknown key (known keys here: category_field, detail_category_field, top_n, sla_days)"
                ])
    }

    /// Every key SPEC section 3 lists is read now: none is reported as unknown.
    @Test func everySpecKeyIsKnown() {
        let text = """
            sla:
              hours: 0
            """
        #expect(problems(text).isEmpty)
    }

    @Test func templateMappingsAreReadAndTheirKeysChecked() {
        let text = """
            feishu:
              tables:
                detail: "tblzzzz"
            mapping:
              detail_fields: {"费用类型": "expense_type"}
              templates:
                PROC-A:
                  form_fields: {"报销类别": "category"}
                  detail_fields: {"发生日期": "spent_on"}
                  amount_fields: ["报销金额"]
                  category_field: "费用类型"
                PROC-B:
                  form_feilds: {}
            report:
              detail_category_field: "费用类型"
            """
        let decoded = decode(text)
        #expect(
            decoded.issues == [
                "config.yaml:13:7: mapping.templates.PROC-B.form_feilds: unknown key — did you mean mapping.templates.PROC-B.form_fields?"
            ])
        let mapping = decoded.config.mapping
        #expect(decoded.config.feishu.tables.detail == "tblzzzz")
        #expect(decoded.config.report.detailCategoryField == "费用类型")
        #expect(mapping.detailFields(for: "PROC-A") == ["费用类型": "expense_type", "发生日期": "spent_on"])
        #expect(mapping.detailFields(for: "PROC-B") == ["费用类型": "expense_type"])
        #expect(mapping.formFields(for: "PROC-A") == ["报销类别": "category"])
        #expect(mapping.amountFields(for: "PROC-A") == ["报销金额"])
        #expect(mapping.amountFields(for: "PROC-B") == MappingConfig().amountFields)
        #expect(mapping.detailCategoryField(for: "PROC-A", fallback: "x") == "费用类型")
        #expect(mapping.detailCategoryField(for: "PROC-B", fallback: "x") == "x")
    }

    @Test func templateMappingsOfUnknownCodesAndDetailFieldsWithoutATableAreWarnings() throws {
        let text = """
            dingtalk:
              process_codes: ["PROC-EXPENSE"]
            mapping:
              detail_fields: {"费用类型": "expense_type"}
              templates:
                PROC-EXPENSES: {form_fields: {"a": "b"}}
            """
        let loaded = try ConfigLoader.parse(
            text, file: "/etc/dingsync/config.yaml", requirements: .none, environment: [:]
        ).result
        #expect(
            loaded.warnings.contains(
                "mapping.templates.PROC-EXPENSES: not one of dingtalk.process_codes, so it maps nothing — did you mean PROC-EXPENSE?"
            ), "\(loaded.warnings)")
        #expect(
            loaded.warnings.contains { $0.hasPrefix("mapping.detail_fields is set but feishu.tables.detail is not") })
    }

    @Test func secretsAndTheirOverridesComeFromTheTable() {
        #expect(
            ConfigLoader.secretOverrides.map { "\($0.variable)=\($0.path)" } == [
                "DINGSYNC_DINGTALK_APP_SECRET=dingtalk.app_secret", "DINGSYNC_FEISHU_APP_SECRET=feishu.app_secret",
                "DINGSYNC_NOTIFICATION_SECRET=notification.secret",
                "DINGSYNC_SMTP_PASSWORD=notification.email.password",
                "DINGSYNC_DB_PASSWORD=database.password"
            ])
        var config = Config()
        for (index, secret) in ConfigSchema.secrets.enumerated() { config[keyPath: secret.target] = "secret-\(index)" }
        config.notification.webhookURL = "https://hook.example.com/hook/token-value"
        #expect(config.secrets == ["secret-0", "secret-1", "secret-2", "secret-3", "secret-4", "token-value"])
    }

    /// The validator names keys in its sentences; each must be a key of the table.
    @Test func keyPathsNamedByTheValidatorAreKeysOfTheTable() throws {
        let texts = [
            "dingtalk: {app_secret: \"${UNSET}\", process_codes: [A, A], qps: 30, base_url: x}\nfeishu: {field_names: {titel: a, title: a}}\nsync: {timezone: Mars}\n",
            "notification: {email: {enabled: true, tls: none, username: u}}\ndatabase: {type: mysql, host: \"\", user: \"\", database: \"a b\", charset: latin1}\n",
            "notification: {enabled: true}\n"
        ]
        let sections = Set(ConfigSchema.root.map(\.name))
        var named: Set<String> = []
        for text in texts {
            let reader = ConfigReader(file: "/c.yaml", environment: [:])
            var config = ConfigDecoder.decode(try YAMLParser.parse(text), reader: reader)
            var warnings: [String] = []
            ConfigValidator.validate(&config, reader: reader, requirements: .sync, warnings: &warnings)
            #expect(reader.issues.count + warnings.count > 5)
            for line in reader.issues.map(\.message) + warnings {
                let words = line.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
                    .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
                named.formUnion(words.filter { $0.contains(".") && sections.contains(String($0.prefix { $0 != "." })) })
            }
        }
        #expect(named.count > 20)
        for path in named where !path.hasPrefix("feishu.field_names.") {
            #expect(ConfigSchema.allPaths.contains(path), "the validator names \(path), which is not a key")
        }
    }
}
