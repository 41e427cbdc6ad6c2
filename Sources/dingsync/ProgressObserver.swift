import DingSyncPipeline
import Foundation
import Logging

/// How the `dingsync` command shows a run: a one-line progress display (done/total, rate, ETA)
/// on a terminal, a log line per chunk under cron, the writes of a dry run on stdout; and
/// between chunks it returns freed memory to the system.
final class ProgressObserver: SyncObserver, @unchecked Sendable {
    let terminal: Bool
    private let logger: Logger
    private let lock = NSLock()
    private var total = 0
    private var started = Date()

    init(terminal: Bool = ProgressObserver.isTerminal, logger: Logger) {
        self.terminal = terminal
        self.logger = logger
    }

    /// True when stderr is a terminal (not cron, not a pipe).
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    func started(total: Int) {
        lock.withLock {
            self.total = total
            started = Date()
        }
    }

    func chunkFinished(done: Int, total: Int) {
        MemoryTuning.releaseFreed()
        guard terminal else {
            logger.info("progress: \(done)/\(total) instances")
            return
        }
        guard total > 0 else { return }
        let elapsed = max(Date().timeIntervalSince(lock.withLock { started }), 0.001)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        FileHandle.standardError.write(
            Data(String(format: "\r%d/%d instances · %.1f/s · ETA %@   ", done, total, rate, Self.duration(eta)).utf8))
    }

    func wouldWrite(_ write: PlannedWrite) {
        print(write.description)
    }

    func finished() {
        if terminal && lock.withLock({ total }) > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
