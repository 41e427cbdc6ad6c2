import DingSyncBasics
import DingSyncStore
import Foundation

/// Checks of the state database that only `doctor` runs.
extension StateStore {
    /// Writes and removes a row (`doctor`: proves INSERT, UPDATE and DELETE are granted).
    public func probeWrites() throws {
        try locked {
            try db.transaction {
                try db.setMeta("doctor_probe", String(Date().timeIntervalSince1970))
                try db.run("UPDATE meta SET value = 'ok' WHERE `key` = 'doctor_probe'")
                try db.run("DELETE FROM meta WHERE `key` = 'doctor_probe'")
            }
        }
    }

    /// SQLite's own consistency check: nil when the file is sound, else its first complaint.
    /// (A MySQL server checks its own tables: nil.)
    public func quickCheck() throws -> String? {
        guard db.dialect == .sqlite else { return nil }
        return try locked {
            let answer = try db.query("PRAGMA quick_check(1)").first?.first?.string ?? "no answer"
            return answer == "ok" ? nil : answer
        }
    }
}
