import DingSyncBasics
import DingSyncClients
import DingSyncOperations
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// SIGINT and SIGTERM during a run: the first asks the run to stop at its next safe point
/// (it then writes its summary, records the run and notifies, exit 130/143); a second one
/// ends the process at once (the state stays consistent: every write is journaled).
enum SignalHandling {
    /// Keeps the dispatch sources alive for the process's lifetime.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(_ stop: StopSignal) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested {
                    Console.error("\(name(number)) again: stopping now")
                    exit(number == SIGINT ? 130 : 143)
                }
                stop.request(signal: number)
                Console.error(
                    "\(name(number)) received: stopping at the next safe point (what was fetched is written, "
                        + "the checkpoint does not move); send it again to stop at once")
            }
            source.resume()
            sources.append(source)
        }
    }

    static func name(_ number: Int32) -> String { number == SIGINT ? "SIGINT" : "SIGTERM" }
}
