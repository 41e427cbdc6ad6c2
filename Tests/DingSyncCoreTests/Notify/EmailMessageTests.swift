import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Decodes a header of RFC 2047 `B` words (as a mail reader would).
private func decodeHeader(_ header: String) -> String? {
    var bytes = Data()
    for word in header.components(separatedBy: "\r\n ") {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
            let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
        else { return nil }
        // every word must be whole characters on its own
        guard String(data: data, encoding: .utf8) != nil else { return nil }
        bytes += data
    }
    return String(data: bytes, encoding: .utf8)
}

@Suite struct EmailMessageTests {
    @Test func asciiSubjectStaysReadable() {
        #expect(EmailMessage.encodedHeader("dingsync: the run failed (exit 2)") == "dingsync: the run failed (exit 2)")
    }

    @Test func utf8SubjectIsEncodedInWholeCharacterWordsOfAtMost75() throws {
        let subject = "dingsync: the incremental run failed (exit 2) · 同步失败，请检查钉钉应用的权限与飞书多维表格的字段设置"
        let header = EmailMessage.encodedHeader(subject)
        let words = header.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.count <= 75 })
        #expect(try #require(decodeHeader(header)) == subject)
        // a newline cannot smuggle in a header
        #expect(!EmailMessage.encodedHeader("a\r\nBcc: x@y.z 同步").contains("\r\nBcc"))
    }

    @Test func renderedMessageHasHeadersAndABase64Body() throws {
        let message = NotificationMessage(
            severity: .partial, title: "dingsync: 2 instance(s) could not be synced (exit 1) · 部分失败",
            facts: [("Failed", "inst1: HTTP 500")], fixes: ["retried next run"], footer: "dingsync · host")
        var config = EmailConfig()
        config.sender = "dingsync@example.com"
        config.recipients = ["ops@example.com", "boss@example.com"]
        let email = EmailMessage(
            message, config: config, date: Date(timeIntervalSince1970: 1_743_566_400), host: "sync01")
        let text = email.rendered
        let parts = text.components(separatedBy: "\r\n\r\n")
        #expect(parts.count == 2)
        let headers = parts[0].components(separatedBy: "\r\n")
        #expect(headers.contains("From: dingsync@example.com"))
        #expect(headers.contains("To: ops@example.com, boss@example.com"))
        #expect(headers.contains("Content-Type: text/plain; charset=UTF-8"))
        #expect(headers.contains("Content-Transfer-Encoding: base64"))
        #expect(headers.contains { $0.hasPrefix("Date: ") })
        #expect(
            EmailMessage.rfc5322Date(email.date, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
                == "Wed, 02 Apr 2025 12:00:00 +0800")
        #expect(headers.contains { $0.hasPrefix("Message-ID: <") && $0.hasSuffix(".sync01@example.com>") })
        let subjectLines = parts[0].components(separatedBy: "\r\nDate:")[0].components(separatedBy: "Subject: ")[1]
        #expect(decodeHeader(subjectLines) == message.title)
        let bodyLines = parts[1].trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\r\n")
        #expect(bodyLines.allSatisfy { $0.count <= 76 })
        let body = try #require(Data(base64Encoded: bodyLines.joined()).flatMap { String(data: $0, encoding: .utf8) })
        #expect(body == message.plainText.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(body.contains("Failed: inst1: HTTP 500\r\n"))
    }

    @Test func fromDefaultsToTheUsername() {
        var config = EmailConfig()
        config.username = "robot@example.com"
        #expect(config.fromAddress == "robot@example.com")
        config.sender = "dingsync@example.com"
        #expect(config.fromAddress == "dingsync@example.com")
    }

    @Test func tlsSettingChoosesTheURLAndSTARTTLS() {
        var config = EmailConfig()
        config.smtpServer = "smtp.example.com"
        config.smtpPort = 587
        #expect(CurlMailer.endpoint(config) == ("smtp://smtp.example.com:587", true))
        config.smtpPort = 465
        #expect(CurlMailer.endpoint(config) == ("smtps://smtp.example.com:465", false))
        config.tls = .starttls
        #expect(CurlMailer.endpoint(config) == ("smtp://smtp.example.com:465", true))
        config.tls = .ssl
        config.smtpPort = 2465
        #expect(CurlMailer.endpoint(config) == ("smtps://smtp.example.com:2465", false))
        config.tls = .none
        config.smtpPort = 25
        #expect(CurlMailer.endpoint(config) == ("smtp://smtp.example.com:25", false))
    }

    @Test func unreachableServerIsADeliveryFailureNotAnError() async {
        var config = EmailConfig()
        config.smtpServer = "127.0.0.1"
        config.smtpPort = 9
        config.tls = .none
        config.sender = "a@example.com"
        config.recipients = ["b@example.com"]
        let email = EmailMessage(
            from: "a@example.com", to: ["b@example.com"], subject: "s", body: "b", date: Date(), messageID: "<x@y>")
        let result = await CurlMailer(environment: [:], timeout: 5).send(email, config: config)
        #expect(!result.delivered)
        #expect(result.detail.contains("smtp://127.0.0.1:9"))
        #expect(result.detail.contains("smtp_port"))
    }
}
