import DingSyncBasics
import DingSyncProcessing
import DingSyncStore
import Foundation

/// An instance the mirror holds as open (RUNNING/NEW), with what service levels need: when it
/// was created, since when it waits at its current node, and who it waits for.
public struct OpenInstance: Sendable, Equatable {
    public var instanceId: String
    public var processCode: String
    public var businessId: String
    public var title: String
    public var applicant: String
    public var createTime: Int64
    /// The earliest creation of its RUNNING tasks (SPEC 4.1 `node_since`); nil when none runs.
    public var nodeSince: Int64?
    /// The node(s) it waits at, by name.
    public var nodes: [String]
    /// The approvers it waits for, by name (the userid where the name is unknown).
    public var approvers: [String]
    /// The mirror's `current_node` text (`节点名（审批人）`), for an instance without RUNNING tasks.
    public var currentNode: String = ""

    /// Where it waits, as the report's overdue list says it (``StatsEngine/currentPlace(_:running:)``):
    /// its RUNNING tasks' nodes, else the mirror's current node, else unknown.
    public var place: String {
        if !nodes.isEmpty { return nodes.joined(separator: "、") }
        return currentNode.isEmpty ? StatsEngine.unknownNode : currentNode
    }

    public init(
        instanceId: String, processCode: String, businessId: String = "", title: String = "", applicant: String = "",
        createTime: Int64, nodeSince: Int64? = nil, nodes: [String] = [], approvers: [String] = []
    ) {
        self.instanceId = instanceId
        self.processCode = processCode
        self.businessId = businessId
        self.title = title
        self.applicant = applicant
        self.createTime = createTime
        self.nodeSince = nodeSince
        self.nodes = nodes
        self.approvers = approvers
    }
}

extension StateStore {
    /// Every open instance of the mirror (optionally of one template) with its running tasks.
    /// Two queries: the open instances, and the RUNNING tasks of open instances.
    public func openInstances(processCode: String? = nil) throws -> [OpenInstance] {
        let (scoped, values) = scope(nil, nil, processCode)
        let clause = "i.is_final = 0 AND " + scoped
        return try locked {
            var byId: [String: OpenInstance] = [:]
            var order: [String] = []
            try db.forEach(
                """
                SELECT i.instance_id, i.process_code, i.business_id, i.title, i.originator_name, i.originator_user_id,
                    i.create_time, i.current_node
                FROM instances i WHERE \(clause) ORDER BY i.create_time, i.instance_id
                """, values
            ) { r in
                guard let id = r[0].string, let created = r[6].int else { return }
                let applicant = r[4].string.flatMap { $0.isEmpty ? nil : $0 } ?? r[5].string ?? ""
                byId[id] = OpenInstance(
                    instanceId: id, processCode: r[1].string ?? "", businessId: r[2].string ?? "",
                    title: r[3].string ?? "", applicant: applicant, createTime: created)
                byId[id]?.currentNode = r[7].string ?? ""
                order.append(id)
            }
            try db.forEach(
                """
                SELECT t.instance_id, t.user_name, t.user_id, t.create_time, \(Self.taskNodeNameSQL)
                FROM tasks t JOIN instances i ON i.instance_id = t.instance_id
                WHERE \(clause) AND t.status = 'RUNNING' ORDER BY t.instance_id, t.position
                """, values
            ) { r in
                guard let id = r[0].string, var open = byId[id] else { return }
                let name = r[1].string.flatMap { $0.isEmpty ? nil : $0 } ?? r[2].string ?? ""
                if !name.isEmpty, !open.approvers.contains(name) { open.approvers.append(name) }
                if let node = r[4].string, !node.isEmpty, !open.nodes.contains(node) { open.nodes.append(node) }
                if let created = r[3].int { open.nodeSince = min(open.nodeSince ?? created, created) }
                byId[id] = open
            }
            return order.compactMap { byId[$0] }
        }
    }
}
