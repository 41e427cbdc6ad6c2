import Foundation

extension ConfigReader {
    /// The keys of one `mapping.templates.<code>` entry.
    static let templateMappingKeys = ["form_fields", "detail_fields", "amount_fields", "category_field"]

    /// `mapping.templates`: process code → ``TemplateMapping``, each entry's keys checked like a
    /// section's (an unknown key is named with the closest known one).
    func templateMappings(_ node: YAMLNode?, path: String) -> [String: TemplateMapping]? {
        guard let node, !node.isNull else { return nil }
        guard case .mapping(let pairs, _) = node else {
            report(
                "\(path) must be a mapping of process codes like {PROC-X: {form_fields: {...}}}, got \(node.kindDescription)",
                at: node.mark)
            return nil
        }
        var result: [String: TemplateMapping] = [:]
        for pair in pairs {
            let code = pair.key
            let full = "\(path).\(code)"
            let entries = self.entries(pair.value, path: full, known: Self.templateMappingKeys)
            var mapping = TemplateMapping()
            mapping.formFields = stringMap(entries["form_fields"], path: "\(full).form_fields") ?? [:]
            mapping.detailFields = stringMap(entries["detail_fields"], path: "\(full).detail_fields") ?? [:]
            mapping.amountFields = stringList(entries["amount_fields"], path: "\(full).amount_fields")
            mapping.categoryField = string(entries["category_field"], path: "\(full).category_field")
            result[code] = mapping
        }
        return result
    }
}
