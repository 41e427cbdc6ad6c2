import NIOConcurrencyHelpers

/// The knobs of `/__admin/settings` behind their own lock.
///
/// A call reads one snapshot when it arrives (`CallContext.settings`) and keeps it to the
/// end, so that an admin change never lands halfway through a call.
final class SettingsStore: @unchecked Sendable {
    private let lock = NIOLock()
    private let initial: Settings
    private var settings: Settings

    init(_ options: SandboxOptions) {
        initial = Settings(options)
        settings = initial
    }

    /// The settings now.
    var current: Settings { lock.withLock { settings } }

    /// Applies a partial update (`Settings.apply`); all or nothing. Returns the new settings.
    func apply(_ body: JSONValue) throws(AdminError) -> Settings {
        try lock.withLockTyped { () throws(AdminError) -> Settings in
            try settings.apply(body)
            return settings
        }
    }

    /// Revokes (`revoke == true`) or grants a scope; returns the revoked scopes, sorted.
    func setScope(_ scope: String, revoked revoke: Bool) -> [String] {
        lock.withLock {
            let name = Settings.canonicalScope(scope)
            if revoke { settings.revokedScopes.insert(name) } else { settings.revokedScopes.remove(name) }
            return settings.revokedScopes.sorted()
        }
    }

    /// Back to the start's settings (admin reset).
    func reset() {
        lock.withLock { settings = initial }
    }
}
