import DingSyncBasics
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

extension StateStore {
    /// Per process code, the names of the form fields its mirrored instances carry.
    public func formFieldNames() throws -> [String: Set<String>] {
        try names(
            """
            SELECT DISTINCT i.process_code, f.name FROM form_values f JOIN instances i ON i.instance_id = f.instance_id
            """)
    }

    /// Per process code, the names of the detail-line sub-fields its mirrored instances carry.
    public func detailFieldNames() throws -> [String: Set<String>] {
        try names(
            """
            SELECT DISTINCT i.process_code, c.name FROM detail_cells c
            JOIN detail_lines d ON d.detail_key = c.detail_key JOIN instances i ON i.instance_id = d.instance_id
            """)
    }

    private func names(_ sql: String) throws -> [String: Set<String>] {
        try locked {
            var result: [String: Set<String>] = [:]
            try db.forEach(sql, []) { row in
                guard let code = row[0].string, let name = row[1].string else { return }
                result[code, default: []].insert(name.trimmingCharacters(in: .whitespaces))
            }
            return result
        }
    }
}

extension Doctor {
    /// Mapped fields (`mapping.form_fields`, `mapping.detail_fields` and their
    /// `mapping.templates` entries) that no mirrored instance has ever carried: a template
    /// entry is checked against its template's instances, a global entry against every
    /// configured template's. nil when nothing is mapped; templates with no mirrored instance
    /// yet are not judged.
    func mappingCheck(_ store: StateStore) throws -> DoctorCheck? {
        let processor = DataProcessor(options: ProcessorOptions(mapping: config.mapping))
        let mapped:
            [(kind: String, key: String, fields: [(code: String?, field: String)], seen: [String: Set<String>])] =
                [
                    ("form field", "form_fields", processor.formColumns.mappedFields, try store.formFieldNames()),
                    (
                        "detail sub-field", "detail_fields", processor.detailColumns.mappedFields,
                        try store.detailFieldNames()
                    )
                ]
        guard mapped.contains(where: { !$0.fields.isEmpty }) else { return nil }
        let codes = config.dingtalk.processCodes
        let mirrored = Set(try store.mirroredProcessCodes())
        var missing: [String] = []
        var checked = 0
        for entry in mapped {
            var reported = Set<String>()
            for (code, field) in entry.fields {
                let templates = code.map { [$0] } ?? codes
                let judged = templates.filter { mirrored.contains($0) }
                guard !judged.isEmpty else { continue }
                checked += 1
                guard !judged.contains(where: { entry.seen[$0]?.contains(field) == true }) else { continue }
                let place = code.map { "mapping.templates.\($0).\(entry.key)" } ?? "mapping.\(entry.key)"
                let line =
                    "\(place): \(entry.kind) \"\(field)\" was never carried by an instance of \(code ?? "any template")"
                if reported.insert(line).inserted { missing.append(line) }
            }
        }
        guard !missing.isEmpty else {
            return .ok(
                "mapped fields",
                checked == 0
                    ? "no instance of a mapped template mirrored yet"
                    : "every mapped field occurs in the mirrored instances")
        }
        return .warn(
            "mapped fields", missing.joined(separator: "; "),
            fix:
                "check the spelling against the form (the label as DingTalk shows it, e.g. `dingsync export` form_data); its column stays empty until an instance carries it"
        )
    }
}
