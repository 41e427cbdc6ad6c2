import NIOConcurrencyHelpers

/// The sandbox's own base URL (`http://HOST:PORT`), known once it listens.
///
/// Named in answers (Bitable record links) and in the webhook URL.
final class SandboxAddress: Sendable {
    private let value = NIOLockedValueBox("")

    /// The base URL ("" until listening).
    var url: String { value.withLockedValue { $0 } }

    /// Sets the base URL once the server listens.
    func set(_ url: String) {
        value.withLockedValue { $0 = url }
    }
}
