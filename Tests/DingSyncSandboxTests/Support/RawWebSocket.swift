import Foundation

@testable import DingSyncSandbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A WebSocket client (RFC 6455, client side) over a plain socket, written for the tests: no
/// NIO and no client library. The handshake, masked frames out, and a reader thread that
/// collects the server's frames in order.
final class RawWebSocket: @unchecked Sendable {
    struct Frame: Sendable {
        var opcode: UInt8
        var payload: [UInt8]
        var text: String { String(decoding: payload, as: UTF8.self) }
        var json: JSONValue { (try? JSONValue.parse(payload)) ?? .null }
    }

    /// What a handshake got: a WebSocket, or a plain HTTP answer.
    enum Handshake: Sendable {
        case upgraded(RawWebSocket)
        case refused(status: Int, body: String)
    }

    static let textOp: UInt8 = 0x1
    static let closeOp: UInt8 = 0x8
    static let pingOp: UInt8 = 0x9
    static let pongOp: UInt8 = 0xA

    private let fd: Int32
    private let lock = NSLock()
    private var frames: [Frame] = []
    private var taken = 0
    private var ended = false
    private var stopped = false
    private var buffer: [UInt8]

    private init(fd: Int32, leftover: [UInt8]) {
        self.fd = fd
        buffer = leftover
        let thread = Thread { [self] in readLoop() }
        thread.start()
    }

    // MARK: Handshake

    /// `GET path` on 127.0.0.1:`port` with a WebSocket handshake.
    static func dial(port: Int, path: String, timeout: TimeInterval = 20) async throws -> Handshake {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(returning: try handshake(port: port, path: path, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func handshake(port: Int, path: String, timeout: TimeInterval) throws -> Handshake {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw TestFailure("connect() failed")
        }
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard sendAll(fd, Array(request.utf8)) else {
            close(fd)
            throw TestFailure("send() failed")
        }
        var received: [UInt8] = []
        var headEnd: Int?
        let started = Date()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while Date().timeIntervalSince(started) < timeout {
            if let end = headEnd {
                let head = String(decoding: received[0..<end], as: UTF8.self)
                let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                let rest = Array(received[(end + 4)...])
                if status == 101 { return .upgraded(RawWebSocket(fd: fd, leftover: rest)) }
                let length = contentLength(head) ?? 0
                if rest.count >= length {
                    close(fd)
                    return .refused(status: status, body: String(decoding: rest.prefix(length), as: UTF8.self))
                }
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += chunk[0..<n]
            if headEnd == nil { headEnd = find(received, [13, 10, 13, 10]) }
        }
        close(fd)
        throw TestFailure("no complete handshake answer within \(timeout) s")
    }

    private static func contentLength(_ head: String) -> Int? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    private static func find(_ bytes: [UInt8], _ needle: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for i in 0...(bytes.count - needle.count) where Array(bytes[i..<(i + needle.count)]) == needle { return i }
        return nil
    }

    private static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    // MARK: Frames out

    /// A masked frame, as a client must send it.
    func sendFrame(opcode: UInt8, payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        let n = payload.count
        if n < 126 {
            frame.append(0x80 | UInt8(n))
        } else if n < 65536 {
            frame += [0x80 | 126, UInt8(n >> 8), UInt8(n & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((n >> shift) & 0xFF)) }
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i % 4]) }
        guard Self.sendAll(fd, frame) else { throw TestFailure("send() failed: the connection is gone") }
    }

    func sendText(_ text: String) throws { try sendFrame(opcode: Self.textOp, payload: Array(text.utf8)) }

    /// Stops reading and hangs up (no close frame).
    func hangUp() {
        lock.withLock { stopped = true }
        shutdown(fd, Int32(SHUT_RDWR))
    }

    // MARK: Frames in

    /// The next frame not yet taken, waiting up to `timeout` s.
    func next(timeout: TimeInterval = 120) async throws -> Frame {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let frame = take() { return frame }
            if closedByServer { throw TestFailure("the server closed the connection") }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        throw TestFailure("no frame within \(timeout) s")
    }

    private func take() -> Frame? {
        lock.withLock {
            guard taken < frames.count else { return nil }
            taken += 1
            return frames[taken - 1]
        }
    }

    /// Frames not yet taken.
    var waiting: [Frame] { lock.withLock { Array(frames[taken...]) } }

    /// Takes every frame received and not yet taken, without waiting.
    func takeWaiting() -> [Frame] {
        lock.withLock {
            let rest = Array(frames[taken...])
            taken = frames.count
            return rest
        }
    }

    /// Whether the server has closed the TCP connection.
    var closedByServer: Bool { lock.withLock { ended && taken >= frames.count } }

    /// Every frame received so far (taken or not).
    var all: [Frame] { lock.withLock { frames } }

    /// Waits until the server has closed the connection (after every frame).
    func waitClosed(timeout: TimeInterval = 120) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ ended }) { return true }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return false
    }

    private func readLoop() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        parse()
        while true {
            if lock.withLock({ stopped }) { break }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            buffer += chunk[0..<n]
            parse()
        }
        lock.withLock { ended = true }
        close(fd)
    }

    /// Takes every whole frame off the buffer (the server sends unfragmented, unmasked frames).
    private func parse() {
        while buffer.count >= 2 {
            let b0 = buffer[0]
            let b1 = buffer[1]
            var length = Int(b1 & 0x7F)
            var index = 2
            if length == 126 {
                guard buffer.count >= 4 else { return }
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                index = 4
            } else if length == 127 {
                guard buffer.count >= 10 else { return }
                length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
                index = 10
            }
            var mask: [UInt8] = []
            if b1 & 0x80 != 0 {
                guard buffer.count >= index + 4 else { return }
                mask = Array(buffer[index..<(index + 4)])
                index += 4
            }
            guard buffer.count >= index + length else { return }
            var payload = Array(buffer[index..<(index + length)])
            if !mask.isEmpty {
                for i in payload.indices { payload[i] ^= mask[i % 4] }
            }
            buffer.removeFirst(index + length)
            lock.withLock { frames.append(Frame(opcode: b0 & 0x0F, payload: payload)) }
        }
    }
}
