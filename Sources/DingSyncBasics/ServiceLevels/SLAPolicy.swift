import Foundation

/// The service levels of SPEC section 8 for one process code: how long an instance may take
/// (`sla.hours`) and how long it may wait at one node (`sla.node_hours`), with the per-template
/// entries of `sla.templates` taking precedence. Built once from the configuration; pure.
///
///     let policy = SLAPolicy(config.sla)
///     policy.hours(for: "PROC-LEAVE")          // 24, or nil: no SLA for that template
///     policy.due(start: created, processCode: "PROC-LEAVE")   // the main table's sla_due
///
/// Whether an open instance is overdue is `StatsSLA.breach` (DingSyncReports), the one rule of
/// the report, the overdue notices and the digests.
///
/// A template entry that leaves a key out falls back to the global key; a value of 0 (global
/// or per template) means "no service level", so `{hours: 0}` exempts one template from a
/// global SLA.
public struct SLAPolicy: Sendable, Equatable {
    /// The levels of one template; nil means none.
    public struct Levels: Sendable, Equatable {
        /// Hours from creation until the instance should be final.
        public var hours: Int?
        /// Hours an instance may wait at one node.
        public var nodeHours: Int?

        public init(hours: Int?, nodeHours: Int?) {
            self.hours = hours
            self.nodeHours = nodeHours
        }
    }

    /// No service level for any template.
    public static let none = SLAPolicy(SLAConfig())

    private let defaults: Levels
    private let templates: [String: Levels]

    /// The policy of an `sla` section.
    public init(_ config: SLAConfig) {
        func level(_ value: Int?, _ fallback: Int) -> Int? {
            let hours = value ?? fallback
            return hours > 0 ? hours : nil
        }
        defaults = Levels(hours: level(nil, config.hours), nodeHours: level(nil, config.nodeHours))
        templates = config.templates.mapValues {
            Levels(hours: level($0.hours, config.hours), nodeHours: level($0.nodeHours, config.nodeHours))
        }
    }

    /// True when no template (nor the global keys) has any level.
    public var isEmpty: Bool {
        defaults == Levels(hours: nil, nodeHours: nil)
            && templates.values.allSatisfy { $0 == Levels(hours: nil, nodeHours: nil) }
    }

    /// The levels that apply to the instances of `processCode`.
    public func levels(for processCode: String) -> Levels {
        templates[processCode] ?? defaults
    }

    /// Hours an instance of `processCode` may take from creation to final; nil: no SLA.
    public func hours(for processCode: String) -> Int? { levels(for: processCode).hours }

    /// Hours an instance of `processCode` may wait at one node; nil: no limit.
    public func nodeHours(for processCode: String) -> Int? { levels(for: processCode).nodeHours }

    /// When an instance created at `start` should be final (`sla_due`); nil without an SLA.
    public func due(start: Date?, processCode: String) -> Date? {
        guard let start, let hours = hours(for: processCode) else { return nil }
        return start.addingTimeInterval(TimeInterval(hours) * 3600)
    }
}
