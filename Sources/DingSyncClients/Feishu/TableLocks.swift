import DingSyncBasics
import DingSyncProcessing

/// One caller per Bitable table at a time (Feishu answers 1254291 to overlapping calls).
///
/// A FIFO async mutex keyed by table id: `withLock` waits its turn and always releases.
public actor TableLocks {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    func acquire(_ table: String) async {
        if !busy.contains(table) {
            busy.insert(table)
            return
        }
        await withCheckedContinuation { waiters[table, default: []].append($0) }
    }

    func release(_ table: String) {
        if var queue = waiters[table], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[table] = queue
            next.resume()  // ownership passes to the next waiter
        } else {
            busy.remove(table)
        }
    }
}

extension TableLocks {
    /// Runs `body` while holding the table's lock; the body runs in the caller's context.
    public nonisolated func withLock<T>(_ table: String, _ body: () async throws -> T) async throws -> T {
        await acquire(table)
        do {
            let value = try await body()
            await release(table)
            return value
        } catch {
            await release(table)
            throw error
        }
    }
}
