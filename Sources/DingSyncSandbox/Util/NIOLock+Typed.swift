import NIOConcurrencyHelpers

extension NIOLock {
    /// `withLock` for a body that throws a typed error (NIO's `withLock` only rethrows).
    func withLockTyped<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
