import DingSyncBasics
import DingSyncProcessing
import Foundation

/// userid → name and dept id → name, with misses remembered so nothing is asked twice in a run.
actor NameCache {
    private var users: [String: String?] = [:]
    private var departments: [String: String?] = [:]
    private var warned: Set<String> = []

    func user(_ id: String) -> String?? { users[id] }
    func department(_ id: String) -> String?? { departments[id] }
    func setUser(_ id: String, _ name: String?) { users[id] = name }
    func setDepartment(_ id: String, _ name: String?) { departments[id] = name }
    /// True the first time `key` is seen (to log a warning once).
    func firstWarning(_ key: String) -> Bool { warned.insert(key).inserted }

    func preload(users: [String: String], departments: [String: String]) {
        for (k, v) in users { self.users[k] = v }
        for (k, v) in departments { self.departments[k] = v }
    }

    var knownUsers: [String: String] { users.compactMapValues { $0 } }
    var knownDepartments: [String: String] { departments.compactMapValues { $0 } }
}

extension DingTalkClient {
    /// The root department's id in the contacts API (approvals say `-1`).
    public static let rootDepartmentId = "1"

    /// Seeds the in-memory cache (e.g. from the state database) so known names cost no call.
    public func preloadNames(users: [String: String], departments: [String: String]) async {
        await names.preload(users: users, departments: departments)
    }

    /// Names learnt in this run (to persist).
    public func learntNames() async -> (users: [String: String], departments: [String: String]) {
        (await names.knownUsers, await names.knownDepartments)
    }

    /// The user's name, or nil when unknown or not readable (the caller falls back to the userid).
    public func userName(_ userId: String) async -> String? {
        guard !userId.isEmpty else { return nil }
        if let cached = await names.user(userId) { return cached }
        let name = await lookup(
            api: "user/get", path: "/topapi/v2/user/get", body: ["userid": .string(userId), "language": "zh_CN"],
            notFound: ["60121", "33012"], key: "user \(userId)")
        await names.setUser(userId, name)
        return name
    }

    /// The department's name; `-1` (root in approval answers) is asked as department 1.
    public func departmentName(_ deptId: String) async -> String? {
        let id = deptId == "-1" ? Self.rootDepartmentId : deptId
        guard let numeric = Int64(id) else { return nil }
        if let cached = await names.department(id) { return cached }
        let name = await lookup(
            api: "department/get", path: "/topapi/v2/department/get",
            body: ["dept_id": .number(numeric), "language": "zh_CN"],
            notFound: ["60003"], key: "department \(id)")
        await names.setDepartment(id, name)
        return name
    }

    /// The user's name, throwing what went wrong (`doctor`): nil when the user does not exist.
    public func readUserName(_ userId: String) async throws -> String? {
        try await read(
            api: "user/get", path: "/topapi/v2/user/get", body: ["userid": .string(userId), "language": "zh_CN"],
            notFound: ["60121", "33012"])
    }

    /// The department's name, throwing what went wrong (`doctor`): nil when it does not exist.
    public func readDepartmentName(_ deptId: String) async throws -> String? {
        let id = deptId == "-1" ? Self.rootDepartmentId : deptId
        guard let numeric = Int64(id) else { return nil }
        return try await read(
            api: "department/get", path: "/topapi/v2/department/get",
            body: ["dept_id": .number(numeric), "language": "zh_CN"],
            notFound: ["60003"])
    }

    private func read(api: String, path: String, body: JSON, notFound: Set<String>) async throws -> String? {
        do {
            let data = try await legacyPost(path, api: api, body: body)
            return JSON.parseObject(data)?.child("result")?.string("name")
        } catch let error as APIError {
            let code = error.code.split(separator: "/").last.map(String.init) ?? error.code
            if notFound.contains(code) { return nil }
            throw error
        }
    }

    private func lookup(api: String, path: String, body: JSON, notFound: Set<String>, key: String) async -> String? {
        do {
            return try await read(api: api, path: path, body: body, notFound: notFound)
        } catch let error as APIError {
            if await names.firstWarning(api + error.code) {
                logger.warning(
                    "cannot read names from contacts (\(error.localizedDescription)); userids are shown instead")
            }
            return nil
        } catch {
            if await names.firstWarning(api) {
                logger.warning("contacts lookup for \(key) failed: \(error.localizedDescription)")
            }
            return nil
        }
    }
}
