import Foundation

/// `scripts/smtp-sink` on 127.0.0.1 with a fresh self-signed certificate (made with the
/// `openssl` command), AUTH required: the far end of the notification email tests.
final class SMTPSinkProcess: @unchecked Sendable {
    static let user = "robot@example.com"
    static let password = "sink-pass-1"

    let process = Process()
    let folder: String
    let certificate: String
    let port: Int
    private let outFile: String

    /// The `notification.email` keys that send to this sink over `tls`, logged in as ``user``
    /// (the password comes from ``environment``).
    func emailSection(tls: String, recipients: [String]) -> String {
        """
        email:
          enabled: true
          smtp_server: "127.0.0.1"
          smtp_port: \(port)
          tls: \(tls)
          username: "\(Self.user)"
          sender: "dingsync@example.com"
          recipients: [\(recipients.map { "\"\($0)\"" }.joined(separator: ", "))]
        """
    }

    /// What dingsync needs to log in to the sink and to trust its certificate.
    var environment: [String: String] {
        ["DINGSYNC_SMTP_PASSWORD": Self.password, "DINGSYNC_SMTP_CA_FILE": certificate]
    }

    /// `tls`: `starttls` or `ssl` (implicit TLS).
    init(tls: String) throws {
        folder = try CLIRunner.tempDirectory()
        certificate = folder + "/cert.pem"
        outFile = folder + "/messages.jsonl"
        let openssl = try CLIRunner.runTool(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", folder + "/key.pem", "-out", certificate, "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
            ])
        guard openssl == 0 else {
            throw SandboxFailure(
                "openssl could not make a test certificate (is openssl installed? scripts/install-deps)")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("scripts/smtp-sink").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script, "--port", "0", "--tls", tls, "--cert", certificate, "--key", folder + "/key.pem",
            "--user", Self.user, "--password", Self.password, "--out", outFile
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var buffer = Data()
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += chunk
        }
        let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        guard line.hasPrefix("listening on "), let value = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw SandboxFailure("smtp-sink did not start (needs python3): \(line)")
        }
        port = value
    }

    deinit {
        if process.isRunning {
            // SIGKILL: the test runner may hand its children a blocked SIGTERM
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Messages received so far.
    func messages() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}

extension CLIRunner {
    /// Runs a helper tool quietly and returns its exit status.
    static func runTool(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Reads a received email: headers, decoded subject and body.
struct ReceivedEmail {
    var headers: [String: String] = [:]
    var subject = ""
    var body = ""

    init(_ data: String) {
        let parts = data.components(separatedBy: "\r\n\r\n")
        var lastKey = ""
        for line in (parts.first ?? "").components(separatedBy: "\r\n") {
            if line.hasPrefix(" "), !lastKey.isEmpty {
                headers[lastKey, default: ""] += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                lastKey = String(line[..<colon])
                headers[lastKey] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        var subjectBytes = Data()
        for word in (headers["Subject"] ?? "").components(separatedBy: "\r\n ") {
            let trimmed = word.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("=?UTF-8?B?"), trimmed.hasSuffix("?="),
                let data = Data(base64Encoded: String(trimmed.dropFirst(10).dropLast(2)))
            {
                subjectBytes += data
            } else {
                subjectBytes += Data(trimmed.utf8)
            }
        }
        subject = String(decoding: subjectBytes, as: UTF8.self)
        let encoded = parts.dropFirst().joined(separator: "\r\n\r\n").components(separatedBy: "\r\n").joined()
        body = Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
