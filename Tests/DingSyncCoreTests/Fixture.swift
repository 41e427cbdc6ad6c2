import Foundation

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// Loads JSON fixtures from `Fixtures/` and builds shared test values.
enum Fixture {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture \(name).json not found in the test bundle" }
    }

    /// The bytes of `Fixtures/<name>.json`.
    static func data(_ name: String) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Missing(name: name)
        }
        return try Data(contentsOf: url)
    }

    static func legacy(_ name: String, id: String, code: String = "PROC-LEGACY-0001") throws -> InstanceDetail {
        try InstanceDetail.decodeLegacy(data(name), instanceId: id, processCode: code)
    }

    static func new(
        _ name: String, id: String, code: String = "PROC-NEW-0001", reading: NewAPITimeReading = .local
    ) throws -> InstanceDetail {
        try InstanceDetail.decodeNewAPI(data(name), instanceId: id, processCode: code, timeReading: reading)
    }

    /// Names for every user id the fixtures use (except `ceo0001` and `admin001`, which stay unknown).
    static let names = NameLookup(
        users: ["0123456789012345": "王小明", "205937523932471911": "张伟", "manager8821": "李娜", "system": "系统"],
        departments: ["582976341": "平台组"])

    /// 2025-04-15 08:00:00 UTC.
    static let syncedAt = Date(timeIntervalSince1970: 1_744_704_000)
}

/// Epoch milliseconds of a date, for assertions.
func ms(_ date: Date?) -> Int64? {
    date.map(DingTalkTime.epochMilliseconds)
}
