/// Calls allowed in a sliding window (monotonic nanoseconds).
struct SlidingWindow: Sendable {
    /// Arrival stamps, sorted; `head` is the first one still kept.
    private var stamps: [UInt64] = []
    private var head = 0
    private var latest: UInt64 = 0

    /// Records a call that arrived at `at` if fewer than `limit` calls arrived in the window
    /// ending there, `(at - window, at]`; otherwise returns the nanoseconds until a slot frees.
    /// Calls may be admitted slightly out of arrival order (they reach the windows some time
    /// after their arrival was stamped), so a stamp is inserted in order rather than appended.
    mutating func admit(at: UInt64, window: UInt64, limit: Int) -> UInt64? {
        latest = max(latest, at)
        let keepFrom = latest > 2 * window ? latest - 2 * window : 0
        while head < stamps.count, stamps[head] < keepFrom { head += 1 }
        if head > 4096, head * 2 > stamps.count {
            stamps.removeFirst(head)
            head = 0
        }
        let first = firstIndex(after: at > window ? at - window : 0)
        let end = firstIndex(after: at)
        if end - first >= limit {
            let oldest = stamps[first]
            return oldest + window > at ? oldest + window - at : 1
        }
        stamps.insert(at, at: end)
        return nil
    }

    /// The index of the first kept stamp greater than `value`.
    private func firstIndex(after value: UInt64) -> Int {
        var low = head
        var high = stamps.count
        while low < high {
            let mid = (low + high) / 2
            if stamps[mid] <= value { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
