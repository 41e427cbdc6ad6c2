import NIOCore
import NIOWebSocket

/// One Stream connection after the upgrade: registers it with the gateway, hands text frames
/// (acks) to it, answers WebSocket pings, echoes a close frame and closes, and tells the
/// gateway when the connection is gone.
final class StreamSocketHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let gateway: StreamGateway
    private let ticket: String
    private var connectionId: Int?
    private var closing = false

    init(gateway: StreamGateway, ticket: String) {
        self.gateway = gateway
        self.ticket = ticket
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A connection that went away during the upgrade is never registered.
        guard context.channel.isActive else { return }
        connectionId = gateway.connected(context.channel, ticket: ticket)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id = connectionId {
            gateway.closed(id, channel: context.channel)
            connectionId = nil
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let text = String(buffer: frame.unmaskedData)
            if let id = connectionId { gateway.received(text, from: id, loop: context.eventLoop) }
        case .binary:
            gateway.badFrame()
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            receivedClose(context: context, frame: frame)
        default:
            break
        }
    }

    /// Answers a close frame with the same code, then closes; a second one just closes.
    private func receivedClose(context: ChannelHandlerContext, frame: WebSocketFrame) {
        guard !closing else {
            context.close(promise: nil)
            return
        }
        closing = true
        var data = frame.unmaskedData
        let code = data.readWebSocketErrorCode() ?? .normalClosure
        var reply = context.channel.allocator.buffer(capacity: 2)
        reply.write(webSocketErrorCode: code)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: reply)))
            .whenComplete { _ in channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
