import DingSyncBasics
import DingSyncProcessing

/// The MySQL/MariaDB schema. A new database gets the current schema in one step (every
/// statement is idempotent: DDL is not transactional on MySQL, so a killed migration is
/// simply run again); later versions append steps.
enum MySQLSchema {
    private static let table = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
    private static let id = "VARCHAR(191)"

    static let steps: [SchemaStep] = [
        SchemaStep(
            version: 2,
            statements: [
                """
                CREATE TABLE IF NOT EXISTS instances (
                    instance_id \(id) NOT NULL PRIMARY KEY,
                    process_code \(id) NOT NULL,
                    business_id \(id), title TEXT,
                    status VARCHAR(64) NOT NULL, result VARCHAR(64), status_text TEXT,
                    create_time BIGINT, finish_time BIGINT,
                    create_local DATETIME NULL, finish_local DATETIME NULL,
                    originator_user_id \(id), originator_name TEXT,
                    originator_dept_id \(id), originator_dept_name TEXT,
                    amount DOUBLE, duration_hours DOUBLE,
                    current_node TEXT, last_action TEXT, last_action_time BIGINT,
                    approver_chain MEDIUMTEXT, form_data MEDIUMTEXT, biz_action VARCHAR(64),
                    is_final TINYINT NOT NULL,
                    detail_json LONGTEXT NOT NULL,
                    synced_at BIGINT NOT NULL,
                    INDEX instances_open (is_final, process_code),
                    INDEX instances_created (create_time),
                    INDEX instances_code_created (process_code, create_time),
                    INDEX instances_create_local (create_local),
                    INDEX instances_business (business_id)
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS form_values (
                    instance_id \(id) NOT NULL, position INT NOT NULL, component_id \(id), name TEXT,
                    component_type VARCHAR(64), value MEDIUMTEXT, ext_value MEDIUMTEXT,
                    PRIMARY KEY (instance_id, position),
                    INDEX form_values_name (name(100)),
                    CONSTRAINT form_values_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id) ON DELETE CASCADE
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS operation_records (
                    instance_id \(id) NOT NULL, seq INT NOT NULL, user_id \(id), user_name TEXT, type VARCHAR(64),
                    result VARCHAR(64), action_text TEXT, date BIGINT, remark TEXT, show_name TEXT, activity_id \(id),
                    PRIMARY KEY (instance_id, seq),
                    INDEX operation_records_user (user_id),
                    CONSTRAINT operation_records_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id) ON DELETE CASCADE
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS tasks (
                    instance_id \(id) NOT NULL, position INT NOT NULL, task_id \(id), user_id \(id), user_name TEXT,
                    status VARCHAR(64), result VARCHAR(64), create_time BIGINT, finish_time BIGINT, activity_id \(id), node_name TEXT,
                    PRIMARY KEY (instance_id, position),
                    INDEX tasks_user (user_id),
                    CONSTRAINT tasks_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id) ON DELETE CASCADE
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS ledger (
                    kind VARCHAR(16) NOT NULL, `key` \(id) NOT NULL, instance_id \(id) NOT NULL,
                    record_id \(id) NOT NULL, content_hash VARCHAR(128), written_at BIGINT NOT NULL,
                    PRIMARY KEY (kind, `key`),
                    INDEX ledger_instance (instance_id)
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS pending_creates (
                    kind VARCHAR(16) NOT NULL, `key` \(id) NOT NULL, table_id \(id) NOT NULL, started_at BIGINT NOT NULL,
                    PRIMARY KEY (kind, `key`)
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS failed_instances (
                    instance_id \(id) NOT NULL PRIMARY KEY, process_code \(id) NOT NULL, error TEXT NOT NULL,
                    attempts INT NOT NULL, first_failed_at BIGINT NOT NULL, last_failed_at BIGINT NOT NULL
                ) \(table)
                """,
                "CREATE TABLE IF NOT EXISTS users (user_id \(id) NOT NULL PRIMARY KEY, name TEXT NOT NULL, updated_at BIGINT NOT NULL) \(table)",
                "CREATE TABLE IF NOT EXISTS departments (dept_id \(id) NOT NULL PRIMARY KEY, name TEXT NOT NULL, updated_at BIGINT NOT NULL) \(table)",
                """
                CREATE TABLE IF NOT EXISTS api_calls (
                    month VARCHAR(7) NOT NULL, platform VARCHAR(32) NOT NULL, api \(id) NOT NULL, calls BIGINT NOT NULL,
                    PRIMARY KEY (month, platform, api)
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS runs (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL,
                    mode VARCHAR(32) NOT NULL, exit_code INT NOT NULL, listed INT, fetched INT, created INT,
                    updated INT, unchanged INT, failed INT, summary TEXT,
                    INDEX runs_started (started_at)
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS checkpoints (
                    process_code \(id) NOT NULL PRIMARY KEY, synced_until_ms BIGINT NOT NULL, updated_at BIGINT NOT NULL
                ) \(table)
                """,
                "CREATE OR REPLACE VIEW ding_process_instances AS \(SeedViews.processInstances)",
                "CREATE OR REPLACE VIEW ding_form_component_values AS \(SeedViews.formComponentValues)"
            ]),
        // 3: detail lines (明细) of TableFields, SPEC 4.7, and their view for analysts.
        SchemaStep(
            version: 3,
            statements: [
                """
                CREATE TABLE IF NOT EXISTS detail_lines (
                    detail_key \(id) NOT NULL PRIMARY KEY, instance_id \(id) NOT NULL,
                    component_id \(id) NOT NULL, table_field TEXT NOT NULL, row_no INT NOT NULL,
                    amount DOUBLE, line_data MEDIUMTEXT,
                    INDEX detail_lines_instance (instance_id),
                    CONSTRAINT detail_lines_instance FOREIGN KEY (instance_id) REFERENCES instances (instance_id) ON DELETE CASCADE
                ) \(table)
                """,
                """
                CREATE TABLE IF NOT EXISTS detail_cells (
                    detail_key \(id) NOT NULL, position INT NOT NULL, name TEXT, value MEDIUMTEXT,
                    PRIMARY KEY (detail_key, position),
                    INDEX detail_cells_name (name(100)),
                    CONSTRAINT detail_cells_line FOREIGN KEY (detail_key) REFERENCES detail_lines (detail_key) ON DELETE CASCADE
                ) \(table)
                """,
                "CREATE OR REPLACE VIEW detail_lines_view AS \(SeedViews.detailLines)"
            ]),
        // 4: what detail reads taught about what the OA premium listing lacks (SPEC 9).
        SchemaStep(
            version: 4,
            statements: [
                """
                CREATE TABLE IF NOT EXISTS detail_hints (
                    process_code \(id) NOT NULL, hint_key \(id) NOT NULL, value TEXT, updated_at BIGINT NOT NULL,
                    PRIMARY KEY (process_code, hint_key)
                ) \(table)
                """
            ]),
        // 5: overdue notices sent (SPEC 8: each overdue instance is notified once).
        SchemaStep(
            version: 5,
            statements: [
                """
                CREATE TABLE IF NOT EXISTS sla_notices (
                    instance_id \(id) NOT NULL PRIMARY KEY, kind VARCHAR(16) NOT NULL, due_at BIGINT NOT NULL,
                    notified_at BIGINT NOT NULL
                ) \(table)
                """
            ])
    ]
}
