import NIOCore
import NIOHTTP1
import NIOWebSocket

/// A part that takes a connection over with a WebSocket upgrade (the Stream gateway's
/// `GET /connect`), on the same port as everything else.
///
/// The upgrade must be the connection's first request (NIO's upgrade handler leaves the
/// pipeline after it), as with every WebSocket client. A request it refuses goes on as plain
/// HTTP, so the part can answer why.
struct WebSocketHook: Sendable {
    /// The largest frame (or reassembled message) taken from a client.
    var maxFrameSize: Int
    /// Whether to upgrade a request with this URI (called on the event loop; may use up a
    /// ticket).
    var shouldUpgrade: @Sendable (_ uri: String) -> Bool
    /// Adds the part's frame handlers once the 101 has been sent (the frame encoder and
    /// decoder are in place).
    var upgraded: @Sendable (_ channel: any Channel, _ uri: String) -> EventLoopFuture<Void>

    /// The upgrade configuration of the HTTP pipeline; the upgrade removes the handler named
    /// `requestHandler` (the plain request handler).
    func serverUpgrade(removing requestHandler: String) -> NIOHTTPServerUpgradeConfiguration {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maxFrameSize, automaticErrorHandling: true,
            shouldUpgrade: { [shouldUpgrade] channel, head in
                channel.eventLoop.makeSucceededFuture(shouldUpgrade(head.uri) ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { [upgraded] channel, head in upgraded(channel, head.uri) })
        return (
            upgraders: [upgrader],
            completionHandler: { context in
                context.pipeline.syncOperations.removeHandler(name: requestHandler, promise: nil)
            }
        )
    }
}
