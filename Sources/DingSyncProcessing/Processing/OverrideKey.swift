import DingSyncBasics
import Foundation

/// A key of `mapping.status` or `mapping.actions`: a name alone, or a name and a result.
///
/// Syntax: `NAME`, `NAME.result` or `NAME+result` (both separators accepted, surrounding
/// spaces ignored, case-insensitive). Examples: `TERMINATED`, `COMPLETED.refuse`,
/// `EXECUTE_TASK_NORMAL+AGREE`.
struct OverrideKey: Hashable, Sendable {
    /// Upper-cased status or operation type.
    var name: String
    /// Upper-cased result, or nil for a key that matches every result.
    var result: String?

    init(name: String, result: String?) {
        self.name = name.uppercased()
        self.result = result?.uppercased()
    }

    /// Parses a configuration key; nil for an empty name.
    init?(parsing key: String) {
        let trimmed = key.trimmingCharacters(in: .whitespaces)
        if let separator = trimmed.firstIndex(where: { $0 == "." || $0 == "+" }) {
            let name = trimmed[..<separator].trimmingCharacters(in: .whitespaces)
            let result = trimmed[trimmed.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            self.init(name: name, result: result.isEmpty ? nil : result)
        } else {
            guard !trimmed.isEmpty else { return nil }
            self.init(name: trimmed, result: nil)
        }
    }

    /// Builds a lookup table from configuration overrides, mapping alias names to canonical
    /// ones. When several keys land on one entry, a key spelled with the canonical name beats
    /// an alias, then the key that sorts first wins, so the outcome never depends on
    /// dictionary order.
    static func table(_ overrides: [String: String], aliases: [String: String] = [:]) -> [OverrideKey: String] {
        let parsed: [(raw: String, key: OverrideKey, isAlias: Bool)] = overrides.keys.compactMap { raw in
            guard let key = OverrideKey(parsing: raw) else { return nil }
            if let canonical = aliases[key.name] {
                return (raw, OverrideKey(name: canonical, result: key.result), true)
            }
            return (raw, key, false)
        }
        let ordered = parsed.sorted { lhs, rhs in
            lhs.isAlias != rhs.isAlias
                ? !lhs.isAlias : Array(lhs.raw.utf8).lexicographicallyPrecedes(Array(rhs.raw.utf8))
        }
        var table: [OverrideKey: String] = [:]
        for entry in ordered where table[entry.key] == nil {
            table[entry.key] = overrides[entry.raw]
        }
        return table
    }
}
