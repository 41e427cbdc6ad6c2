/// An admin call refused: the message and the HTTP status (400 unless said otherwise).
struct AdminError: Error, Sendable {
    var message: String
    var status: Int
    init(_ message: String, status: Int = 400) {
        self.message = message
        self.status = status
    }
}
