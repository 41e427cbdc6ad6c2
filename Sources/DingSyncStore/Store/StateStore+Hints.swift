import DingSyncBasics
import DingSyncProcessing
import Foundation

extension StateStore {
    /// What detail reads taught about what the OA premium listing lacks (``DetailHints``).
    public func detailHints() throws -> DetailHints {
        try locked {
            var values: [DetailHints.Key: String] = [:]
            var conflicting: Set<DetailHints.Key> = []
            try db.forEach("SELECT process_code, hint_key, value FROM detail_hints") { row in
                guard let code = row[0].string, let name = row[1].string else { return }
                let key = DetailHints.Key(processCode: code, name: name)
                if let value = row[2].string { values[key] = value } else { conflicting.insert(key) }
            }
            return DetailHints(values: values, conflicting: conflicting)
        }
    }

    /// Stores learned hints (a nil value: the key is conflicting and never used).
    public func saveDetailHints(_ changes: [(key: DetailHints.Key, value: String?)], at date: Date) throws {
        guard !changes.isEmpty else { return }
        let ms = DingTalkTime.epochMilliseconds(date)
        try locked {
            try db.transaction {
                for (key, value) in changes {
                    try db.run(
                        "INSERT INTO detail_hints (process_code, hint_key, value, updated_at) VALUES (?, ?, ?, ?) \(db.dialect.onConflict("process_code, hint_key")) \(db.dialect.replacing(["value", "updated_at"]))",
                        [.text(key.processCode), .text(key.name), value.map(SQLValue.text) ?? .null, .integer(ms)])
                }
            }
        }
    }

    /// Mirrored instances of `processCode` created within `window` (to price a re-listing).
    public func instanceCount(processCode: String, window: TimeWindow) throws -> Int {
        try locked {
            Int(
                try db.query(
                    "SELECT COUNT(*) FROM instances WHERE process_code = ? AND create_time >= ? AND create_time <= ?",
                    [
                        .text(processCode), .integer(DingTalkTime.epochMilliseconds(window.start)),
                        .integer(DingTalkTime.epochMilliseconds(window.end))
                    ]
                ).first?.first?.int ?? 0)
        }
    }
}
