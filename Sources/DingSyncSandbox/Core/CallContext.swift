/// One call being answered: what was asked, when, under which settings, what was decided.
///
/// Filled in by the gateway and by the part that answers the call.
struct CallContext {
    let endpoint: Endpoint
    let request: SandboxRequest
    let params: [String: String]
    /// The settings when the call arrived, kept to its end.
    let settings: Settings
    let nowMs: Int64
    let monoNs: UInt64
    /// When the request arrived (its head was read); rate windows count this instant.
    let arrivalNs: UInt64
    var failed = false
    var throttled = false
    var holdMs = 0
    /// The Bitable table the call addressed (for in-flight statistics).
    var touchedTable: BitTable?
    /// Whether the call occupies that table (accepted reads and writes do).
    var occupancy: Endpoint.TableAccess = .none
    /// Set by write handlers once their change is applied (a later timeout keeps it).
    var committed = false
    /// The `stuck_cursor` fault: a listing answers the request's cursor instead of the next.
    var stuckCursor = false

    func param(_ name: String) -> String { params[name] ?? "" }
}
