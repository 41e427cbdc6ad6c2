import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// One mirrored main-table row, as `dingsync export` writes it (SPEC 4.1 columns).
public struct MirrorMainRow: Sendable, Equatable {
    public var instanceId: String
    public var businessId: String
    public var templateCode: String
    public var title: String
    public var status: String
    public var applicant: String
    public var applicantDept: String
    public var amount: Double?
    public var startTime: Int64?
    public var endTime: Int64?
    public var durationHours: Double?
    public var currentNode: String
    public var lastAction: String
    public var lastActionTime: Int64?
    public var approverChain: String
    public var formData: String
    public var syncedAt: Int64?
    /// Final (COMPLETED, TERMINATED, CANCELED): no current node, no `node_since`.
    public var isFinal = false
    /// Open: the earliest creation of its RUNNING tasks (SPEC 4.1 `node_since`).
    public var nodeSince: Int64? = nil
    /// Form values whose names were asked for (`mapping.form_fields`), by name.
    public var formValues: [String: InstanceDetail.FormValue] = [:]
}

/// One mirrored action row (SPEC 4.2 columns).
public struct MirrorActionRow: Sendable, Equatable {
    public var instanceId: String
    public var seq: Int
    public var nodeName: String
    public var approver: String
    public var action: String
    public var actionTime: Int64?
    public var comment: String
}

/// Read-only queries for `stats`, `report` and `export`: instances created in a range (epoch
/// ms, either end open), optionally of one template, with their tasks and records.
extension StateStore {
    func scope(_ from: Int64?, _ to: Int64?, _ code: String?) -> (sql: String, values: [SQLValue]) {
        var sql = "i.create_time IS NOT NULL"
        var values: [SQLValue] = []
        if let from {
            sql += " AND i.create_time >= ?"
            values.append(.integer(from))
        }
        if let to {
            sql += " AND i.create_time <= ?"
            values.append(.integer(to))
        }
        if let code {
            sql += " AND i.process_code = ?"
            values.append(.text(code))
        }
        return (sql, values)
    }

    /// Instances created in the range with their tasks and operation records; `category` is the
    /// display value of the first form field named `categoryField` (none when it is empty).
    public func statsDataset(from: Int64?, to: Int64?, processCode: String?, categoryField: String) throws
        -> StatsDataset
    {
        let scope = scope(from, to, processCode)
        return try locked {
            let instances = try statsInstances(scope, categoryField: categoryField)
            var tasks: [StatsTask] = []
            try forEachStatsTask(scope) { task, _ in tasks.append(task) }
            let actions = try db.query(
                """
                SELECT r.instance_id, r.user_id, r.user_name, r.type, r.result, r.date
                FROM operation_records r JOIN instances i ON i.instance_id = r.instance_id WHERE \(scope.sql) ORDER BY r.instance_id, r.seq
                """, scope.values
            ).map { r in
                StatsAction(
                    instanceId: r[0].string ?? "", userId: r[1].string ?? "", userName: r[2].string ?? "",
                    type: r[3].string ?? "", result: r[4].string ?? "", date: r[5].int)
            }
            return StatsDataset(instances: instances, tasks: tasks, actions: actions)
        }
    }

    /// What the statistics need of the instances created in the range, without holding their tasks
    /// or records: the instances, their tasks folded one instance at a time into a
    /// ``TaskAggregate``, and the approvers' decisions counted in SQL.
    public func statsSummary(
        from: Int64?, to: Int64?, processCode: String?, categoryField: String, now: Int64
    ) throws -> (instances: [StatsInstance], tasks: TaskAggregate, tallies: [ActionTally]) {
        let scope = scope(from, to, processCode)
        return try locked {
            let instances = try statsInstances(scope, categoryField: categoryField)
            var tasks = TaskAggregate(now: now)
            try forEachStatsTask(scope) { task, code in tasks.add(task, processCode: code) }
            tasks.finish()
            var tallies: [String: ActionTally] = [:]
            try db.forEach(
                """
                SELECT r.user_id, r.user_name, UPPER(r.result), COUNT(*)
                FROM operation_records r JOIN instances i ON i.instance_id = r.instance_id
                WHERE \(scope.sql) AND UPPER(r.type) IN ('EXECUTE_TASK_NORMAL', 'EXECUTE_TASK_AGENT')
                GROUP BY r.user_id, r.user_name, UPPER(r.result)
                """, scope.values
            ) { r in
                let id = r[0].string ?? ""
                let name = r[1].string ?? ""
                let key = id.isEmpty ? name : id
                guard !key.isEmpty else { return }
                let count = Int(r[3].int ?? 0)
                var tally = tallies[key] ?? ActionTally(userKey: key, name: name.isEmpty ? id : name)
                tally.actions += count
                switch r[2].string ?? "" {
                case "AGREE": tally.agreed += count
                case "REFUSE": tally.refused += count
                default: break
                }
                tallies[key] = tally
            }
            return (instances, tasks, Array(tallies.values))
        }
    }

    /// The open instances of the whole mirror (optionally of one template) and their tasks, for
    /// the overdue list.
    public func openStatsDataset(processCode: String?) throws -> StatsDataset {
        var sql = "i.create_time IS NOT NULL AND i.is_final = 0"
        var values: [SQLValue] = []
        if let processCode {
            sql += " AND i.process_code = ?"
            values.append(.text(processCode))
        }
        let scope = (sql: sql, values: values)
        return try locked {
            let instances = try statsInstances(scope, categoryField: "")
            var tasks: [StatsTask] = []
            try forEachStatsTask(scope) { task, _ in tasks.append(task) }
            return StatsDataset(instances: instances, tasks: tasks)
        }
    }

    /// Per month of creation (in the caller's buckets): every instance created in the range as
    /// (creation time, status, result, applicant key), streamed, so that a trend needs no list.
    public func forEachTrendRow(
        from: Int64?, to: Int64?, processCode: String?, _ body: (Int64, String, String, String) -> Void
    ) throws {
        let scope = scope(from, to, processCode)
        try locked {
            try db.forEach(
                """
                SELECT i.create_time, i.status, i.result, COALESCE(NULLIF(i.originator_user_id, ''), i.originator_name, '')
                FROM instances i WHERE \(scope.sql)
                """, scope.values
            ) { r in
                guard let created = r[0].int else { return }
                body(created, r[1].string ?? "", r[2].string ?? "", r[3].string ?? "")
            }
        }
    }

    /// Titles counted per template over the whole mirror, for template names.
    public func templateTitleCounts() throws -> [(String, String, Int)] {
        try locked {
            try db.query("SELECT process_code, title, COUNT(*) FROM instances GROUP BY process_code, title").map {
                ($0[0].string ?? "", $0[1].string ?? "", Int($0[2].int ?? 0))
            }
        }
    }

    /// The creation time of the first mirrored instance (of one template), nil for an empty mirror.
    public func firstCreateTime(processCode: String?) throws -> Int64? {
        try locked {
            if let processCode {
                return try db.query(
                    "SELECT MIN(create_time) FROM instances WHERE process_code = ?", [.text(processCode)]
                ).first?.first?.int
            }
            return try db.query("SELECT MIN(create_time) FROM instances").first?.first?.int
        }
    }

    private func statsInstances(_ scope: (sql: String, values: [SQLValue]), categoryField: String) throws
        -> [StatsInstance]
    {
        var categories: [String: String] = [:]
        if !categoryField.isEmpty {
            try db.forEach(
                """
                SELECT f.instance_id, f.component_id, f.name, f.component_type, f.value, f.ext_value FROM form_values f
                JOIN instances i ON i.instance_id = f.instance_id WHERE TRIM(f.name) = ? AND \(scope.sql) ORDER BY f.instance_id, f.position
                """, [.text(categoryField.trimmingCharacters(in: .whitespaces))] + scope.values
            ) { row in
                guard let id = row[0].string, categories[id] == nil else { return }
                categories[id] = FormValueRenderer.columnValue(Self.formValue(row, from: 1))
            }
        }
        // the dates leave-type forms ask for (likely duplicates compare them)
        var spans: [String: DateSpan] = [:]
        var current: (id: String, values: [InstanceDetail.FormValue])?
        func flush() {
            if let current, let span = DateSpan.of(current.values) { spans[current.id] = span }
        }
        try db.forEach(
            """
            SELECT f.instance_id, f.component_id, f.name, f.component_type, f.value, f.ext_value FROM form_values f
            JOIN instances i ON i.instance_id = f.instance_id
            WHERE f.component_type IN ('DDDateRangeField', 'DDDateField') AND \(scope.sql) ORDER BY f.instance_id, f.position
            """, scope.values
        ) { row in
            let id = row[0].string ?? ""
            if current?.id != id {
                flush()
                current = (id, [])
            }
            current?.values.append(Self.formValue(row, from: 1))
        }
        flush()
        // repeated texts (codes, statuses, names, departments) share one string
        var pool: [String: String] = [:]
        func shared(_ value: SQLValue) -> String {
            guard let text = value.string else { return "" }
            if let known = pool[text] { return known }
            pool[text] = text
            return text
        }
        var instances: [StatsInstance] = []
        try db.forEach(
            """
            SELECT i.instance_id, i.process_code, i.business_id, i.title, i.status, i.result, i.create_time, i.finish_time,
                i.originator_user_id, i.originator_name, i.originator_dept_id, i.originator_dept_name, i.amount, i.current_node,
                i.last_action_time
            FROM instances i WHERE \(scope.sql) ORDER BY i.create_time, i.instance_id
            """, scope.values
        ) { r in
            guard let id = r[0].string, let created = r[6].int else { return }
            instances.append(
                StatsInstance(
                    id: id, processCode: shared(r[1]), businessId: r[2].string ?? "", title: r[3].string ?? "",
                    status: shared(r[4]), result: shared(r[5]), createTime: created, finishTime: r[7].int,
                    applicantId: shared(r[8]), applicantName: shared(r[9]), departmentId: shared(r[10]),
                    departmentName: shared(r[11]), amount: r[12].double,
                    category: categories[id].map { shared(.text($0)) },
                    currentNode: r[13].string ?? "", lastActionTime: r[14].int, dateSpan: spans[id]))
        }
        return instances
    }

    /// A task's node name (`t` a row of `tasks`): its own, else the showName of an operation record
    /// at the same activity, else the activity id. Used wherever tasks are read by node.
    static let taskNodeNameSQL = """
        COALESCE(NULLIF(t.node_name, ''),
                 (SELECT r.show_name FROM operation_records r WHERE r.instance_id = t.instance_id
                    AND r.activity_id = t.activity_id AND r.show_name <> '' LIMIT 1),
                 t.activity_id, '')
        """

    /// The tasks of the instances in scope, an instance's tasks together, with its process code.
    private func forEachStatsTask(_ scope: (sql: String, values: [SQLValue]), _ body: (StatsTask, String) -> Void)
        throws
    {
        var pool: [String: String] = [:]
        func shared(_ value: SQLValue) -> String {
            guard let text = value.string else { return "" }
            if let known = pool[text] { return known }
            pool[text] = text
            return text
        }
        try db.forEach(
            """
            SELECT t.instance_id, t.user_id, t.user_name, t.status, t.result, t.create_time, t.finish_time,
                \(Self.taskNodeNameSQL),
                i.process_code
            FROM tasks t JOIN instances i ON i.instance_id = t.instance_id WHERE \(scope.sql) ORDER BY t.instance_id, t.position
            """, scope.values
        ) { r in
            body(
                StatsTask(
                    instanceId: r[0].string ?? "", userId: shared(r[1]), userName: shared(r[2]), status: shared(r[3]),
                    result: shared(r[4]), createTime: r[5].int, finishTime: r[6].int, nodeName: shared(r[7])),
                r[8].string ?? "")
        }
    }

    /// Main-table rows of instances created in the range, oldest first, with the form values named
    /// in `formFields` (for `mapping.form_fields` columns).
    public func mirrorMainRows(from: Int64?, to: Int64?, processCode: String? = nil, formFields: [String] = [])
        throws -> [MirrorMainRow]
    {
        let (clause, values) = scope(from, to, processCode)
        return try locked {
            var rows = try db.query(
                """
                SELECT i.instance_id, i.business_id, i.process_code, i.title, i.status_text, i.originator_name, i.originator_dept_name,
                    i.amount, i.create_time, i.finish_time, i.duration_hours, i.current_node, i.last_action, i.last_action_time,
                    i.approver_chain, i.form_data, i.synced_at, i.is_final,
                    (SELECT MIN(t.create_time) FROM tasks t WHERE t.instance_id = i.instance_id AND t.status = 'RUNNING')
                FROM instances i WHERE \(clause) ORDER BY i.create_time, i.instance_id
                """, values
            ).map { r in
                var row = MirrorMainRow(
                    instanceId: r[0].string ?? "", businessId: r[1].string ?? "", templateCode: r[2].string ?? "",
                    title: r[3].string ?? "", status: r[4].string ?? "", applicant: r[5].string ?? "",
                    applicantDept: r[6].string ?? "",
                    amount: r[7].double, startTime: r[8].int, endTime: r[9].int, durationHours: r[10].double,
                    currentNode: r[11].string ?? "", lastAction: r[12].string ?? "", lastActionTime: r[13].int,
                    approverChain: r[14].string ?? "", formData: r[15].string ?? "", syncedAt: r[16].int)
                row.isFinal = (r[17].int ?? 0) != 0
                row.nodeSince = row.isFinal ? nil : r[18].int
                return row
            }
            let wanted = Set(formFields.map { $0.trimmingCharacters(in: .whitespaces) })
            guard !wanted.isEmpty, !rows.isEmpty else { return rows }
            let index = Dictionary(
                rows.enumerated().map { ($1.instanceId, $0) }, uniquingKeysWith: { first, _ in first })
            try db.forEach(
                """
                SELECT f.instance_id, f.component_id, f.name, f.component_type, f.value, f.ext_value FROM form_values f
                JOIN instances i ON i.instance_id = f.instance_id WHERE \(clause) ORDER BY f.instance_id, f.position
                """, values
            ) { row in
                let value = Self.formValue(row, from: 1)
                let name = value.name.trimmingCharacters(in: .whitespaces)
                guard wanted.contains(name), let id = row[0].string, let at = index[id],
                    rows[at].formValues[name] == nil
                else { return }
                rows[at].formValues[name] = value
            }
            return rows
        }
    }

    /// Action rows of instances created in the range, by instance (oldest first) and seq.
    public func mirrorActionRows(from: Int64?, to: Int64?, processCode: String? = nil) throws -> [MirrorActionRow] {
        let (clause, values) = scope(from, to, processCode)
        return try locked {
            try db.query(
                """
                SELECT r.instance_id, r.seq, r.show_name, r.user_name, r.action_text, r.date, r.remark
                FROM operation_records r JOIN instances i ON i.instance_id = r.instance_id
                WHERE \(clause) ORDER BY i.create_time, r.instance_id, r.seq
                """, values
            ).map { r in
                MirrorActionRow(
                    instanceId: r[0].string ?? "", seq: Int(r[1].int ?? 0), nodeName: r[2].string ?? "",
                    approver: r[3].string ?? "", action: r[4].string ?? "", actionTime: r[5].int,
                    comment: r[6].string ?? "")
            }
        }
    }

    private static func formValue(_ row: [SQLValue], from start: Int) -> InstanceDetail.FormValue {
        InstanceDetail.FormValue(
            id: row[start].string ?? "", name: row[start + 1].string ?? "",
            componentType: row[start + 2].string ?? "", value: row[start + 3].string ?? "",
            extValue: row[start + 4].string)
    }
}

extension StateStore {
    /// The process codes of every mirrored instance.
    public func mirroredProcessCodes() throws -> [String] {
        try locked { try db.query("SELECT DISTINCT process_code FROM instances").compactMap { $0.first?.string } }
    }
}
