import DingSyncBasics
import DingSyncProcessing

/// The SQLite schema, as migration steps (append only: files in the field are at any version).
enum SQLiteSchema {
    static let steps: [SchemaStep] = [
        SchemaStep(
            version: 1,
            statements: [
                """
                CREATE TABLE instances (
                    instance_id TEXT PRIMARY KEY,
                    process_code TEXT NOT NULL,
                    business_id TEXT, title TEXT,
                    status TEXT NOT NULL, result TEXT, status_text TEXT,
                    create_time INTEGER, finish_time INTEGER,
                    originator_user_id TEXT, originator_name TEXT,
                    originator_dept_id TEXT, originator_dept_name TEXT,
                    amount REAL, duration_hours REAL,
                    current_node TEXT, last_action TEXT, last_action_time INTEGER,
                    approver_chain TEXT, form_data TEXT, biz_action TEXT,
                    is_final INTEGER NOT NULL,
                    detail_json TEXT NOT NULL,
                    synced_at INTEGER NOT NULL
                )
                """,
                "CREATE INDEX instances_open ON instances (is_final, process_code)",
                "CREATE INDEX instances_created ON instances (create_time)",
                """
                CREATE TABLE form_values (
                    instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
                    position INTEGER NOT NULL, component_id TEXT, name TEXT, component_type TEXT, value TEXT, ext_value TEXT,
                    PRIMARY KEY (instance_id, position)
                )
                """,
                "CREATE INDEX form_values_name ON form_values (name)",
                """
                CREATE TABLE operation_records (
                    instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
                    seq INTEGER NOT NULL, user_id TEXT, user_name TEXT, type TEXT, result TEXT, action_text TEXT,
                    date INTEGER, remark TEXT, show_name TEXT, activity_id TEXT,
                    PRIMARY KEY (instance_id, seq)
                )
                """,
                "CREATE INDEX operation_records_user ON operation_records (user_id)",
                """
                CREATE TABLE tasks (
                    instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
                    position INTEGER NOT NULL, task_id TEXT, user_id TEXT, user_name TEXT, status TEXT, result TEXT,
                    create_time INTEGER, finish_time INTEGER, activity_id TEXT, node_name TEXT,
                    PRIMARY KEY (instance_id, position)
                )
                """,
                """
                CREATE TABLE ledger (
                    kind TEXT NOT NULL, `key` TEXT NOT NULL, instance_id TEXT NOT NULL,
                    record_id TEXT NOT NULL, content_hash TEXT, written_at INTEGER NOT NULL,
                    PRIMARY KEY (kind, `key`)
                )
                """,
                "CREATE INDEX ledger_instance ON ledger (instance_id)",
                """
                CREATE TABLE pending_creates (
                    kind TEXT NOT NULL, `key` TEXT NOT NULL, table_id TEXT NOT NULL, started_at INTEGER NOT NULL,
                    PRIMARY KEY (kind, `key`)
                )
                """,
                """
                CREATE TABLE failed_instances (
                    instance_id TEXT PRIMARY KEY, process_code TEXT NOT NULL, error TEXT NOT NULL,
                    attempts INTEGER NOT NULL, first_failed_at INTEGER NOT NULL, last_failed_at INTEGER NOT NULL
                )
                """,
                "CREATE TABLE users (user_id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at INTEGER NOT NULL)",
                "CREATE TABLE departments (dept_id TEXT PRIMARY KEY, name TEXT NOT NULL, updated_at INTEGER NOT NULL)",
                """
                CREATE TABLE api_calls (
                    month TEXT NOT NULL, platform TEXT NOT NULL, api TEXT NOT NULL, calls INTEGER NOT NULL,
                    PRIMARY KEY (month, platform, api)
                )
                """,
                """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL,
                    mode TEXT NOT NULL, exit_code INTEGER NOT NULL, listed INTEGER, fetched INTEGER, created INTEGER,
                    updated INTEGER, unchanged INTEGER, failed INTEGER, summary TEXT
                )
                """
            ]),
        // 2: wall-clock times for the seed-compatible views, the checkpoint table (used when the
        // state lives on a server; SQLite keeps sync.checkpoint_file), and the views.
        SchemaStep(
            version: 2,
            statements: [
                "ALTER TABLE instances ADD COLUMN create_local TEXT",
                "ALTER TABLE instances ADD COLUMN finish_local TEXT",
                "CREATE INDEX instances_code_created ON instances (process_code, create_time)",
                "CREATE TABLE checkpoints (process_code TEXT PRIMARY KEY, synced_until_ms INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
                "CREATE VIEW ding_process_instances AS \(SeedViews.processInstances)",
                "CREATE VIEW ding_form_component_values AS \(SeedViews.formComponentValues)"
            ], backfillLocalTimes: true),
        // 3: detail lines (明细) of TableFields, SPEC 4.7, and their view for analysts.
        SchemaStep(
            version: 3,
            statements: [
                """
                CREATE TABLE detail_lines (
                    detail_key TEXT PRIMARY KEY,
                    instance_id TEXT NOT NULL REFERENCES instances(instance_id) ON DELETE CASCADE,
                    component_id TEXT NOT NULL, table_field TEXT NOT NULL, row_no INTEGER NOT NULL,
                    amount REAL, line_data TEXT
                )
                """,
                "CREATE INDEX detail_lines_instance ON detail_lines (instance_id)",
                """
                CREATE TABLE detail_cells (
                    detail_key TEXT NOT NULL REFERENCES detail_lines(detail_key) ON DELETE CASCADE,
                    position INTEGER NOT NULL, name TEXT, value TEXT,
                    PRIMARY KEY (detail_key, position)
                )
                """,
                "CREATE INDEX detail_cells_name ON detail_cells (name)",
                "CREATE VIEW detail_lines_view AS \(SeedViews.detailLines)"
            ]),
        // 4: what detail reads taught about what the OA premium listing lacks (SPEC 9).
        SchemaStep(
            version: 4,
            statements: [
                """
                CREATE TABLE detail_hints (
                    process_code TEXT NOT NULL, hint_key TEXT NOT NULL, value TEXT, updated_at INTEGER NOT NULL,
                    PRIMARY KEY (process_code, hint_key)
                )
                """
            ]),
        // 5: overdue notices sent (SPEC 8: each overdue instance is notified once).
        SchemaStep(
            version: 5,
            statements: [
                """
                CREATE TABLE sla_notices (
                    instance_id TEXT PRIMARY KEY, kind TEXT NOT NULL, due_at INTEGER NOT NULL, notified_at INTEGER NOT NULL
                )
                """
            ])
    ]
}

/// The read views under the original statistics system's names (README "For analysts").
enum SeedViews {
    static let processInstances = """
        SELECT i.business_id, i.instance_id AS process_instance_id, i.process_code, i.title, i.status, i.result,
            i.create_local AS create_time, i.finish_local AS finish_time, i.originator_user_id,
            i.originator_name AS originator_user_name, i.originator_dept_id, i.originator_dept_name
        FROM instances i
        """
    /// One row per detail line with its instance's template, applicant, status and times.
    static let detailLines = """
        SELECT d.detail_key, d.instance_id AS process_instance_id, i.business_id, i.process_code, i.title,
            i.status_text AS status, i.originator_name AS applicant, i.originator_dept_name AS applicant_dept,
            i.create_local AS start_time, i.finish_local AS finish_time, d.table_field, d.row_no, d.amount,
            d.line_data
        FROM detail_lines d JOIN instances i ON i.instance_id = d.instance_id
        """
    static let formComponentValues = """
        SELECT i.business_id, f.instance_id AS process_instance_id, f.name AS component_name, f.component_type,
            f.value AS value_text
        FROM form_values f JOIN instances i ON i.instance_id = f.instance_id
        """
}
