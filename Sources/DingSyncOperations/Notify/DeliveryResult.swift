import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncReports
import DingSyncStore
import Foundation

/// What became of one notification on one channel.
public struct DeliveryResult: Sendable, Equatable {
    public var channel: String
    public var delivered: Bool
    /// "sent", or what went wrong and what to do.
    public var detail: String

    public init(channel: String, delivered: Bool, detail: String) {
        self.channel = channel
        self.delivered = delivered
        self.detail = detail
    }
}
