import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct StatsMathTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(StatsMath.median([5, 1, 3]) == 3)
        #expect(StatsMath.median([4, 1, 3, 2]) == 2.5)  // mean of the two middle values
        #expect(StatsMath.median([7]) == 7)
        #expect(StatsMath.median([]) == nil)
    }

    @Test func p90ByLinearInterpolation() {
        // sorted 1,2,3,4: h = 3 × 0.9 = 2.7 → x[2] + 0.7 × (x[3] − x[2]) = 3.7 (Excel PERCENTILE.INC)
        #expect(close(StatsMath.percentile([4, 2, 1, 3], 0.9), 3.7))
        // 1…10: h = 8.1 → 9 + 0.1 × 1 = 9.1
        #expect(close(StatsMath.percentile((1...10).map(Double.init), 0.9), 9.1))
        #expect(StatsMath.percentile([42], 0.9) == 42)
        #expect(StatsMath.percentile([], 0.9) == nil)
        #expect(StatsMath.percentile([1, 2, 3], 0) == 1)
        #expect(StatsMath.percentile([1, 2, 3], 1) == 3)
    }

    @Test func ratioOfNothingIsNoRate() {
        #expect(StatsMath.ratio(3, 4) == 0.75)
        #expect(StatsMath.ratio(0, 0) == nil)
        #expect(StatsMath.ratio(0, 5) == 0)
    }

    @Test func meanAndRounding() {
        #expect(StatsMath.mean([]) == nil)
        #expect(StatsMath.mean([1, 2, 6]) == 3)
        #expect(StatsMath.rounded(2.345, 2) == 2.35)
        #expect(StatsMath.rounded(-2.345, 2) == -2.35)
        #expect(StatsMath.rounded(.nan, 2) == nil)
        #expect(StatsMath.rounded(.infinity, 2) == nil)
    }

    @Test(arguments: [
        ("RUNNING", "", StatsOutcome.running), ("NEW", "", .running), ("COMPLETED", "agree", .approved),
        ("COMPLETED", "refuse", .refused), ("COMPLETED", "", .other), ("TERMINATED", "", .revoked),
        ("CANCELED", "", .cancelled), ("FINISHED", "agree", .approved), ("REVOKED", "", .revoked), ("ODD", "", .other)
    ])
    func outcomes(status: String, result: String, expected: StatsOutcome) {
        #expect(StatsOutcome(status: status, result: result) == expected)
    }
}
