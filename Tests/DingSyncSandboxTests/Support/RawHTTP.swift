import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One HTTP/1.1 exchange over a plain socket, timed: when the head arrived, when each
/// piece of the body arrived. URLSession hides both, and cannot hang up half-way.
struct RawExchange: Sendable {
    var head: String = ""
    var body: [UInt8] = []
    /// Seconds from sending the request to the end of the head.
    var headAfter: TimeInterval = -1
    /// Seconds from sending the request to each read of body bytes.
    var pieceTimes: [TimeInterval] = []
    /// The body was read up to Content-Length.
    var complete = false

    var contentLength: Int? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return nil
    }

    func header(_ name: String) -> String? {
        for line in head.split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

enum RawHTTP {
    /// Sends `request` to 127.0.0.1:`port`, reads the head and then the body until
    /// Content-Length, or only `bodyBytesBeforeClose` body bytes and then hangs up.
    /// Runs on a Dispatch thread (blocking reads), never on the test's executor.
    static func exchange(
        port: Int, request: String, bodyBytesBeforeClose: Int? = nil,
        timeout: TimeInterval = 30
    ) async throws -> RawExchange {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    continuation.resume(
                        returning: try run(port: port, request: request, limit: bodyBytesBeforeClose, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func run(port: Int, request: String, limit: Int?, timeout: TimeInterval) throws -> RawExchange {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw TestFailure("connect() failed") }
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw TestFailure("send() failed") }
        let started = Date()
        var result = RawExchange()
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while Date().timeIntervalSince(started) < timeout {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            let elapsed = Date().timeIntervalSince(started)
            if result.headAfter < 0 {
                buffer += chunk[0..<n]
                guard let end = headEnd(buffer) else { continue }
                result.head = String(decoding: buffer[0..<end], as: UTF8.self)
                result.headAfter = elapsed
                result.body = Array(buffer[(end + 4)...])
                if !result.body.isEmpty { result.pieceTimes.append(elapsed) }
            } else {
                result.body += chunk[0..<n]
                result.pieceTimes.append(elapsed)
            }
            if let limit, result.body.count >= limit { return result }
            if let length = result.contentLength, result.body.count >= length {
                result.complete = true
                return result
            }
        }
        return result
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}
