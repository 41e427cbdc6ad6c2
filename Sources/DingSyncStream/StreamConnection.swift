import DingSyncBasics
import Foundation
import NIOCore
import NIOPosix
import WebSocketKit

/// One open Stream connection as `watch` sees it: send a text frame, close.
public protocol StreamSocket: Sendable {
    func send(_ text: String) async throws
    func close() async
}

/// Opens Stream connections; text frames and the close are reported through the two callbacks.
public protocol StreamConnector: Sendable {
    func connect(
        to ticket: StreamTicket, onText: @escaping @Sendable (String) -> Void,
        onClose: @escaping @Sendable (String) -> Void
    ) async throws -> any StreamSocket
}

/// The connection could not be opened (handshake refused, host unreachable, timeout).
public struct StreamConnectError: Error, LocalizedError, Equatable {
    public var endpoint: String
    public var reason: String
    public var errorDescription: String? { "cannot open the Stream connection to \(endpoint): \(reason)" }
}

/// The live connector: a WebSocket (ws:// or wss://, TLS through swift-nio-ssl) by WebSocketKit.
/// The only NIO code in the library; every HTTP call stays on `HTTPTransport`.
public struct StreamConnection: StreamConnector {
    let timeout: TimeInterval

    public init(timeout: TimeInterval = 30) {
        self.timeout = timeout
    }

    public func connect(
        to ticket: StreamTicket, onText: @escaping @Sendable (String) -> Void,
        onClose: @escaping @Sendable (String) -> Void
    ) async throws -> any StreamSocket {
        let box = SocketBox()
        let connecting = Self.start(url: ticket.url, box: box, onText: onText, onClose: onClose)
        do {
            try await withThrowingTaskGroup(of: Void.self) { race in
                race.addTask { try await connecting.get() }
                race.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(1, timeout) * 1_000_000_000))
                    throw StreamConnectError(endpoint: ticket.endpoint, reason: "no answer within \(Int(timeout)) s")
                }
                _ = try await race.next()
                race.cancelAll()
            }
        } catch let error as StreamConnectError {
            await box.abandon()
            throw error
        } catch {
            await box.abandon()
            throw StreamConnectError(endpoint: ticket.endpoint, reason: "\(error)")
        }
        // WebSocketKit may report the upgrade before it has run the upgrade callback: wait for the socket
        let deadline = Date().addingTimeInterval(5)
        while box.socket == nil, Date() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        guard let socket = box.socket else {
            await box.abandon()
            throw StreamConnectError(endpoint: ticket.endpoint, reason: "the WebSocket upgrade did not complete")
        }
        return WebSocketStreamSocket(socket: socket)
    }

    /// Starts the handshake (not async: the future-returning `connect`), registering the callbacks on upgrade.
    private static func start(
        url: String, box: SocketBox, onText: @escaping @Sendable (String) -> Void,
        onClose: @escaping @Sendable (String) -> Void
    ) -> EventLoopFuture<Void> {
        WebSocket.connect(
            to: url, configuration: .init(maxFrameSize: 1 << 22), on: MultiThreadedEventLoopGroup.singleton
        ) { socket in
            // a connection given up on (timeout) is closed as soon as it appears: no event goes to it
            guard box.set(socket) else {
                _ = socket.close(code: .goingAway)
                return
            }
            socket.onText { _, text in onText(text) }
            socket.onClose.whenComplete { _ in
                onClose("closed (\(socket.closeCode.map { "\($0)" } ?? "no close code"))")
            }
        }
    }
}

/// The socket handed over by the upgrade callback; once abandoned, a late socket is refused.
private final class SocketBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: WebSocket?
    private var abandoned = false

    /// Keeps the socket; false when the connection was given up on.
    func set(_ socket: WebSocket) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !abandoned else { return false }
        value = socket
        return true
    }

    var socket: WebSocket? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    /// Gives the connection up: a socket already here is closed, a later one refused.
    func abandon() async {
        let socket: WebSocket? = lock.withLock {
            abandoned = true
            defer { value = nil }
            return value
        }
        try? await socket?.close(code: .goingAway)
    }
}

private struct WebSocketStreamSocket: StreamSocket {
    let socket: WebSocket

    func send(_ text: String) async throws {
        try await socket.send(text)
    }

    func close() async {
        try? await socket.close(code: .normalClosure)
    }
}
