import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct StatsOutputTests {
    let stats = StatsFixture.statistics()

    func json(_ s: Statistics) throws -> [String: Any] {
        let text = StatsFormatter.render(s, format: .json)
        return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func jsonCarriesTheFiguresWithNullsNotNaN() throws {
        let text = StatsFormatter.render(stats, format: .json)
        #expect(!text.lowercased().contains("nan") && !text.contains("inf"))
        let root = try json(stats)
        let overview = try #require(root["overview"] as? [String: Any])
        #expect(overview["created"] as? Int == 9)
        #expect(overview["approved"] as? Int == 4)
        #expect(overview["running"] as? Int == 2)
        #expect((overview["pass_rate"] as? NSNumber)?.doubleValue == 0.5714)
        let period = try #require(root["period"] as? [String: Any])
        #expect(period["from"] as? String == "2025-04-01T00:00:00+08:00")
        #expect(period["time_zone"] as? String == "Asia/Shanghai")
        let categories = try #require(root["by_category"] as? [[String: Any]])
        let sick = try #require(categories.first { $0["name"] as? String == "病假" })
        #expect(sick["pass_rate"] is NSNull)
        let efficiency = try #require(root["efficiency"] as? [String: Any])
        #expect((efficiency["p90_days"] as? NSNumber)?.doubleValue == 6.4)
        #expect((efficiency["median_days"] as? NSNumber)?.doubleValue == 2)
        let monthly = try #require(root["monthly"] as? [[String: Any]])
        #expect(monthly.map { $0["month"] as? String } == ["2025-04", "2025-05"])
        let anomalies = try #require(root["anomalies"] as? [String: Any])
        #expect((anomalies["duplicates"] as? [Any])?.isEmpty == true)
    }

    @Test func emptyStatisticsAreNullsInJSON() throws {
        let empty = StatsEngine.compute(StatsDataset(), options: StatsFixture.options())
        let root = try json(empty)
        let overview = try #require(root["overview"] as? [String: Any])
        #expect(overview["created"] as? Int == 0)
        #expect(overview["pass_rate"] is NSNull)
        #expect(overview["total_amount"] is NSNull)
        let efficiency = try #require(root["efficiency"] as? [String: Any])
        #expect(efficiency["mean_days"] is NSNull && efficiency["within_sla_share"] is NSNull)
    }

    @Test func tableShowsDashesForMissingFiguresAndMarksEmptyTables() {
        let empty = StatsEngine.compute(StatsDataset(), options: StatsFixture.options())
        let text = StatsFormatter.render(empty, format: .table)
        #expect(text.contains("== 总体概览 =="))
        #expect(text.contains("该期间没有审批实例。"))
        #expect(text.contains("—"))
        #expect(text.contains("（无）"))
        #expect(!text.lowercased().contains("nan"))
        let full = StatsFormatter.render(stats, format: .table)
        #expect(full.contains("创建时间 2025-04-01 00:00 至 2025-05-31 23:59（Asia/Shanghai）"))
        #expect(full.range(of: #"通过率（已同意 ÷ 已完结）\s+57\.1%"#, options: .regularExpression) != nil)
    }

    @Test func tableColumnsAlignForChineseText() {
        #expect(StatsFormatter.displayWidth("研发部") == 6)
        #expect(StatsFormatter.displayWidth("abc") == 3)
        #expect(StatsFormatter.displayWidth("（未填写）") == 10)
        let table = StatsTable(
            id: "t", title: "t", columns: ["部门", "n"], rows: [[.text("研发部"), .integer(5)], [.text("HR"), .integer(12)]])
        let lines = StatsFormatter.aligned(table, timeZone: StatsFixture.shanghai).split(separator: "\n").map(
            String.init)
        #expect(lines.map(StatsFormatter.displayWidth) == [10, 10, 10, 10])
        #expect(lines[2] == "研发部   5")
        #expect(lines[3] == "HR      12")
    }

    @Test func csvHasABOMAndOneBlockPerTable() {
        let text = StatsFormatter.render(stats, format: .csv)
        #expect(text.hasPrefix("\u{FEFF}"))
        #expect(text.contains("\r\n总体概览\r\n指标,数值\r\n创建,9\r\n"))
        #expect(text.contains("通过率（已同意 ÷ 已完结）,57.1%\r\n"))
        #expect(text.contains("\r\n部门统计\r\n排名,部门,实例数"))
    }

    @Test func csvQuotesWhatNeedsIt() {
        #expect(CSVText.field("a,b") == "\"a,b\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVText.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVText.field("plain 文本") == "plain 文本")
        #expect(CSVText.line(["a", "b,c"]) == "a,\"b,c\"\r\n")
    }
}
