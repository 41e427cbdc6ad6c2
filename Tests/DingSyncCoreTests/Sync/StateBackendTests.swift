import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncProcessing
@testable import DingSyncStore

/// One factory picks the state's backend, its checkpoint store and its lock; read-only
/// commands open without migrating.
@Suite struct StateBackendTests {
    func config(in folder: String) -> Config {
        var config = Config()
        config.sync.stateDB = folder + "/dingsync.sqlite"
        config.sync.checkpointFile = folder + "/checkpoint.json"
        config.sync.lockFile = folder + "/dingsync.lock"
        return config
    }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backend-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func sqliteConfigurationGetsFileCheckpointsAndAFileLock() throws {
        let backend = StateBackend(config(in: try folder()))
        #expect(!backend.isServer)
        #expect(backend.lock() is RunLock)
        let (store, checkpoints) = try backend.open(.write)
        #expect(store.dialect == .sqlite)
        #expect(checkpoints.location.hasSuffix("/checkpoint.json"))
        try checkpoints.save(["P": Date(timeIntervalSince1970: 1_743_480_000)], now: Date())
        #expect(try backend.loadCheckpoints() == ["P": Date(timeIntervalSince1970: 1_743_480_000)])
    }

    @Test func readingNeedsAStateAndNeverCreatesOne() throws {
        let dir = try folder()
        let backend = StateBackend(config(in: dir))
        #expect(throws: StateMissingError.self) { _ = try backend.openStore(.read) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/dingsync.sqlite"))
        let dry = try backend.openStore(.dryRun)
        #expect(dry.path == ":memory:")
    }

    @Test func readingDoesNotMigrateAnOlderSchema() throws {
        let dir = try folder()
        let path = dir + "/dingsync.sqlite"
        let db = try SQLiteDatabase(path: path)
        try db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for statement in SQLiteSchema.steps[0].statements { try db.execute(statement) }
        try db.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        let backend = StateBackend(config(in: dir))
        #expect {
            _ = try backend.openStore(.read)
        } throws: { error in
            let schema = error as? SchemaVersionError
            return schema?.isOlder == true && schema?.localizedDescription.contains("run a sync") == true
        }
        #expect(try db.storedSchemaVersion() == 1, "a read-only open leaves the schema as it was")
        #expect(try backend.openStore(.write).storedVersion() == StateStore.schemaVersion, "a sync migrates it")
        #expect(try backend.openStore(.read).storedVersion() == StateStore.schemaVersion)
    }
}
