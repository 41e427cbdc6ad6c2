import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation
import Logging

/// Sends a run's notification on every configured channel (Feishu bot, email) and logs what
/// became of each. A notification that cannot be sent is logged, never thrown: it must not
/// change the run's outcome or exit code.
public struct Notifier: Sendable {
    let config: NotificationConfig
    let transport: HTTPTransport
    let mailer: Mailer
    let logger: Logger
    let host: String

    public init(
        config: NotificationConfig, transport: HTTPTransport, mailer: Mailer = CurlMailer(), logger: Logger,
        host: String = Notifier.hostName
    ) {
        self.config = config
        self.transport = transport
        self.mailer = mailer
        self.logger = logger
        self.host = host
    }

    /// This machine's name, for messages (`gethostname`: no DNS lookup).
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// True when notifications are on and at least one channel is set.
    public var hasChannel: Bool {
        config.enabled && (!config.webhookURL.isEmpty || config.email.enabled)
    }

    /// Sends `message` on each channel; returns one result per channel tried.
    @discardableResult
    public func deliver(
        _ message: NotificationMessage, attachments: [EmailAttachment] = [], now: Date = Date()
    ) async -> [DeliveryResult] {
        guard config.enabled else { return [] }
        var results: [DeliveryResult] = []
        if !config.webhookURL.isEmpty {
            results.append(
                await FeishuBot(webhookURL: config.webhookURL, secret: config.secret, transport: transport).send(
                    message))
        }
        if config.email.enabled {
            var email = EmailMessage(message, config: config.email, date: now, host: host)
            email.attachments = attachments
            results.append(await mailer.send(email, config: config.email))
        }
        for result in results {
            if result.delivered {
                logger.info("notification (\(message.severity.rawValue)) via \(result.channel): \(result.detail)")
            } else {
                logger.error(
                    "notification (\(message.severity.rawValue)) via \(result.channel) could not be sent: \(result.detail). The run's outcome is unchanged; the message was: \(message.title)"
                )
            }
        }
        return results
    }
}
