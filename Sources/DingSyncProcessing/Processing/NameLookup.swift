import DingSyncBasics
import Foundation

/// Names for user and department ids (from the contacts API or the state store's cache),
/// passed into ``DataProcessor`` so that processing stays pure.
public struct NameLookup: Sendable, Equatable {
    /// userid → name.
    public var users: [String: String]
    /// dept id → name; `"1"` is the root department.
    public var departments: [String: String]

    /// Creates a lookup.
    public init(users: [String: String] = [:], departments: [String: String] = [:]) {
        self.users = users
        self.departments = departments
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
