import DingSyncBasics
import DingSyncProcessing
import Foundation

/// What a window's OA premium listing found: whole instances, and the parts of the window that
/// could not be listed to the end.
public struct PremiumListing: Sendable {
    public var instances: [PremiumInstance] = []
    /// One sentence per slice whose listing stopped early; empty when the window is complete.
    public var incomplete: [String] = []
    public var isComplete: Bool { incomplete.isEmpty }
    /// Listing calls (pages) it took.
    public var calls = 0
}

extension DingTalkClient {
    /// How far back the premium listing reaches (reference §12.1: five years).
    public static let premiumMaxAge: TimeInterval = 5 * 365 * 86_400

    /// Every instance of `processCode` created in `window`, with its details, through the OA
    /// premium listing (reference §12), 20 per call.
    ///
    /// The window is cut into ≤120-day slices; a slice that reaches the cap of instances per
    /// query is listed again in halves, as ``listAll(processCode:window:statuses:)`` does.
    public func listPremium(processCode: String, window: TimeWindow) async throws -> PremiumListing {
        var listing = PremiumListing()
        var seen = Set<String>()
        let pages = PageTally()
        for slice in window.slices(maxSpan: TimeWindow.maxListingSpan) {
            let found: [PremiumInstance]
            do {
                found = try await premiumSplitting(processCode: processCode, window: slice, pages: pages)
            } catch let stuck as PremiumListingIncomplete {
                found = stuck.partial
                listing.incomplete.append(stuck.error.localizedDescription)
                logger.warning("\(stuck.error.localizedDescription)")
            }
            for instance in found where seen.insert(instance.instanceId).inserted { listing.instances.append(instance) }
        }
        listing.calls = pages.count
        return listing
    }

    private func premiumSplitting(processCode: String, window: TimeWindow, pages: PageTally) async throws
        -> [PremiumInstance]
    {
        let found = try await listPremiumQuery(processCode: processCode, window: window, pages: pages)
        let span = window.end.timeIntervalSince(window.start)
        guard found.count >= options.maxIdsPerQuery, span >= 0.002 else { return found }
        let middle = Date(
            timeIntervalSince1970: ((window.start.timeIntervalSince1970 + span / 2) * 1000).rounded(.down) / 1000)
        logger.info(
            "\(processCode): \(found.count) instances reach the per-query cap of \(options.maxIdsPerQuery); listing the window in two halves"
        )
        let first = try await premiumSplitting(
            processCode: processCode, window: TimeWindow(start: window.start, end: middle), pages: pages)
        let second = try await premiumSplitting(
            processCode: processCode, window: TimeWindow(start: middle, end: window.end), pages: pages)
        var seen = Set(first.map(\.instanceId))
        return first + second.filter { seen.insert($0.instanceId).inserted }
    }

    /// One premium query (≤120 days), paged until `hasMore` is false.
    public func listPremiumQuery(processCode: String, window: TimeWindow, pages: PageTally? = nil) async throws
        -> [PremiumInstance]
    {
        let start = DingTalkTime.epochMilliseconds(window.start)
        let end = DingTalkTime.epochMilliseconds(window.end)
        var found: [PremiumInstance] = []
        var token = "1"
        while true {
            let data = try await newRequest(
                "GET", "/v1.0/workflow/premium/processes/pages/instances", api: "premium/instances",
                query: [
                    URLQueryItem(name: "processCode", value: processCode),
                    URLQueryItem(name: "startTimeInMills", value: String(start)),
                    URLQueryItem(name: "endTimeInMills", value: String(end)),
                    URLQueryItem(name: "maxResults", value: String(options.pageSize)),
                    URLQueryItem(name: "nextToken", value: token)
                ])
            pages?.add()
            let page: PremiumInstance.Page
            do {
                page = try PremiumInstance.decodePage(data, processCode: processCode)
            } catch {
                throw APIError(
                    platform: .dingtalk, api: "premium/instances", code: "malformed",
                    message: error.localizedDescription, kind: .transient)
            }
            found += page.instances
            guard page.hasMore else { break }
            guard let next = page.nextToken, next != token else {
                // A cursor that does not move would loop forever: stop, and say that this window is not complete.
                throw PremiumListingIncomplete(
                    error: ListingIncompleteError(
                        processCode: processCode, window: window, timeZone: options.timeZone,
                        reason:
                            "the premium listing's nextToken did not advance (\(token) → \(page.nextToken ?? "none")) "
                            + "after \(found.count) instance(s)",
                        partialIds: found.map(\.instanceId)),
                    partial: found)
            }
            token = next
        }
        return found
    }

    /// Whether the OA premium listing serves this organisation: one call (one instance of the last
    /// day of `processCode`). Throws the API's answer when it does not.
    public func probePremium(processCode: String, now: Date = Date()) async throws {
        let start = DingTalkTime.epochMilliseconds(now.addingTimeInterval(-86_400))
        _ = try await newRequest(
            "GET", "/v1.0/workflow/premium/processes/pages/instances", api: "premium/instances",
            query: [
                URLQueryItem(name: "processCode", value: processCode),
                URLQueryItem(name: "startTimeInMills", value: String(start)),
                URLQueryItem(name: "maxResults", value: "1"), URLQueryItem(name: "nextToken", value: "1")
            ])
    }
}

/// A premium listing that could not be followed to its last page, with what it found before.
struct PremiumListingIncomplete: Error {
    var error: ListingIncompleteError
    var partial: [PremiumInstance]
}
