import DingSyncBasics
import DingSyncStream
import Foundation
import Logging

extension WatchSession {
    /// What a frame asks of the connection.
    enum FrameOutcome: Equatable {
        case keep
        /// SYSTEM `disconnect`: the server rotates connections; open a new one at once.
        case rotate(String)
    }

    /// Handles one text frame: answers pings, acks what is not for `watch`, and queues approval
    /// events of the configured templates (each event id once).
    func handle(_ text: String, socket: any StreamSocket, now: Date) async -> FrameOutcome {
        guard let frame = StreamFrame.parse(text) else {
            logger.warning("Stream: a frame that is not JSON was ignored: \(text.prefix(200))")
            return .keep
        }
        switch frame.kind {
        case .system:
            if frame.topic == "disconnect" {
                return .rotate(frame.payload?.string("reason") ?? "disconnect")
            }
            if frame.topic == "ping" {
                await send(StreamAck.pong(messageId: frame.messageId, data: frame.data), on: socket)
            }
            return .keep
        case .callback:
            await send(StreamAck.callback(messageId: frame.messageId), on: socket)
            return .keep
        case .other:
            logger.debug("Stream: frame of another type ignored: \(text.prefix(200))")
            return .keep
        case .event:
            await event(frame, socket: socket, now: now)
            return .keep
        }
    }

    private func event(_ frame: StreamFrame, socket: any StreamSocket, now: Date) async {
        stats.received += 1
        unsavedEvents[frame.eventType.isEmpty ? "other" : frame.eventType, default: 0] += 1
        if frame.payload?["errCode"]?.scalarText == "20001", !overQuotaWarned {
            overQuotaWarned = true
            logger.warning(
                Logger.Message(
                    stringLiteral: "Stream: DingTalk's monthly event quota is used up: events arrive without "
                        + "content (errCode 20001) and are acked; the catch-up every "
                        + "\(config.stream.catchupMinutes) min keeps the tables current"))
        }
        switch ApprovalEvent.read(frame) {
        case .ignored(let reason):
            stats.ignored += 1
            logger.debug("Stream: event \(frame.eventId) ignored (\(reason))")
            deduper.insert(frame.eventId)
            await ack(frame.messageId, on: socket)
        case .approval(let event):
            if deduper.contains(event.eventId) {
                stats.redelivered += 1
                logger.debug("Stream: event \(event.eventId) again: acked, nothing to do")
                await ack(event.messageId, on: socket)
            } else if inFlight.contains(event.eventId) {
                stats.redelivered += 1
                logger.debug("Stream: event \(event.eventId) again while its batch syncs: answered with it")
                lateAcks.append(event.messageId)
            } else if !config.dingtalk.processCodes.contains(event.processCode) {
                stats.ignored += 1
                logger.debug("Stream: event of template \(event.processCode) ignored (not in dingtalk.process_codes)")
                deduper.insert(event.eventId)
                await ack(event.messageId, on: socket)
            } else {
                if !coalescer.add(event, at: now) { stats.redelivered += 1 }
                logger.debug("Stream: \(event.eventType) \(event.type) of \(event.processInstanceId) queued")
            }
        }
    }

    private func send(_ text: String, on socket: any StreamSocket) async {
        do {
            try await socket.send(text)
        } catch {
            logger.debug("Stream: reply not sent: \(error.localizedDescription)")
        }
    }
}
