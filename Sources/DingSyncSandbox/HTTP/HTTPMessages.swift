/// One HTTP request as the simulator sees it: decoded path, query items, headers, body bytes.
struct SandboxRequest: Sendable {
    var method: String
    /// The percent-decoded path without the query, e.g. `/topapi/v2/user/get`.
    var path: String
    var queryItems: [(String, String)]
    /// Header names lowercased.
    var headers: [(String, String)]
    var body: [UInt8]
    var remoteAddress: String?
    /// Monotonic nanoseconds when the request's head was read off the socket (nil when built
    /// in a test): rate windows count arrivals, not the moment the call reached them.
    var arrivalNs: UInt64?

    init(
        method: String, uri: String, headers: [(String, String)], body: [UInt8], remoteAddress: String? = nil,
        arrivalNs: UInt64? = nil
    ) {
        self.method = method.uppercased()
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = parts.first.map(String.init) ?? "/"
        self.path = FormCoding.percentDecode(rawPath, plusAsSpace: false)
        self.queryItems = parts.count > 1 ? FormCoding.decode(String(parts[1])) : []
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
        self.remoteAddress = remoteAddress
        self.arrivalNs = arrivalNs
    }

    func query(_ name: String) -> String? {
        queryItems.first(where: { $0.0 == name })?.1
    }

    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.0 == lower })?.1
    }

    var contentType: String { header("content-type")?.lowercased() ?? "" }

    var isFormBody: Bool { contentType.hasPrefix("application/x-www-form-urlencoded") }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A response to send: status, extra headers, body.
struct SandboxResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static func json(_ value: JSONValue, status: Int = 200, headers: [(String, String)] = []) -> SandboxResponse {
        SandboxResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers,
            body: value.bytes)
    }

    static func text(_ text: String, status: Int, contentType: String = "text/plain; charset=utf-8") -> SandboxResponse
    {
        SandboxResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }

    func header(_ name: String) -> String? {
        headers.first(where: { $0.0.lowercased() == name.lowercased() })?.1
    }
}

/// What the server does with a request: the answer, how long to hold it back, and what to
/// run just before it is written (release a table, lower the in-flight counters).
struct Outcome: Sendable {
    /// nil closes the connection without answering.
    var response: SandboxResponse?
    var delayMs: Int = 0
    var completion: (@Sendable () -> Void)? = nil
    /// Send the body slowly (nil: all at once).
    var trickle: Trickle? = nil
}

/// `application/x-www-form-urlencoded` and query-string coding.
enum FormCoding {
    static func decode(_ text: String) -> [(String, String)] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(kv[0]), plusAsSpace: true)
            let value = kv.count > 1 ? percentDecode(String(kv[1]), plusAsSpace: true) : ""
            return (key, value)
        }
    }

    static func percentDecode(_ text: String, plusAsSpace: Bool) -> String {
        guard text.contains("%") || (plusAsSpace && text.contains("+")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var it = Array(text.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2,
                let h = hexValue(it[it.startIndex]), let l = hexValue(it[it.startIndex + 1])
            {
                bytes.append(h << 4 | l)
                it = it.dropFirst(2)
            } else if plusAsSpace, c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(format2: b)
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789ABCDEF")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
