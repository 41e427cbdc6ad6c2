import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// The report written by libxlsxwriter and read back by an independent reader (scripts/xlsx-inspect).
@Suite struct ReportWriterTests {
    let april = ReportMonth(year: 2025, month: 4)

    func aprilStatistics(_ dataset: StatsDataset = StatsFixture.dataset) -> Statistics {
        let zone = StatsFixture.shanghai
        var options = StatsFixture.options(from: nil, to: nil)
        options.from = april.start(in: zone)
        options.to = april.end(in: zone)
        return StatsEngine.compute(dataset.created(from: options.from, to: options.to), options: options)
    }

    @Test func sheetsCellsFormatsAndCharts() throws {
        let path = try temporaryFolder() + "/report-2025-04.xlsx"
        let charts = try ReportWriter.write(aprilStatistics(), month: april, to: path)
        #expect(charts == 3)
        let book = try XlsxInspector.inspect(path)
        #expect(
            book.sheets.map(\.name) == ["总体概览", "部门统计", "类别统计", "个人排行榜", "处理效率分析", "月度趋势", "审批人负载", "异常与瓶颈", "时效与超期"])
        #expect(book.charts == 3)
        for sheet in book.sheets {
            #expect(sheet.text("A1") == "审批统计月报 · 2025-04 · \(sheet.name)")
            #expect(
                sheet.text("A2")?.hasPrefix("创建时间 2025-04-01 00:00 至 2025-04-30 23:59（Asia/Shanghai）") == true,
                "\(sheet.name)")
            #expect(sheet.frozenRows >= 2, "\(sheet.name) keeps its title in view")
        }
        let overview = try #require(book["总体概览"])
        let created = try #require(overview.find("创建"))
        #expect(overview.number(overview.right(of: created)) == 8)  // i1…i8 (i9 is May)
        let passRate = try #require(overview.find("通过率（已同意 ÷ 已完结）"))
        #expect(close(overview.number(overview.right(of: passRate)), 4.0 / 7.0, 1e-6))
        #expect(overview.formats[overview.right(of: passRate)] == "0.0%")
        let amount = try #require(overview.find("金额合计"))
        #expect(overview.number(overview.right(of: amount)) == 6400)
        #expect(overview.formats[overview.right(of: amount)] == "#,##0.00")
        #expect(overview.charts.map(\.kind) == ["pieChart"])

        let departments = try #require(book["部门统计"])
        let rd = try #require(departments.find("研发部"))
        #expect(departments.number(departments.right(of: rd)) == 5)
        #expect(departments.charts.first?.kind == "barChart" && departments.charts.first?.direction == "bar")

        let trend = try #require(book["月度趋势"])
        #expect(trend.charts.first?.kind == "lineChart" && trend.charts.first?.series == 3)

        let efficiency = try #require(book["处理效率分析"])
        let median = try #require(efficiency.find("中位数（天）"))
        #expect(efficiency.number(efficiency.right(of: median)) == 2)  // April: 1/24, 0.5, 1, 2, 3, 4, 10
        #expect(efficiency.formats[efficiency.right(of: median)] == "0.00")

        let load = try #require(book["审批人负载"])
        #expect(load.find("审批人甲") != nil)
        let anomalies = try #require(book["异常与瓶颈"])
        #expect(anomalies.find("人事审批") != nil)
        #expect(book.sheets.allSatisfy { $0.cells.values.allSatisfy { !"\($0)".lowercased().contains("nan") } })
    }

    @Test func anEmptyMonthIsAReportThatSaysSo() throws {
        let path = try temporaryFolder() + "/empty.xlsx"
        let charts = try ReportWriter.write(aprilStatistics(StatsDataset()), month: april, to: path)
        let book = try XlsxInspector.inspect(path)
        #expect(book.sheets.count == 9)
        #expect(book["总体概览"]?.text("A3") == "本月（2025-04）没有审批实例：状态库中没有在此期间创建的实例。")
        let overview = try #require(book["总体概览"])
        #expect(overview.number(overview.right(of: try #require(overview.find("创建")))) == 0)
        let passRate = try #require(overview.find("通过率（已同意 ÷ 已完结）"))
        #expect(overview.text(overview.right(of: passRate)) == "—")
        #expect(book.charts == charts)
        #expect(book["总体概览"]?.charts.isEmpty == true)  // no pie of nothing
        #expect(book["月度趋势"]?.charts.count == 1)  // the trend still has its months
    }

    @Test func aMissingFolderIsAClearError() {
        #expect(
            throws: StatsError.cannotWrite(
                path: "/nonexistent-folder/x.xlsx", reason: "the folder /nonexistent-folder does not exist")
        ) {
            try ReportWriter.write(aprilStatistics(), month: april, to: "/nonexistent-folder/x.xlsx")
        }
    }

    @Test func writesThroughATemporaryFileRenamedIntoPlace() throws {
        let folder = try temporaryFolder()
        try ReportWriter.write(aprilStatistics(), month: april, to: folder + "/r.xlsx")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["r.xlsx"])
        // a target that cannot be replaced (a folder) fails with the reason and leaves no temporary file
        try FileManager.default.createDirectory(atPath: folder + "/taken.xlsx", withIntermediateDirectories: false)
        #expect(throws: StatsError.self) {
            try ReportWriter.write(aprilStatistics(), month: april, to: folder + "/taken.xlsx")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["r.xlsx", "taken.xlsx"])
    }

    @Test func everyPrintedPageHasItsHeaderRowAndANumber() throws {
        // 150 overdue instances: the overdue table runs over several printed pages
        var dataset = StatsFixture.dataset
        dataset.instances += (1...150).map { n in
            StatsInstance(
                id: "o\(n)", processCode: "PROC-B", businessId: "OV-\(n)", title: "张三提交的请假申请",
                createTime: StatsFixture.t("04-02 08:00") + Int64(n) * 60_000, applicantId: "u1", applicantName: "张三")
        }
        let statistics = aprilStatistics(dataset)
        #expect(statistics.overdue.count == 151)  // the 150 and i6
        let path = try temporaryFolder() + "/print.xlsx"
        try ReportWriter.write(statistics, month: april, to: path)
        let book = try XlsxInspector.inspect(path)
        for sheet in book.sheets {
            // the title and period rows repeat on every page; pages are numbered "第 n 页，共 N 页"
            #expect(sheet.printTitles?.hasSuffix("!$1:$2") == true, "\(sheet.name): \(sheet.printTitles ?? "none")")
            #expect(sheet.footer?.contains("&P") == true && sheet.footer?.contains("&N") == true, "\(sheet.name)")
            // a print scale that keeps text readable instead of one page at any size
            #expect(!sheet.fitToPage && sheet.printScale >= 50, "\(sheet.name): \(sheet.printScale)%")
        }
        let sla = try #require(book["时效与超期"])
        #expect(sla.rowBreaks.count >= 2, "\(sla.rowBreaks)")
        for brk in sla.rowBreaks {
            // the first row of every new page is the header row of the table that continues there
            let first = sla.text("A\(brk + 1)")
            #expect(first == "审批编号" || first?.hasPrefix("按审批人") == true, "row \(brk + 1): \(first ?? "empty")")
        }
        #expect(sla.cells.values.compactMap { $0 as? String }.filter { $0.hasPrefix("OV-") }.count == 150)
        // headers over numbers are right-aligned like the numbers; text headers are not
        let departments = try #require(book["部门统计"])
        let count = try #require(departments.find("实例数"))
        #expect(departments.alignedRight.contains(count))
        #expect(!departments.alignedRight.contains(try #require(departments.find("部门"))))
        // rates in colour, overdue figures in red
        #expect(departments.conditionalFormats.contains { $0.type == "colorScale" })
        #expect(sla.conditionalFormats.contains { $0.type == "cellIs" })
        #expect(sla.conditionalFormats.contains { $0.type == "colorScale" })
        // a one-table sheet freezes its header; a sheet of several tables only its title rows
        #expect(departments.frozenRows == 5 && book["异常与瓶颈"]?.frozenRows == 2)
    }
}
