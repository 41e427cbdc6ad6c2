/// The admin routes of the Stream gateway: `/__admin/stream/*`.
extension AdminAPI {
    func stream(_ request: SandboxRequest, _ p: [String]) throws(AdminError) -> SandboxResponse {
        let m = request.method
        let stream = parts.stream
        let action = p.count > 1 ? p[1] : ""
        switch (m, action, p.count) {
        case ("GET", "", 1), ("GET", "connections", 2):
            return .json(stream.connectionsJSON())
        case ("POST", "drop", 2):
            let ids = try stream.drop(try connectionId(request))
            return ok([("dropped", .array(ids.map { .int($0) }))])
        case ("POST", "disconnect", 2):
            let spec = try body(request)
            var wait: Int?
            if let value = spec["close_after_ms"], !value.isNull {
                guard let ms = value.int64Value, ms >= 0, ms <= 3_600_000 else {
                    throw AdminError("close_after_ms must be an integer 0…3600000")
                }
                wait = Int(ms)
            }
            let ids = try stream.disconnect(try connectionId(request), closeAfterMs: wait)
            return ok([("disconnecting", .array(ids.map { .int($0) }))])
        case (_, "faults", 2):
            return try faults(request, stream)
        case ("GET", "counters", 2):
            return .json(stream.countersJSON())
        case ("POST", "counters", 3) where p[2] == "reset":
            stream.resetCounters()
            return ok()
        case ("GET", "events", 2):
            return .json(stream.pendingEventsJSON())
        default:
            throw AdminError(
                "unknown stream admin endpoint \(m) \(request.path); GET /__admin lists them", status: 404)
        }
    }

    /// `{"id": N}` (nil: every connection).
    private func connectionId(_ request: SandboxRequest) throws(AdminError) -> Int? {
        guard let value = try body(request)["id"], !value.isNull else { return nil }
        guard let id = value.lenientInt64, let small = Int(exactly: id) else {
            throw AdminError("id must be a connection id from GET /__admin/stream/connections")
        }
        return small
    }

    private func faults(_ request: SandboxRequest, _ stream: StreamGateway) throws(AdminError) -> SandboxResponse {
        switch request.method {
        case "GET":
            return ok([("pending", stream.faultsJSON())])
        case "DELETE":
            stream.clearFaults()
            return ok()
        case "POST":
            let spec = try body(request)
            guard let fault = spec["fault"]?.stringValue else {
                throw AdminError("fault is required: lose or duplicate")
            }
            let count = spec["count"]?.int64Value ?? 1
            guard count >= 1, count <= 1_000_000 else { throw AdminError("count must be 1…1000000") }
            return ok([("pending", try stream.addFault(fault, count: Int(count)))])
        default:
            throw AdminError("use GET, POST or DELETE", status: 405)
        }
    }
}
