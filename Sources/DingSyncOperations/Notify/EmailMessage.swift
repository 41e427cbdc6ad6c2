import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// A file attached to an email (a digest's workbook).
public struct EmailAttachment: Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var data: Data

    public init(fileName: String, contentType: String, data: Data) {
        self.fileName = fileName
        self.contentType = contentType
        self.data = data
    }

    /// An .xlsx workbook.
    public static func workbook(_ fileName: String, _ data: Data) -> EmailAttachment {
        EmailAttachment(
            fileName: fileName, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            data: data)
    }
}

/// A plain-text email (RFC 5322) with a UTF-8 subject (RFC 2047 encoded words) and a UTF-8
/// body in base64, so that Chinese text survives every relay; with attachments it is
/// `multipart/mixed` (RFC 2046): the text part first, then each file in base64. Pure.
public struct EmailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Date
    public var messageID: String
    public var attachments: [EmailAttachment] = []

    public init(from: String, to: [String], subject: String, body: String, date: Date, messageID: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
    }

    /// The notification as an email from `config`.
    public init(_ message: NotificationMessage, config: EmailConfig, date: Date, host: String) {
        let domain = config.fromAddress.split(separator: "@").last.map(String.init) ?? "dingsync.invalid"
        self.init(
            from: config.fromAddress, to: config.recipients, subject: message.title, body: message.plainText,
            date: date, messageID: "<\(UUID().uuidString.lowercased()).\(host.isEmpty ? "dingsync" : host)@\(domain)>")
    }

    /// The message as sent after DATA: headers and body with CRLF line ends.
    public var rendered: String {
        var headers = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedHeader(subject))",
            "Date: \(Self.rfc5322Date(date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0"
        ]
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let text = Self.base64Lines(Data(normalized.utf8))
        let textHeaders = ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"]
        guard !attachments.isEmpty else {
            headers += textHeaders + ["X-Mailer: dingsync \(DingSyncVersion.current)"]
            return headers.joined(separator: "\r\n") + "\r\n\r\n" + text + "\r\n"
        }
        // a boundary that cannot occur in base64 text or in the headers above
        let boundary = "=_dingsync_\(messageID.filter { $0.isLetter || $0.isNumber }.prefix(32))"
        headers += [
            "Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "X-Mailer: dingsync \(DingSyncVersion.current)"
        ]
        var parts = [textHeaders.joined(separator: "\r\n") + "\r\n\r\n" + text]
        for file in attachments {
            let name = Self.encodedHeader(file.fileName)
            parts.append(
                [
                    "Content-Type: \(file.contentType); name=\"\(name)\"",
                    "Content-Disposition: attachment; filename=\"\(name)\"",
                    "Content-Transfer-Encoding: base64"
                ].joined(separator: "\r\n") + "\r\n\r\n" + Self.base64Lines(file.data))
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\nThis is a MIME multipart message.\r\n"
            + parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n"
    }

    /// ASCII text as is; anything else as `=?UTF-8?B?…?=` words of at most 75 characters,
    /// split between characters (never inside one), folded onto continuation lines.
    public static func encodedHeader(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII && !$0.isNewline }) { return text }
        var words: [String] = []
        var chunk = Data()
        // 45 bytes → 60 base64 characters → 72 with the "=?UTF-8?B?" "?=" frame.
        for character in text where !character.isNewline {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Base64 in lines of 76 characters (RFC 2045).
    static func base64Lines(_ data: Data) -> String {
        let encoded = Array(data.base64EncodedString())
        return stride(from: 0, to: encoded.count, by: 76).map { String(encoded[$0..<min($0 + 76, encoded.count)]) }
            .joined(separator: "\r\n")
    }

    /// `Tue, 01 Apr 2025 12:00:00 +0800` (in the machine's zone).
    static func rfc5322Date(_ date: Date, timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}
