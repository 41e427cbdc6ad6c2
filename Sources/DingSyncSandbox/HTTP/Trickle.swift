/// How to send an answer slowly (the `trickle` fault): the head at once, then the body in
/// pieces of `pieceBytes` with `intervalMs` between them, under a Content-Length covering
/// the whole body (a client cannot finish early).
struct Trickle: Sendable {
    var intervalMs: Int
    var pieceBytes: Int
    /// Called once when the answer ends: true when the last byte was written, false when the
    /// connection went away first (the sending then stopped).
    var onEnd: @Sendable (_ completed: Bool) -> Void
}
