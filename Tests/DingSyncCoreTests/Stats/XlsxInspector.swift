import Foundation

/// Reads an .xlsx back through `scripts/xlsx-inspect` (python3, zipfile + XML from the standard
/// library): an independent reader that shares no code with the writer.
enum XlsxInspector {
    struct Sheet {
        var name: String
        var cells: [String: Any]
        var formats: [String: String]
        var frozenRows: Int
        var charts: [(kind: String, direction: String?, series: Int)]
        /// How it prints.
        var alignedRight: Set<String> = []
        var printTitles: String?
        var footer: String?
        var rowBreaks: [Int] = []
        var printScale = 100
        var fitToPage = false
        var conditionalFormats: [(range: String, type: String)] = []

        func text(_ ref: String) -> String? { cells[ref] as? String }
        func number(_ ref: String) -> Double? { (cells[ref] as? NSNumber)?.doubleValue }
        /// The reference of the first cell whose text is `text`.
        func find(_ text: String) -> String? {
            cells.filter { ($0.value as? String) == text }.keys.sorted { order($0) < order($1) }.first
        }
        /// The cell `columns` to the right of `ref`.
        func right(of ref: String, _ columns: Int = 1) -> String {
            let letters = ref.prefix { $0.isLetter }
            let digits = ref.drop { $0.isLetter }
            let scalar = letters.unicodeScalars.first.map { $0.value } ?? 65
            return String(UnicodeScalar(scalar + UInt32(columns)).map(Character.init) ?? "A") + digits
        }
        private func order(_ ref: String) -> (Int, String) {
            (Int(ref.drop { $0.isLetter }) ?? 0, String(ref.prefix { $0.isLetter }))
        }
    }

    struct Workbook {
        var sheets: [Sheet]
        var charts: Int
        subscript(name: String) -> Sheet? { sheets.first { $0.name == name } }
    }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/xlsx-inspect").path
    }

    static func inspect(_ path: String) throws -> Workbook {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, path]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw InspectFailure(message: "xlsx-inspect failed: \(String(decoding: error, as: UTF8.self))")
        }
        let sheets = (json["sheets"] as? [[String: Any]] ?? []).map { s in
            Sheet(
                name: s["name"] as? String ?? "", cells: s["cells"] as? [String: Any] ?? [:],
                formats: s["formats"] as? [String: String] ?? [:],
                frozenRows: (s["frozen_rows"] as? NSNumber)?.intValue ?? 0,
                charts: (s["charts"] as? [[String: Any]] ?? []).map {
                    (
                        $0["kind"] as? String ?? "", $0["direction"] as? String,
                        ($0["series"] as? NSNumber)?.intValue ?? 0
                    )
                },
                alignedRight: Set(s["aligned_right"] as? [String] ?? []), printTitles: s["print_titles"] as? String,
                footer: s["footer"] as? String, rowBreaks: (s["row_breaks"] as? [NSNumber] ?? []).map(\.intValue),
                printScale: (s["print_scale"] as? NSNumber)?.intValue ?? 100,
                fitToPage: s["fit_to_page"] as? Bool ?? false,
                conditionalFormats: (s["conditional_formats"] as? [[String: Any]] ?? []).map {
                    ($0["range"] as? String ?? "", $0["type"] as? String ?? "")
                })
        }
        return Workbook(sheets: sheets, charts: (json["charts"] as? NSNumber)?.intValue ?? 0)
    }

    struct InspectFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A fresh temporary folder for a test.
func temporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("dingsync-stats-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
