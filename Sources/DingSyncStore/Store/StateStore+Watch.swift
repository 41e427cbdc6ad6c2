import DingSyncBasics
import Foundation

/// What `dingsync watch` keeps between its sessions: the ids of the events it acked last (one
/// `meta` row, newline-separated, newest last), so that a restart does not process again an
/// event DingTalk redelivers, and the events received per month (`api_calls`, platform
/// `dingtalk-events`, which `doctor` shows beside the API calls).
extension StateStore {
    /// The `meta` key of the remembered event ids.
    static let watchEventIdsKey = "watch_event_ids"
    /// The `api_calls` platform of Stream events.
    public static let eventPlatform = "dingtalk-events"

    /// The event ids `watch` saved last, oldest first (empty when none).
    public func watchEventIds() throws -> [String] {
        try locked {
            let rows = try db.query("SELECT value FROM meta WHERE `key` = ?", [.text(Self.watchEventIdsKey)])
            guard let text = rows.first?.first?.string else { return [] }
            return text.split(separator: "\n").map(String.init)
        }
    }

    /// Saves the event ids `watch` acked last (the caller bounds their number: a `meta` value
    /// is a TEXT column, 64 KiB on MySQL).
    public func saveWatchEventIds(_ ids: [String]) throws {
        try locked { try db.setMeta(Self.watchEventIdsKey, ids.joined(separator: "\n")) }
    }

    /// Adds events received to this month's count.
    public func addEvents(month: String, events: [String: Int]) throws {
        try addCalls(month: month, platform: Self.eventPlatform, calls: events)
    }

    /// Events received this month, per event type.
    public func events(month: String) throws -> [String: Int] {
        try calls(month: month, platform: Self.eventPlatform)
    }
}
