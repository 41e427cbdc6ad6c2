import Foundation

/// A one-line progress display (done/total, rate, ETA) for terminals; silent otherwise.
public final class ProgressReporter: @unchecked Sendable {
    public let enabled: Bool
    private let lock = NSLock()
    private var total = 0
    private(set) var done = 0
    private var started = Date()
    private let write: @Sendable (String) -> Void

    public init(enabled: Bool, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.enabled = enabled
        self.write = write
    }

    /// True when stderr is a terminal (not cron, not a pipe).
    public static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func start(total: Int) {
        lock.withLock { self.total = total; done = 0; started = Date() }
    }

    func advance(by n: Int) {
        let line: String? = lock.withLock {
            done += n
            guard enabled, total > 0 else { return nil }
            let elapsed = max(Date().timeIntervalSince(started), 0.001)
            let rate = Double(done) / elapsed
            let eta = rate > 0 ? Double(total - done) / rate : 0
            return String(format: "\r%d/%d instances · %.1f/s · ETA %@   ", done, total, rate, Self.duration(eta))
        }
        if let line { write(line) }
    }

    func finish() {
        if enabled && total > 0 { write("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
