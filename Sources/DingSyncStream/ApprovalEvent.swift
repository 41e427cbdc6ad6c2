import DingSyncBasics
import Foundation

/// An approval event (`bpms_instance_change`, `bpms_task_change`) read from an EVENT frame:
/// which instance of which template changed, the event's id for dedupe and its birth time for
/// the latency line (reference §11.6). Events carry no form values: the instance is re-read.
public struct ApprovalEvent: Sendable, Equatable {
    /// The approval event types `watch` syncs on.
    public static let eventTypes: Set<String> = ["bpms_instance_change", "bpms_task_change"]

    public var eventId: String
    public var messageId: String
    public var eventType: String
    public var processInstanceId: String
    public var processCode: String
    /// `start`, `finish`, `terminate`, `cancel`, … ("" when absent).
    public var type: String
    /// When DingTalk produced the event (header `eventBornTime`), nil when absent.
    public var bornAt: Date?

    public init(
        eventId: String, messageId: String, eventType: String, processInstanceId: String, processCode: String,
        type: String, bornAt: Date?
    ) {
        self.eventId = eventId
        self.messageId = messageId
        self.eventType = eventType
        self.processInstanceId = processInstanceId
        self.processCode = processCode
        self.type = type
        self.bornAt = bornAt
    }

    /// What an EVENT frame is to `watch`.
    public enum Reading: Sendable, Equatable {
        /// An approval event naming an instance.
        case approval(ApprovalEvent)
        /// Another event type, or an approval event without an instance id: acked and ignored.
        case ignored(reason: String)
    }

    /// Reads an EVENT frame. The event id falls back to the message id (so that dedupe still works).
    public static func read(_ frame: StreamFrame) -> Reading {
        guard eventTypes.contains(frame.eventType) else {
            return .ignored(reason: "event type \(frame.eventType.isEmpty ? "(none)" : frame.eventType)")
        }
        guard let payload = frame.payload else { return .ignored(reason: "\(frame.eventType) without a JSON payload") }
        let instance = payload["processInstanceId"]?.scalarText ?? ""
        guard !instance.isEmpty else { return .ignored(reason: "\(frame.eventType) without processInstanceId") }
        return .approval(
            ApprovalEvent(
                eventId: frame.eventId.isEmpty ? frame.messageId : frame.eventId, messageId: frame.messageId,
                eventType: frame.eventType, processInstanceId: instance,
                processCode: payload["processCode"]?.scalarText ?? "", type: payload["type"]?.scalarText ?? "",
                bornAt: frame.eventBornTime ?? StreamFrame.epochMilliseconds(payload["eventBornTime"]?.scalarText)))
    }
}
