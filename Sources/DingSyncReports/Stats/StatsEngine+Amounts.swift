import DingSyncBasics
import DingSyncClients
import DingSyncPipeline
import DingSyncProcessing
import DingSyncStore
import Foundation

extension StatsEngine {
    /// Bucket bounds: 0 and the 1-2-5 series (1, 2, 5, 10, 20, 50, 100, … 5·10¹²).
    static let amountBounds: [Double] =
        [0] + (0...12).flatMap { power in [1.0, 2, 5].map { $0 * pow(10, Double(power)) } }

    /// Per template with amounts: count, min, median, p90, max, mean, total; instances by 1-2-5
    /// buckets [lower, upper) from the bound at or below the smallest amount to the first bound
    /// above the largest; and a suggested threshold (see ``AmountDistribution``). Negative
    /// amounts (refunds) are left out. Most amounts first.
    public static func amountDistributions(
        _ instances: [StatsInstance], names: [String: String],
        options: StatsOptions
    ) -> [AmountDistribution] {
        let withAmount = instances.filter { ($0.amount ?? -1) >= 0 }
        return Dictionary(grouping: withAmount, by: \.processCode).map { code, members in
            distribution(members, code: code, name: names[code] ?? code, options: options)
        }.sorted { ($0.count, $1.processCode) > ($1.count, $0.processCode) }
    }

    static func distribution(_ members: [StatsInstance], code: String, name: String, options: StatsOptions)
        -> AmountDistribution
    {
        let amounts = members.compactMap(\.amount)
        var result = AmountDistribution(
            processCode: code, name: name, count: amounts.count, minimum: amounts.min(),
            median: StatsMath.median(amounts),
            p90: StatsMath.percentile(amounts, 0.9), maximum: amounts.max(), mean: StatsMath.mean(amounts),
            total: StatsMath.total(amounts), buckets: [], suggestedThreshold: nil, decidedBelow: 0, approvedBelow: 0)
        guard let low = amounts.min(), let high = amounts.max() else { return result }
        let first = amountBounds.lastIndex { $0 <= low } ?? 0
        let last = amountBounds.firstIndex { $0 > high } ?? (amountBounds.count - 1)
        let bounds = Array(amountBounds[first...max(last, first + 1)])
        for (lower, upper) in zip(bounds, bounds.dropFirst()) {
            let inside = members.filter { ($0.amount ?? -1) >= lower && ($0.amount ?? -1) < upper }
            result.buckets.append(AmountBucket(lower: lower, upper: upper, counts: StatusCounts(inside)))
        }
        for threshold in bounds.dropFirst() {
            let decided = members.filter {
                ($0.amount ?? .infinity) < threshold && ($0.outcome == .approved || $0.outcome == .refused)
            }
            let approved = decided.filter { $0.outcome == .approved }.count
            if decided.count >= max(options.thresholdMinimumSample, 1),
                Double(approved) >= options.thresholdApprovalRate * Double(decided.count) - 1e-9
            {
                result.suggestedThreshold = threshold
                result.decidedBelow = decided.count
                result.approvedBelow = approved
            }
        }
        return result
    }
}
