import DingSyncBasics
import Foundation

/// Names for user and department ids (from the contacts API or the state store's cache),
/// passed into ``DataProcessor`` so that processing stays pure.
public struct NameLookup: Sendable, Equatable {
    /// userid → name.
    public var users: [String: String]
    /// dept id → name; `"1"` is the root department.
    public var departments: [String: String]
    /// process code → template name (``TemplateNaming``), as remembered by the state database.
    public var templates: [String: String]

    /// Creates a lookup.
    public init(
        users: [String: String] = [:], departments: [String: String] = [:], templates: [String: String] = [:]
    ) {
        self.users = users
        self.departments = departments
        self.templates = templates
    }

    /// The template's name (SPEC 4.1 `template_name`), or the process code when none is known.
    public func templateName(_ processCode: String) -> String {
        guard let name = templates[processCode]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            return processCode
        }
        return name
    }

    /// The user's name, or the userid itself when unknown or blank (SPEC 4.1 `applicant`).
    public func userName(_ userId: String) -> String {
        guard let name = users[userId]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            return userId
        }
        return name
    }

    /// The department's name, or nil when unknown or blank.
    public func departmentName(_ deptId: String) -> String? {
        guard let name = departments[deptId]?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            return nil
        }
        return name
    }
}
