import DingSyncBasics
import DingSyncProcessing
import Foundation

/// Template names (SPEC 4.1 `template_name`), remembered once chosen so that a row's value does
/// not change from one run to the next: one `meta` row holding process code → name as JSON.
extension StateStore {
    /// The `meta` key of the remembered template names.
    static let templateNamesKey = "template_names"
    /// Titles per process code read to choose a name (the newest ones).
    static let templateTitleSample = 1000

    /// The remembered names (process code → name).
    public func templateNames() throws -> [String: String] {
        try locked { try storedTemplateNames() }
    }

    /// Names for `codes`: the remembered ones; for a code without one, the most common title
    /// suffix (``TemplateNaming``) among its mirrored instances and `titles` (the instances being
    /// synced now), which is then remembered (unless `remember` is false: a dry run writes
    /// nothing). A code none of whose titles has a suffix stays unnamed (its rows show the code)
    /// until one has.
    public func resolveTemplateNames(
        codes: Set<String>, titles: [(processCode: String, title: String)], remember: Bool = true
    ) throws -> [String: String] {
        try locked {
            var names = try storedTemplateNames()
            let missing = codes.subtracting(names.keys).sorted()
            guard !missing.isEmpty else { return names }
            var sample = titles.filter { missing.contains($0.processCode) }
            for code in missing {
                let rows = try db.query(
                    "SELECT title FROM instances WHERE process_code = ? ORDER BY create_time DESC LIMIT \(Self.templateTitleSample)",
                    [.text(code)])
                sample += rows.compactMap { $0.first?.string }.map { (processCode: code, title: $0) }
            }
            let found = TemplateNaming.names(sample)
            guard !found.isEmpty else { return names }
            names.merge(found) { old, _ in old }
            guard remember else { return names }
            let data = try JSONSerialization.data(withJSONObject: names, options: [.sortedKeys])
            try db.setMeta(Self.templateNamesKey, String(decoding: data, as: UTF8.self))
            return names
        }
    }

    private func storedTemplateNames() throws -> [String: String] {
        let rows = try db.query("SELECT value FROM meta WHERE `key` = ?", [.text(Self.templateNamesKey)])
        guard let text = rows.first?.first?.string,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        else { return [:] }
        return object
    }
}
