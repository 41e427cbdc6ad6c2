import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Checkpoints kept in the database (`checkpoints`), used when the state lives on a MySQL
/// server; `StateBackend` decides where they live.
extension StateStore {
    public func loadCheckpoints() throws -> [String: Date] {
        try locked {
            var result: [String: Date] = [:]
            try db.forEach("SELECT process_code, synced_until_ms FROM checkpoints") { row in
                if let code = row[0].string, let ms = row[1].int {
                    result[code] = Date(timeIntervalSince1970: Double(ms) / 1000)
                }
            }
            return result
        }
    }

    /// Replaces every checkpoint in one transaction (like the file's atomic rewrite).
    public func saveCheckpoints(_ checkpoints: [String: Date], now: Date) throws {
        let updated = DingTalkTime.epochMilliseconds(now)
        try locked {
            try db.transaction {
                try db.run("DELETE FROM checkpoints")
                for (code, date) in checkpoints.sorted(by: { $0.key < $1.key }) {
                    try db.run(
                        "INSERT INTO checkpoints (process_code, synced_until_ms, updated_at) VALUES (?, ?, ?)",
                        [.text(code), .integer(DingTalkTime.epochMilliseconds(date)), .integer(updated)])
                }
            }
        }
    }
}
