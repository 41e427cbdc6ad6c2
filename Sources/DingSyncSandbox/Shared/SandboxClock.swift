import NIOConcurrencyHelpers
import NIOCore

/// The sandbox clock: the start time (or `--now`) plus the elapsed time plus admin moves.
///
/// Safe from any thread without the parts' locks: the HTTP server stamps `Date` headers with
/// it on the event loop, and every part reads it.
final class SandboxClock: Sendable {
    /// The sandbox time at start, epoch ms (the origin of the generated dataset).
    let originMs: Int64
    /// Monotonic nanoseconds at start.
    let startNs: UInt64
    /// Admin clock moves, ms (may be negative).
    private let offsetMs = NIOLockedValueBox<Int64>(0)

    init(nowMs: Int64?) {
        originMs = nowMs ?? TimeFormat.wallNowMs()
        startNs = NIODeadline.now().uptimeNanoseconds
    }

    /// Monotonic nanoseconds (arrival stamps, rate windows).
    func monoNs() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// The sandbox time, epoch ms.
    func nowMs() -> Int64 {
        originMs + Int64((monoNs() &- startNs) / 1_000_000) + offsetMs.withLockedValue { $0 }
    }

    /// Moves the clock by `ms` (negative: back, e.g. behind the machine's clock).
    func advance(ms: Int64) {
        offsetMs.withLockedValue { $0 += ms }
    }

    /// Undoes every admin move (admin reset).
    func reset() {
        offsetMs.withLockedValue { $0 = 0 }
    }
}
