import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server on SwiftNIO: keep-alive, pipelining assistance, whole-body
/// requests, and answers that may be held back (latency, write holds) with the event loop's
/// scheduler instead of a sleeping thread.
///
/// Requests are handled on a thread pool, not on the event loops: a slow request (a
/// 1,000-record batch write) then never keeps a loop from reading the next request's head,
/// so each request's arrival is stamped when it arrives, as a platform gateway counts it.
///
/// Every answer carries a `Date` header from `clock` (the sandbox clock, epoch ms), unless the
/// response sets its own.
final class HTTPServer: Sendable {
    typealias Handler = @Sendable (SandboxRequest) -> Outcome
    typealias Clock = @Sendable () -> Int64

    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool
    let channel: any Channel
    let port: Int

    private init(group: MultiThreadedEventLoopGroup, pool: NIOThreadPool, channel: any Channel, port: Int) {
        self.group = group
        self.pool = pool
        self.channel = channel
        self.port = port
    }

    static let maxBodyBytes = 32 * 1024 * 1024

    /// Starts listening. With `webSocket`, a request it accepts is upgraded to a WebSocket
    /// (the request must be the connection's first).
    static func start(
        host: String, port: Int, threads: Int, clock: @escaping Clock, webSocket: WebSocketHook? = nil,
        handler: @escaping Handler
    ) async throws -> HTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let pool = NIOThreadPool(numberOfThreads: max(2, threads))
        pool.start()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(
                        withServerUpgrade: webSocket?.serverUpgrade(removing: RequestHandler.name),
                        withErrorHandling: true)
                    try sync.addHandler(
                        RequestHandler(handler: handler, clock: clock, pool: pool), name: RequestHandler.name)
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            guard let boundPort = channel.localAddress?.port else {
                try? await channel.close()
                throw SandboxError.bindFailed("no local port after bind")
            }
            return HTTPServer(group: group, pool: pool, channel: channel, port: boundPort)
        } catch {
            try? await group.shutdownGracefully()
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    func shutdown() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
        try await pool.shutdownGracefully()
    }
}

/// Collects one request, asks the handler, writes the answer (now or after a delay).
private final class RequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Its name in the pipeline (a WebSocket upgrade removes it).
    static let name = "sandbox.request"

    private let handler: HTTPServer.Handler
    private let clock: HTTPServer.Clock
    private let pool: NIOThreadPool
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var tooLarge = false
    private var arrivalNs: UInt64 = 0

    init(handler: @escaping HTTPServer.Handler, clock: @escaping HTTPServer.Clock, pool: NIOThreadPool) {
        self.handler = handler
        self.clock = clock
        self.pool = pool
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            arrivalNs = NIODeadline.now().uptimeNanoseconds
            body = nil
            tooLarge = false
        case .body(var chunk):
            if (body?.readableBytes ?? 0) + chunk.readableBytes > HTTPServer.maxBodyBytes {
                tooLarge = true
            } else if body == nil {
                body = chunk
            } else {
                body?.writeBuffer(&chunk)
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let keepAlive = head.isKeepAlive
            if tooLarge {
                respond(
                    context: context, outcome: Outcome(response: .text("request body too large", status: 413)),
                    keepAlive: false, version: head.version)
                return
            }
            let request = SandboxRequest(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: bytes,
                remoteAddress: context.channel.remoteAddress?.ipAddress, arrivalNs: arrivalNs)
            let version = head.version
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            pool.runIfActive(eventLoop: context.eventLoop) { [handler] in handler(request) }
                .whenComplete { result in
                    let (this, ctx) = bound.value
                    switch result {
                    case .success(let outcome):
                        this.respond(context: ctx, outcome: outcome, keepAlive: keepAlive, version: version)
                    case .failure:
                        // The pool is shutting down: close the connection unanswered.
                        ctx.close(promise: nil)
                    }
                }
        }
    }

    private func respond(context: ChannelHandlerContext, outcome: Outcome, keepAlive: Bool, version: HTTPVersion) {
        if outcome.delayMs <= 0 {
            write(context: context, outcome: outcome, keepAlive: keepAlive, version: version)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(Int64(outcome.delayMs))) {
            let (handler, ctx) = bound.value
            handler.write(context: ctx, outcome: outcome, keepAlive: keepAlive, version: version)
        }
    }

    private func write(context: ChannelHandlerContext, outcome: Outcome, keepAlive: Bool, version: HTTPVersion) {
        // Release the call's hold (tables, in-flight counters) before the answer leaves, so
        // that a client's next call, sent as soon as it reads the answer, never sees it.
        outcome.completion?()
        guard context.channel.isActive else {
            outcome.trickle?.onEnd(false)
            return
        }
        guard let response = outcome.response else {
            context.close(promise: nil)
            return
        }
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        if !headers.contains(name: "Date") { headers.add(name: "Date", value: TimeFormat.httpDate(clock())) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let responseHead = HTTPResponseHead(
            version: version, status: HTTPResponseStatus(statusCode: response.status),
            headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        if let trickle = outcome.trickle {
            context.flush()
            sendPiece(context: context, rest: buffer, trickle: trickle, keepAlive: keepAlive)
            return
        }
        if buffer.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        end(context: context, keepAlive: keepAlive, promise: nil)
    }

    /// Writes the response's end; closes the connection afterwards unless it is kept alive.
    private func end(context: ChannelHandlerContext, keepAlive: Bool, promise: EventLoopPromise<Void>?) {
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { result in
                promise?.completeWith(result)
                channel.close(promise: nil)
            }
        }
    }

    /// The `trickle` fault: one piece of the body now, the next after the interval (scheduled
    /// on the event loop, nothing sleeps); stops when the connection is gone.
    private func sendPiece(context: ChannelHandlerContext, rest: ByteBuffer, trickle: Trickle, keepAlive: Bool) {
        guard context.channel.isActive else {
            trickle.onEnd(false)
            return
        }
        var rest = rest
        let piece = rest.readSlice(length: min(trickle.pieceBytes, rest.readableBytes)) ?? ByteBuffer()
        if rest.readableBytes == 0 {
            if piece.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(piece))), promise: nil) }
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenComplete { result in
                if case .success = result { trickle.onEnd(true) } else { trickle.onEnd(false) }
            }
            end(context: context, keepAlive: keepAlive, promise: promise)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let remaining = rest
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(piece)))).whenComplete { result in
            let ctx = bound.value.1
            guard case .success = result else {
                // The client went away (a write to a closed socket fails): stop.
                trickle.onEnd(false)
                ctx.close(promise: nil)
                return
            }
            ctx.eventLoop.scheduleTask(in: .milliseconds(Int64(trickle.intervalMs))) {
                let (handler, ctx) = bound.value
                handler.sendPiece(context: ctx, rest: remaining, trickle: trickle, keepAlive: keepAlive)
            }
        }
    }
}

/// Errors when starting or configuring the sandbox.
public enum SandboxError: Error, CustomStringConvertible, Sendable {
    case bindFailed(String)
    case invalidOption(String)
    case io(String)

    public var description: String {
        switch self {
        case .bindFailed(let m): return "cannot listen: \(m)"
        case .invalidOption(let m): return "invalid option: \(m)"
        case .io(let m): return m
        }
    }
}
