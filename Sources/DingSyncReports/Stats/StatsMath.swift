import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

/// The small numeric helpers every figure uses; all return nil rather than NaN or infinity.
public enum StatsMath {
    public static let millisecondsPerDay = 86_400_000.0
    public static let millisecondsPerHour = 3_600_000.0

    /// `part / whole`, nil when `whole` is zero (a rate of nothing is no rate, not 0 % and not NaN).
    public static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }

    /// The arithmetic mean, nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The `p`-th percentile (0…1) by linear interpolation between closest ranks, as Excel's
    /// PERCENTILE.INC and numpy's default do: sort ascending, h = (n − 1)·p, and take
    /// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). p = 0.5 is the usual median (the mean of the two
    /// middle values for an even count). Nil for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let clamped = min(max(p, 0), 1)
        let h = Double(sorted.count - 1) * clamped
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }

    /// The median: `percentile(values, 0.5)`.
    public static func median(_ values: [Double]) -> Double? { percentile(values, 0.5) }

    /// `value` rounded half away from zero to `places` decimals; nil for nil, NaN or infinity.
    public static func rounded(_ value: Double?, _ places: Int) -> Double? {
        guard let value, value.isFinite else { return nil }
        let scale = pow(10.0, Double(places))
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// The sum of the non-nil values, nil when there is none.
    static func total(_ values: [Double?]) -> Double? {
        let present = values.compactMap { $0 }
        return present.isEmpty ? nil : present.reduce(0, +)
    }
}
