import DingSyncBasics
import Foundation

/// One HTTP transport per host a run talks to, chosen by whoever builds the run.
///
/// In production DingTalk and Feishu each get a URLSession of their own: a session sends and
/// receives on one queue, and a 1,000-row Feishu batch write (a megabyte each way) would
/// otherwise hold back DingTalk calls the rate limiter has already released, so that they
/// arrive bunched and get throttled. Tests pass one transport for all.
public struct Transports: Sendable {
    /// DingTalk, both API families.
    public var dingtalk: HTTPTransport
    /// Feishu: Bitable and the group bot's webhook.
    public var feishu: HTTPTransport

    public init(dingtalk: HTTPTransport, feishu: HTTPTransport) {
        self.dingtalk = dingtalk
        self.feishu = feishu
    }

    /// A URLSession per platform.
    public static func live() -> Transports {
        Transports(dingtalk: URLSessionTransport(), feishu: URLSessionTransport())
    }

    /// One transport for every host (tests, a proxy that must see everything).
    public static func shared(_ transport: HTTPTransport) -> Transports {
        Transports(dingtalk: transport, feishu: transport)
    }
}
