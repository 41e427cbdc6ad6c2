import DingSyncBasics
import DingSyncProcessing
import Foundation

extension DingTalkClient {
    /// Every instance id of `processCode` created in `window`, paging to the last page.
    ///
    /// The window is cut into ≤120-day slices; a slice whose listing reaches the API's cap of
    /// ids per query (which it enforces silently) is split in halves and listed again, so no
    /// instance is dropped however busy a template is. `statuses` filters on the new API only.
    public func listAllInstanceIds(processCode: String, window: TimeWindow, statuses: [String]? = nil) async throws
        -> [String]
    {
        try await listAll(processCode: processCode, window: window, statuses: statuses).ids
    }

    /// Like ``listAllInstanceIds(processCode:window:statuses:)``, and says which parts of the
    /// window could not be listed to the end (a cursor that did not advance): the ids listed
    /// before are returned, the window's checkpoint must not move.
    public func listAll(processCode: String, window: TimeWindow, statuses: [String]? = nil) async throws
        -> InstanceListing
    {
        var seen = Set<String>()
        var listing = InstanceListing()
        let pages = PageTally()
        for slice in window.slices(maxSpan: TimeWindow.maxListingSpan) {
            let ids: [String]
            do {
                ids = try await listSplitting(processCode: processCode, window: slice, statuses: statuses, pages: pages)
            } catch let stuck as ListingIncompleteError {
                ids = stuck.partialIds
                listing.incomplete.append(stuck.localizedDescription)
                logger.warning("\(stuck.localizedDescription)")
            }
            for id in ids where seen.insert(id).inserted { listing.ids.append(id) }
        }
        listing.calls = pages.count
        return listing
    }

    private func listSplitting(processCode: String, window: TimeWindow, statuses: [String]?, pages: PageTally)
        async throws -> [String]
    {
        let ids = try await listInstanceIds(processCode: processCode, window: window, statuses: statuses, pages: pages)
        let span = window.end.timeIntervalSince(window.start)
        guard ids.count >= options.maxIdsPerQuery, span >= 0.002 else {
            if ids.count >= options.maxIdsPerQuery {
                logger.warning(
                    "\(processCode): \(ids.count) instances created within one millisecond window; some may be missing")
            }
            return ids
        }
        let middle = Date(
            timeIntervalSince1970: ((window.start.timeIntervalSince1970 + span / 2) * 1000).rounded(.down) / 1000)
        logger.info(
            "\(processCode): \(ids.count) ids reach the per-query cap of \(options.maxIdsPerQuery); listing \(TimeText.format(window.start, options.timeZone)) … \(TimeText.format(window.end, options.timeZone)) in two halves"
        )
        let first = try await listSplitting(
            processCode: processCode, window: TimeWindow(start: window.start, end: middle), statuses: statuses,
            pages: pages)
        let second = try await listSplitting(
            processCode: processCode, window: TimeWindow(start: middle, end: window.end), statuses: statuses,
            pages: pages)
        var seen = Set(first)
        return first + second.filter { seen.insert($0).inserted }
    }

    /// One listing query (≤120 days), paged to its last page.
    public func listInstanceIds(
        processCode: String, window: TimeWindow, statuses: [String]? = nil,
        pages: PageTally? = nil
    ) async throws -> [String] {
        let start = DingTalkTime.epochMilliseconds(window.start)
        let end = DingTalkTime.epochMilliseconds(window.end)
        var ids: [String] = []
        var cursor: Int64 = 0
        while true {
            let page: (ids: [String], next: Int64?)
            switch family {
            case .new, .premium:
                var body: JSON = [
                    "processCode": .string(processCode), "startTime": .number(start), "endTime": .number(end),
                    "nextToken": .number(cursor), "maxResults": .number(options.pageSize)
                ]
                if let statuses, !statuses.isEmpty { body["statuses"] = .array(statuses.map(JSON.string)) }
                let data = try await newRequest(
                    "POST", "/v1.0/workflow/processes/instanceIds/query", api: "listids", body: body)
                page = try Self.parsePage(data, api: "listids", cursorKey: "nextToken")
            case .legacy:
                let body: JSON = [
                    "process_code": .string(processCode), "start_time": .number(start), "end_time": .number(end),
                    "size": .number(options.pageSize), "cursor": .number(cursor)
                ]
                let data = try await legacyPost("/topapi/processinstance/listids", api: "listids", body: body)
                page = try Self.parsePage(data, api: "listids", cursorKey: "next_cursor")
            }
            pages?.add()
            ids += page.ids
            guard let next = page.next else { break }
            guard next > cursor else {
                // A cursor that does not move would loop forever: stop, and say that this window is not complete.
                throw ListingIncompleteError(
                    processCode: processCode, window: window, timeZone: options.timeZone,
                    reason: "the listing cursor did not advance (\(cursor) → \(next)) after \(ids.count) id(s)",
                    partialIds: ids)
            }
            cursor = next
        }
        return ids
    }

    /// `result.list` and the next cursor (absent, null or "" on the last page; a string on the new API).
    static func parsePage(_ data: Data, api: String, cursorKey: String) throws -> (ids: [String], next: Int64?) {
        guard let result = JSON.parseObject(data)?.child("result") else {
            throw APIError(
                platform: .dingtalk, api: api, code: "malformed", message: "no result in the listing answer",
                kind: .transient)
        }
        let ids = result.strings("list")
        let rawNext = result.string(cursorKey)?.trimmingCharacters(in: .whitespaces)
        guard let rawNext, !rawNext.isEmpty else { return (ids, nil) }
        guard let next = Int64(rawNext) else {
            throw APIError(
                platform: .dingtalk, api: api, code: "malformed", message: "cursor \(rawNext) is not a number",
                kind: .fatal)
        }
        return (ids, next)
    }
}

/// What a window's listing found, and the parts of it that could not be listed to the end.
public struct InstanceListing: Sendable, Equatable {
    public var ids: [String] = []
    /// One sentence per slice whose listing stopped early; empty when the window is complete.
    public var incomplete: [String] = []
    public var isComplete: Bool { incomplete.isEmpty }
    /// Listing calls (pages) it took.
    public var calls = 0
}

/// Pages fetched by a listing, counted as they arrive.
public final class PageTally: @unchecked Sendable {
    private let lock = NSLock()
    private var pages = 0
    public init() {}
    func add() { lock.withLock { pages += 1 } }
    public var count: Int { lock.withLock { pages } }
}

/// A listing query that could not be followed to its last page.
public struct ListingIncompleteError: Error, LocalizedError, Sendable {
    public var processCode: String
    public var window: TimeWindow
    public var timeZone: TimeZone
    public var reason: String
    public var partialIds: [String]

    public var errorDescription: String? {
        "\(processCode): the listing of \(TimeText.format(window.start, timeZone)) … \(TimeText.format(window.end, timeZone)) "
            + "did not finish (\(reason)); the ids listed so far are synced, the checkpoint of \(processCode) stays where it was "
            + "so the next run lists this window again"
    }
}
