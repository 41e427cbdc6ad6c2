/// What both DingTalk families' listings share: the window checks and paging with the id cap.
extension DingTalkSimulator {
    static let windowSpanMs: Int64 = 120 * TimeFormat.dayMs
    static let windowAgeMs: Int64 = 365 * TimeFormat.dayMs

    enum WindowProblem {
        case endBeforeStart, spanTooLong, startTooOld
    }

    /// Checks a listing window (reference §2): end defaults to now; span ≤ 120 days; start
    /// within 365 days of now; end not before start.
    func checkWindow(start: Int64, end: Int64?, now: Int64) -> (Int64, WindowProblem?) {
        let effectiveEnd = end ?? now
        if let end, end < start { return (effectiveEnd, .endBeforeStart) }
        if effectiveEnd - start > Self.windowSpanMs { return (effectiveEnd, .spanTooLong) }
        if now - start > Self.windowAgeMs { return (effectiveEnd, .startTooOld) }
        return (effectiveEnd, nil)
    }

    /// Ids of `code` created within [start, end], optionally by originator and status, then
    /// one page from `offset`. The query yields at most `cap` ids (`max_ids_per_query`) in
    /// total: once they are handed out the last page has no cursor.
    func listPage(
        code: String, start: Int64, end: Int64, userIds: [String], statuses: [String], cap: Int, offset: Int,
        size: Int
    ) -> (ids: [String], next: Int?) {
        let all = world.idsByCode[code] ?? []
        let userSet = Set(userIds)
        let statusSet = Set(statuses)
        var matched: [String] = []
        let needed = min(cap, offset + size + 1)
        for id in all {
            guard let inst = world.instances[id] else { continue }
            if inst.createTime < start || inst.createTime > end { continue }
            if !userSet.isEmpty, !userSet.contains(inst.originatorUserId) { continue }
            if !statusSet.isEmpty, !statusSet.contains(inst.status) { continue }
            matched.append(id)
            if matched.count >= needed { break }
        }
        let available = min(matched.count, cap)
        guard offset < available else { return ([], nil) }
        let upper = min(offset + size, available)
        let next = upper < available ? upper : nil
        return (Array(matched[offset..<upper]), next)
    }
}
