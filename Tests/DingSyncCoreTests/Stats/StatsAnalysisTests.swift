import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Approver load, bottlenecks, anomalies and amounts, against hand-computed values.
@Suite struct StatsAnalysisTests {
    let stats = StatsFixture.statistics()

    @Test func approverLoad() {
        #expect(stats.approvers.map(\.name) == ["审批人甲", "审批人乙", "审批人丙"])
        let a1 = stats.approvers[0]
        #expect(a1.actions == 3 && a1.agreed == 2 && a1.refused == 1)
        #expect(a1.completedTasks == 3)
        #expect(close(a1.meanHoursToAct, (6.0 + 2 + 72) / 3))
        #expect(a1.pendingTasks == 1)  // i9
        let a2 = stats.approvers[1]
        #expect(a2.actions == 2 && a2.agreed == 2)  // normal + agent; the remark is not an action
        #expect(a2.completedTasks == 1 && close(a2.meanHoursToAct, 46))
        let a3 = stats.approvers[2]
        #expect(a3.actions == 0)  // the system's auto-approval is not theirs
        #expect(a3.meanHoursToAct == nil)  // no completed task: no mean
        #expect(a3.pendingTasks == 1)
    }

    @Test func runningInstancesWaitingLongest() {
        // now 05-02 01:00; i6 waits at 人事审批 since 04-20 13:00 (11.5 days), i9 at 主管审批 since 05-01 01:00 (1 day)
        #expect(stats.waiting.map(\.instanceId) == ["i6", "i9"])
        #expect(close(stats.waiting[0].waitingDays, 11.5))
        #expect(stats.waiting[0].node == "人事审批")
        #expect(stats.waiting[0].approvers == "审批人丙")
        #expect(stats.waiting[0].waitingSince == StatsFixture.t("04-20 13:00"))
        #expect(close(stats.waiting[1].waitingDays, 1))
        #expect(StatsEngine.waitingInstances(StatsFixture.dataset, now: StatsFixture.now, limit: 1).count == 1)
    }

    @Test func waitingFallsBackToTheLastActionThenCreation() {
        let instance = StatsInstance(
            id: "x", createTime: StatsFixture.t("05-01 00:00"), currentNode: "总经理（钱七）",
            lastActionTime: StatsFixture.t("05-01 12:00"))
        let rows = StatsEngine.waitingInstances(StatsDataset(instances: [instance]), now: StatsFixture.now, limit: 5)
        #expect(close(rows.first?.waitingDays, 13.0 / 24))
        #expect(rows.first?.node == "总经理（钱七）")
    }

    @Test func nodesSeparateFinishedVisitsFromStuckOnes() {
        // finished visits (days): 主管审批 i1 0.25, i2 2/24, i3 3 → median 0.25, p90 h = 1.8 → 0.25 + 0.8 × 2.75 = 2.45;
        // stuck: i9 1 day at 主管审批; 财务审批 i2 46/24 (finished); 人事审批 only i6, stuck 11.5 days
        let nodes = stats.slowNodes
        #expect(nodes.map(\.node) == ["财务审批", "主管审批", "人事审批"])
        #expect(close(nodes[0].medianDays, 46.0 / 24) && nodes[0].waitingNow == 0)
        #expect(close(nodes[1].medianDays, 0.25) && close(nodes[1].p90Days, 2.45))
        #expect(nodes[1].visits == 4 && nodes[1].finishedVisits == 3 && nodes[1].waitingNow == 1)
        #expect(close(nodes[1].longestWaitingDays, 1))
        #expect(nodes[1].templateName == "报销申请")
        // a node where nothing finished has no median (not the stuck wait), and says how long it is stuck
        #expect(nodes[2].medianDays == nil && nodes[2].finishedVisits == 0 && nodes[2].waitingNow == 1)
        #expect(close(nodes[2].longestWaitingDays, 11.5))
    }

    @Test func frequentRevocations() {
        let instances =
            (1...4).map {
                StatsInstance(
                    id: "r\($0)", status: "TERMINATED", createTime: Int64($0) * 1000, applicantId: "u9",
                    applicantName: "钱七")
            }
            + [
                StatsInstance(
                    id: "r5", status: "COMPLETED", result: "agree", createTime: 9000, applicantId: "u9",
                    applicantName: "钱七"),
                StatsInstance(id: "s1", status: "TERMINATED", createTime: 9000, applicantId: "u8", applicantName: "孙八")
            ]
        let rows = StatsEngine.frequentRevokers(instances, threshold: 3)
        #expect(rows.map(\.name) == ["钱七"])
        #expect(rows[0].revoked == 4 && rows[0].created == 5 && rows[0].share == 0.8)
        #expect(stats.frequentRevokers.isEmpty)  // 李四 revoked once
        #expect(StatsEngine.frequentRevokers(StatsFixture.instances, threshold: 1).map(\.name) == ["李四"])
    }

    @Test func likelyDuplicatesCompareFormContent() {
        func d(
            _ id: String, _ user: String, _ code: String, _ at: String, amount: Double?, status: String = "COMPLETED"
        ) -> StatsInstance {
            StatsInstance(
                id: id, processCode: code, title: code == "A" ? "张三提交的报销" : "张三提交的请假申请", status: status,
                result: "agree", createTime: StatsFixture.t(at), applicantId: user, applicantName: user, amount: amount)
        }
        let instances = [
            d("d1", "u1", "A", "06-01 10:00", amount: 100), d("d2", "u1", "A", "06-01 20:00", amount: 100),
            d("d3", "u1", "A", "06-01 21:00", amount: 200),  // other amount: not a duplicate, though the title is equal
            d("d4", "u1", "A", "06-02 10:30", amount: 100),  // 14.5 h after d2, 24.5 h after d1
            // same default title, no amount, no dates: titles alone never make a pair
            d("d5", "u1", "B", "06-01 09:00", amount: nil), d("d6", "u1", "B", "06-01 15:00", amount: nil),
            d("d7", "u2", "A", "06-01 10:00", amount: 100),  // someone else
            d("d8", "u1", "A", "06-01 11:00", amount: 100, status: "TERMINATED")  // withdrawn and sent again
        ]
        let pairs = StatsEngine.duplicates(instances, windowHours: 24)
        #expect(pairs.map { [$0.firstId, $0.secondId] } == [["d1", "d2"], ["d2", "d4"]])
        #expect(pairs.map(\.reason) == [.sameAmount, .sameAmount])
        #expect(close(pairs[0].hoursApart, 10) && close(pairs[1].hoursApart, 14.5))
        #expect(pairs[0].amount == 100)
        #expect(stats.duplicates.isEmpty)
    }

    @Test func durationsFarAboveTheTemplateNorm() {
        func f(_ id: String, _ code: String, days: Double) -> StatsInstance {
            StatsInstance(
                id: id, processCode: code, status: "COMPLETED", result: "agree", createTime: 0,
                finishTime: Int64(days * StatsMath.millisecondsPerDay))
        }
        let instances =
            (1...5).map { f("a\($0)", "A", days: 1) } + [f("slow", "A", days: 5), f("edge", "A", days: 3)]
            + (1...3).map { f("b\($0)", "B", days: 1) } + [f("b-slow", "B", days: 20)]  // B: 4 finished, no norm
            // 50× but only 0.49 days more
            + (1...5).map { f("c\($0)", "C", days: 0.01) } + [f("c-fast", "C", days: 0.5)]
        let rows = StatsEngine.slowInstances(instances, options: StatsFixture.options())
        // A: median of 1,1,1,1,1,3,5 = 1 → 5 > 3 × 1 and 4 days more; 3 is not above 3 × 1
        #expect(rows.map(\.instanceId) == ["slow"])
        #expect(rows[0].templateMedianDays == 1 && close(rows[0].factor, 5))
    }

    @Test func amountDistributionAndSuggestedThreshold() {
        func a(_ id: String, _ amount: Double, _ status: String, _ result: String = "") -> StatsInstance {
            StatsInstance(id: id, processCode: "A", status: status, result: result, createTime: 0, amount: amount)
        }
        var instances: [StatsInstance] = []
        instances += (1...10).map { a("x\($0)", 150, "COMPLETED", "agree") }
        instances += (1...9).map { a("y\($0)", 300, "COMPLETED", "agree") }
        instances.append(a("z", 600, "COMPLETED", "refuse"))
        instances +=
            (1...2).map { a("p\($0)", 1500, "COMPLETED", "agree") }
            + (1...3).map { a("q\($0)", 1500, "COMPLETED", "refuse") }
        instances += [a("r", 3000, "COMPLETED", "agree"), a("s", 4000, "RUNNING"), a("neg", -50, "COMPLETED", "agree")]
        let d = StatsEngine.amountDistributions(instances, names: [:], options: StatsFixture.options())
        #expect(d.count == 1)
        let dist = d[0]
        #expect(dist.count == 27)  // the refund (−50) is left out
        #expect(dist.minimum == 150 && dist.maximum == 4000)
        #expect(dist.median == 300)  // x[13] of 27
        #expect(dist.p90 == 1500)  // h = 23.4: x[23] = x[24] = 1500
        #expect(dist.total == 19300)
        #expect(close(dist.mean, 19300.0 / 27))
        #expect(dist.buckets.map(\.lower) == [100, 200, 500, 1000, 2000])
        #expect(dist.buckets.map(\.upper) == [200, 500, 1000, 2000, 5000])
        #expect(dist.buckets.map(\.counts.created) == [10, 9, 1, 5, 2])
        #expect(dist.buckets[3].decidedApprovalRate == 0.4)
        #expect(dist.buckets[4].decidedApprovalRate == 1)  // 3000 approved; 4000 still running
        // below 1000: 19 of 20 decided approved (95 %); below 2000: 21 of 25 (84 %)
        #expect(dist.suggestedThreshold == 1000)
        #expect(dist.decidedBelow == 20 && dist.approvedBelow == 19)
    }

    @Test func noThresholdWithoutEnoughDecidedInstances() {
        let few = (1...9).map {
            StatsInstance(id: "f\($0)", status: "COMPLETED", result: "agree", createTime: 0, amount: 100)
        }
        let d = StatsEngine.amountDistributions(few, names: [:], options: StatsFixture.options())
        #expect(d.first?.suggestedThreshold == nil)
        #expect(d.first?.buckets.map(\.lower) == [100])  // one bucket [100, 200)
        #expect(
            StatsEngine.amountDistributions(
                [StatsInstance(id: "n", createTime: 0)], names: [:], options: StatsFixture.options()
            ).isEmpty)
    }

    @Test func fixtureAmounts() {
        let a = stats.amounts.first { $0.processCode == "PROC-A" }
        #expect(a?.count == 6)  // 100, 200, 5000, 300, 800, 100
        #expect(a?.median == 250)
        #expect(a?.suggestedThreshold == nil)  // 4 decided: too few to suggest
        #expect(stats.amounts.count == 1)  // PROC-B has no amounts
    }
}
