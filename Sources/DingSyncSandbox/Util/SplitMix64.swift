/// A seeded pseudo-random generator (SplitMix64): the same seed yields the same sequence on
/// every platform, which the dataset's determinism rests on.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (no reliance on the standard library's algorithm, which
    /// is not promised to stay the same).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next() % width)
    }

    mutating func int64(_ range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        if width == 0 { return Int64(truncatingIfNeeded: next()) }
        return range.lowerBound + Int64(next() % width)
    }

    /// A double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }

    /// Picks an index by weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    mutating func string(length: Int, alphabet: String) -> String {
        let chars = Array(alphabet)
        var s = ""
        for _ in 0..<length { s.append(chars[int(0...(chars.count - 1))]) }
        return s
    }

    mutating func digits(_ count: Int) -> String { string(length: count, alphabet: "0123456789") }
    mutating func alnum(_ count: Int) -> String {
        string(length: count, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    }
    mutating func hex(_ count: Int, upper: Bool = false) -> String {
        string(length: count, alphabet: upper ? "0123456789ABCDEF" : "0123456789abcdef")
    }
    mutating func lowerAlnum(_ count: Int) -> String {
        string(length: count, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")
    }
    /// A random version-4 UUID in lowercase.
    mutating func uuid4() -> String {
        let variant = string(length: 1, alphabet: "89ab")
        return "\(hex(8))-\(hex(4))-4\(hex(3))-\(variant)\(hex(3))-\(hex(12))"
    }
}
