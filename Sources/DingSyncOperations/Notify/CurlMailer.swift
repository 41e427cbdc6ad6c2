import CCurl
import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// Sends an email; never throws.
public protocol Mailer: Sendable {
    func send(_ email: EmailMessage, config: EmailConfig) async -> DeliveryResult
}

/// SMTP through libcurl: `smtp://` upgraded with STARTTLS (required unless `tls: none`) or
/// `smtps://` (implicit TLS, port 465 with `tls: auto`), AUTH when a username is set, the
/// server's certificate verified against the system's CAs.
///
/// `DINGSYNC_SMTP_CA_FILE` (environment) names an extra CA bundle to trust, for a server with
/// a private CA — and for the tests, whose local SMTP sink has a self-signed certificate.
/// Verification itself is never turned off.
public struct CurlMailer: Mailer {
    public static let channel = "email"
    let caFile: String?
    let timeout: Int

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, timeout: Int = 30) {
        let ca = environment["DINGSYNC_SMTP_CA_FILE"] ?? ""
        caFile = ca.isEmpty ? nil : ca
        self.timeout = timeout
    }

    /// The URL libcurl connects to, and whether STARTTLS is required.
    public static func endpoint(_ config: EmailConfig) -> (url: String, requireSTARTTLS: Bool) {
        let host =
            config.smtpServer.contains(":") && !config.smtpServer.hasPrefix("[")
            ? "[\(config.smtpServer)]" : config.smtpServer
        let implicit = config.tls == .ssl || (config.tls == .auto && config.smtpPort == 465)
        let scheme = implicit ? "smtps" : "smtp"
        return ("\(scheme)://\(host):\(config.smtpPort)", !implicit && config.tls != .none)
    }

    public func send(_ email: EmailMessage, config: EmailConfig) async -> DeliveryResult {
        let caFile = self.caFile
        let timeout = self.timeout
        return await withCheckedContinuation { continuation in
            // libcurl blocks: keep it off the cooperative pool.
            Thread.detachNewThread {
                let outcome = Self.perform(email, config: config, caFile: caFile, timeout: timeout)
                continuation.resume(returning: outcome)
            }
        }
    }

    private static let globalInit: CURLcode = dingsync_curl_global_init()

    static func perform(_ email: EmailMessage, config: EmailConfig, caFile: String?, timeout: Int) -> DeliveryResult {
        func failed(_ detail: String) -> DeliveryResult {
            DeliveryResult(channel: channel, delivered: false, detail: detail)
        }
        guard globalInit == CURLE_OK, let curl = curl_easy_init() else {
            return failed("libcurl could not be initialised")
        }
        defer { curl_easy_cleanup(curl) }
        let (url, requireTLS) = endpoint(config)
        let source = UploadSource(Array(email.rendered.utf8))
        let unmanaged = Unmanaged.passRetained(source)
        defer { unmanaged.release() }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in email.to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: dingsync_curl_error_size())
        errorBuffer.initialize(repeating: 0, count: dingsync_curl_error_size())
        defer { errorBuffer.deallocate() }

        var setup = [
            dingsync_curl_set_string(curl, CURLOPT_URL, url),
            dingsync_curl_set_string(curl, CURLOPT_MAIL_FROM, "<\(email.from)>"),
            dingsync_curl_set_list(curl, CURLOPT_MAIL_RCPT, recipients),
            dingsync_curl_set_long(curl, CURLOPT_UPLOAD, 1),
            dingsync_curl_set_read_callback(curl, uploadCallback),
            dingsync_curl_set_pointer(curl, CURLOPT_READDATA, unmanaged.toOpaque()),
            dingsync_curl_set_long(
                curl, CURLOPT_USE_SSL, requireTLS ? dingsync_curl_use_ssl_all() : dingsync_curl_use_ssl_none()),
            dingsync_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT, 10),
            dingsync_curl_set_long(curl, CURLOPT_TIMEOUT, timeout),
            dingsync_curl_set_long(curl, CURLOPT_NOSIGNAL, 1),
            dingsync_curl_set_pointer(curl, CURLOPT_ERRORBUFFER, errorBuffer)
        ]
        if !config.username.isEmpty {
            setup.append(dingsync_curl_set_string(curl, CURLOPT_USERNAME, config.username))
            setup.append(dingsync_curl_set_string(curl, CURLOPT_PASSWORD, config.password))
        }
        if let caFile { setup.append(dingsync_curl_set_string(curl, CURLOPT_CAINFO, caFile)) }
        if let bad = setup.first(where: { $0 != CURLE_OK }) {
            return failed("libcurl refused an option: \(String(cString: curl_easy_strerror(bad)))")
        }
        let code = curl_easy_perform(curl)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return failed("\(url): \(reason) — \(hint(for: code, config: config))")
        }
        return DeliveryResult(channel: channel, delivered: true, detail: "sent to \(email.to.joined(separator: ", "))")
    }

    /// What to do about a libcurl failure.
    static func hint(for code: CURLcode, config: EmailConfig) -> String {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST: return "check notification.email.smtp_server"
        case CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT:
            return
                "check notification.email.smtp_server and smtp_port, and that this machine may connect there (firewall)"
        case CURLE_LOGIN_DENIED:
            return
                "check notification.email.username and the password (DINGSYNC_SMTP_PASSWORD); some providers need an app password (授权码)"
        case CURLE_USE_SSL_FAILED:
            return "the server offers no STARTTLS: use port 465 with tls: ssl, or tls: none for a relay on this machine"
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return
                "the server's certificate is not trusted: fix its certificate, or point DINGSYNC_SMTP_CA_FILE at its CA bundle"
        case CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR:
            return
                "TLS failed: port \(config.smtpPort) may expect \(config.smtpPort == 465 ? "implicit TLS (tls: ssl)" : "STARTTLS (tls: starttls)")"
        case CURLE_SEND_ERROR, CURLE_WRITE_ERROR, CURLE_READ_ERROR, CURLE_ABORTED_BY_CALLBACK:
            return "the connection broke while sending; it is tried again with the next run's notification"
        default:
            return "check notification.email (server, port, tls, sender, recipients)"
        }
    }
}

/// The message bytes handed to libcurl's read callback.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

private let uploadCallback: dingsync_curl_read_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, source.bytes.count - source.offset)
    guard n > 0 else { return 0 }
    source.bytes.withUnsafeBufferPointer { all in
        guard let base = all.baseAddress else { return }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + source.offset, byteCount: n)
    }
    source.offset += n
    return n
}
