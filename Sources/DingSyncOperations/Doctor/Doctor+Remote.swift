import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

extension Doctor {
    /// Token, each template's listing, one detail, contacts (warnings only: the sync works without them).
    func dingtalkChecks(samples: [KnownInstanceSample]) async -> [DoctorCheck] {
        let family = config.dingtalk.api
        let host = family == .new ? "dingtalk.api_base_url" : "dingtalk.base_url"
        do {
            try await dingtalk.verifyToken()
        } catch {
            var check = DoctorCheck.from(
                error, name: "DingTalk token", fallbackFix: "check dingtalk.app_key, dingtalk.app_secret and \(host)")
            check.detail += " (template, detail and contacts checks skipped)"
            return [check]
        }
        var checks = [DoctorCheck.ok("DingTalk token", "\(family.rawValue) API, app \(config.dingtalk.appKey)")]
        if let clock = await dingtalk.counter.serverClock {
            checks.append(
                clock.isSkewed
                    ? .warn(
                        "clock", "\(clock.describe(platform: "DingTalk")) (from the Date of its answers)",
                        fix:
                            "set the clock right (timedatectl set-ntp true); runs follow DingTalk's clock meanwhile and alert"
                    )
                    : .ok("clock", "within a minute of DingTalk's"))
        }

        let window = TimeWindow(start: now.addingTimeInterval(-Self.probeWindow), end: now)
        var listed: (code: String, id: String)?
        for code in config.dingtalk.processCodes {
            let name = "DingTalk template"
            do {
                let ids = try await dingtalk.listInstanceIds(processCode: code, window: window)
                checks.append(
                    .ok(
                        name,
                        "\(code) readable (\(ids.count) instance(s) created in the last \(Int(Self.probeWindow / 60)) min)"
                    ))
                if listed == nil, let first = ids.first { listed = (code, first) }
            } catch {
                var check = DoctorCheck.from(
                    error, name: name,
                    fallbackFix:
                        "check that \(code) is the template's processCode (OA admin → the form's URL) and that the app may read it"
                )
                check.detail = "\(code): \(check.detail)"
                checks.append(check)
            }
        }

        let sample = samples.first.map { (code: $0.processCode, id: $0.instanceId) } ?? listed
        var userId = samples.first(where: { !$0.originatorUserId.isEmpty })?.originatorUserId
        if let sample {
            do {
                let detail = try await dingtalk.instanceDetail(id: sample.id, processCode: sample.code)
                checks.append(.ok("DingTalk instance detail", "read \(sample.id) (\(sample.code))"))
                if userId == nil, !detail.originatorUserId.isEmpty { userId = detail.originatorUserId }
            } catch let error as DingTalkDecodingError {
                checks.append(
                    .warn(
                        "DingTalk instance detail", "\(sample.id): \(error.localizedDescription)",
                        fix:
                            "the answer could not be read; the sync records such an instance as failed and retries it — please report it"
                    ))
            } catch {
                checks.append(
                    .from(
                        error, name: "DingTalk instance detail",
                        fallbackFix: "grant Workflow.Instance.Read (工作流实例读权限) and publish the app"))
            }
        } else {
            checks.append(
                .ok("DingTalk instance detail", "not checked: no instance known yet (the first sync reads them)"))
        }

        let names = "applicants and approvers show as userids until this is fixed; the sync itself works"
        if let userId {
            do {
                let name = try await dingtalk.readUserName(userId)
                checks.append(
                    .ok(
                        "DingTalk contacts: users",
                        name.map { "user \(userId) is \($0)" }
                            ?? "user \(userId) not found (left the organisation?); the permission works"))
            } catch {
                var check = DoctorCheck.from(
                    error, name: "DingTalk contacts: users", status: .warn,
                    fallbackFix: "grant qyapi_get_member (成员信息读权限) and publish the app")
                check.detail += " — \(names)"
                checks.append(check)
            }
        } else {
            checks.append(.ok("DingTalk contacts: users", "not checked: no userid known yet"))
        }
        do {
            let name = try await dingtalk.readDepartmentName(DingTalkClient.rootDepartmentId)
            checks.append(.ok("DingTalk contacts: departments", "root department: \(name ?? "(no name)")"))
        } catch {
            var check = DoctorCheck.from(
                error, name: "DingTalk contacts: departments", status: .warn,
                fallbackFix: "grant qyapi_get_department_list (部门信息读权限) and publish the app")
            check.detail += " — the root department shows as 根部门; the sync itself works"
            checks.append(check)
        }
        return checks
    }

    /// Token, the base, each configured table and its schema.
    func feishuChecks() async -> [DoctorCheck] {
        do {
            try await feishu.verifyToken()
        } catch {
            var check = DoctorCheck.from(
                error, name: "Feishu token", fallbackFix: "check feishu.app_id, feishu.app_secret and feishu.base_url")
            check.detail += " (base and table checks skipped)"
            return [check]
        }
        var checks = [DoctorCheck.ok("Feishu token", "app \(config.feishu.appID)")]
        let tables: [FeishuTable]
        do {
            tables = try await feishu.listTables()
            checks.append(.ok("Feishu base", "\(config.feishu.appToken): \(tables.count) table(s)"))
        } catch {
            checks.append(
                .from(
                    error, name: "Feishu base",
                    fallbackFix: "check feishu.app_token and add the app to the base with edit permission"))
            return checks
        }
        let naming = FieldNaming(config.feishu.fieldNames)
        let processor = DataProcessor(options: ProcessorOptions(mapping: config.mapping))
        let extra = processor.formColumns.columns
        var wanted: [(label: String, id: String, columns: [SchemaCheck.Column])] = [
            ("main", config.feishu.tables.main, SchemaCheck.mainColumns(naming: naming, extraColumns: extra)),
            ("action", config.feishu.tables.action, SchemaCheck.actionColumns(naming: naming))
        ]
        if !config.feishu.tables.detail.isEmpty {
            wanted.append(
                (
                    "detail", config.feishu.tables.detail,
                    SchemaCheck.detailColumns(naming: naming, extraColumns: processor.detailColumns.columns)
                ))
        }
        for table in wanted {
            let name = "Feishu \(table.label) table"
            guard !table.id.isEmpty else {
                checks.append(
                    table.label == "main"
                        ? .fail(
                            name, "feishu.tables.main is not set",
                            fix: "run `dingsync setup`: it creates the tables and prints their ids for the config")
                        : .ok(name, "none configured (feishu.tables.action): no action rows are written"))
                continue
            }
            guard let found = tables.first(where: { $0.tableId == table.id }) else {
                checks.append(
                    .fail(
                        name, "\(table.id) is not a table of base \(config.feishu.appToken)",
                        fix:
                            "correct feishu.tables.\(table.label), or remove it and run `dingsync setup` to create the table"
                    ))
                continue
            }
            do {
                let fields = try await feishu.listFields(table: table.id)
                let problems = SchemaCheck.problems(
                    table: table.id, label: table.label, required: table.columns, actual: fields)
                let missing = SchemaCheck.missingOptional(table.columns, actual: fields)
                checks.append(
                    problems.isEmpty && !missing.isEmpty
                        ? .warn(
                            name,
                            SchemaCheck.optionalWarning(table: table.id, label: table.label, missing: missing),
                            fix: "run `dingsync setup` to add the new fields and views")
                        : problems.isEmpty
                            ? .ok(name, "\(found.name) (\(table.id)): all \(table.columns.count) fields as required")
                            : .fail(
                                name, problems.joined(separator: "; "),
                                fix:
                                    "run `dingsync setup` to add missing fields; change a field of the wrong type by hand in Bitable"
                            ))
            } catch {
                checks.append(.from(error, name: name, fallbackFix: "add the app to the base with edit permission"))
            }
        }
        return checks
    }
}
