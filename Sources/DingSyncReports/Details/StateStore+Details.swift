import DingSyncBasics
import DingSyncStore
import Foundation

/// One detail line (SPEC 4.7) as the state database's `detail_lines` mirrors it.
public struct MirrorDetailRow: Sendable, Equatable {
    public var key: String
    public var instanceId: String
    public var templateCode: String
    public var tableField: String
    public var row: Int
    public var amount: Double?
    public var lineData: String
    /// Every sub-field as (name, readable value), in order.
    public var cells: [Cell]
    /// The instance's status text (审批中, 已同意, …).
    public var status: String

    public struct Cell: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The value of the first sub-field named `name` (trimmed), or nil.
    public func value(of name: String) -> String? {
        let wanted = name.trimmingCharacters(in: .whitespaces)
        return cells.first { $0.name.trimmingCharacters(in: .whitespaces) == wanted }?.value
    }
}

extension StateStore {
    /// Detail lines of instances created in the range (optionally of one template), by
    /// instance (oldest first), table field and row number, with their cells.
    public func mirrorDetailRows(from: Int64?, to: Int64?, processCode: String? = nil) throws -> [MirrorDetailRow] {
        let (clause, values) = scope(from, to, processCode)
        return try locked {
            var rows = try db.query(
                """
                SELECT d.detail_key, d.instance_id, i.process_code, d.table_field, d.row_no, d.amount, d.line_data,
                    i.status_text
                FROM detail_lines d JOIN instances i ON i.instance_id = d.instance_id
                WHERE \(clause) ORDER BY i.create_time, d.instance_id, d.component_id, d.row_no
                """, values
            ).map { r in
                MirrorDetailRow(
                    key: r[0].string ?? "", instanceId: r[1].string ?? "", templateCode: r[2].string ?? "",
                    tableField: r[3].string ?? "", row: Int(r[4].int ?? 0), amount: r[5].double,
                    lineData: r[6].string ?? "", cells: [], status: r[7].string ?? "")
            }
            let index = Dictionary(rows.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
            try db.forEach(
                """
                SELECT c.detail_key, c.name, c.value FROM detail_cells c
                JOIN detail_lines d ON d.detail_key = c.detail_key JOIN instances i ON i.instance_id = d.instance_id
                WHERE \(clause) ORDER BY c.detail_key, c.position
                """, values
            ) { row in
                guard let key = row[0].string, let at = index[key] else { return }
                rows[at].cells.append(MirrorDetailRow.Cell(name: row[1].string ?? "", value: row[2].string ?? ""))
            }
            return rows
        }
    }
}
