// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dingsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dingsync", targets: ["dingsync"]),
        .executable(name: "dingsync-sandbox", targets: ["dingsync-sandbox"]),
        .library(name: "DingSyncOperations", targets: ["DingSyncOperations"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 (row content hashes, the sandbox's ids) and HMAC-SHA256 (the Feishu bot
        // signature) from a maintained, audited implementation instead of a hand-written one.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The sandbox's HTTP server only; never linked into `dingsync`.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // `dingsync watch`'s DingTalk Stream connection only (WebSocket over swift-nio-ssl); every
        // HTTP call stays on URLSession through HTTPTransport (README, "Real time").
        .package(url: "https://github.com/vapor/websocket-kit", from: "2.16.2")
    ],
    targets: [
        .systemLibrary(
            name: "CYaml",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        // SMTP for notification email (libcurl: smtp:// with STARTTLS, smtps://, AUTH).
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // Excel reports (`dingsync report`, `export -o X.xlsx`): real .xlsx with formats and native charts.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]
        ),
        // The state store's MySQL/MariaDB backend (MariaDB Connector/C).
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"]), .brew(["mariadb-connector-c"])]
        ),
        // glibc's malloc.h (mallopt, malloc_trim) for MemoryTuning; no library to link.
        .systemLibrary(name: "CMalloc"),
        // The library, in layers: each target imports only the ones above it in this list, and the
        // compiler enforces it (README, "Code layout").
        //
        // 1. Basics: errors and exit status, time, JSON, hashing, logging, the configuration.
        .target(
            name: "DingSyncBasics",
            dependencies: [
                "CYaml", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        // 2. Processing: the approval model (both API families' details decoded into one) and its
        //    mapping to Bitable rows (SPEC 4); pure, no I/O.
        .target(name: "DingSyncProcessing", dependencies: ["DingSyncBasics"]),
        // 3. Store: the state database (SQLite or MySQL behind one seam), checkpoints, run locks.
        .target(name: "DingSyncStore", dependencies: ["DingSyncProcessing", "CSQLite", "CMariaDB"]),
        // 4. Clients: HTTP (transport, retry, rate limits, tokens), DingTalk, Feishu.
        .target(name: "DingSyncClients", dependencies: ["DingSyncProcessing"]),
        // 5. Pipeline: plans, the stages of a sync and the batch run composed from them.
        .target(name: "DingSyncPipeline", dependencies: ["DingSyncStore", "DingSyncClients"]),
        // 6. Reports: statistics over the mirror, xlsx/csv writers.
        .target(name: "DingSyncReports", dependencies: ["DingSyncPipeline", "CXlsxWriter"]),
        // 7. Operations: setup, doctor, notifications, alerts, the run with its lock and monitor.
        .target(name: "DingSyncOperations", dependencies: ["DingSyncReports", "CCurl"]),
        // Beside 5-7, for `dingsync watch` only. Stream: the DingTalk Stream gateway, its WebSocket
        // connection (the only NIO in the library), frames, acks, event payloads, dedupe, coalescing.
        .target(
            name: "DingSyncStream",
            dependencies: [
                "DingSyncClients", .product(name: "WebSocketKit", package: "websocket-kit"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]
        ),
        // 8. Watch: the watch loop (catch-up runs, events in batches under the run lock, reconnects).
        .target(name: "DingSyncWatch", dependencies: ["DingSyncOperations", "DingSyncStream"]),
        .executableTarget(
            name: "dingsync",
            dependencies: [
                "DingSyncOperations",
                "DingSyncWatch",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]
        ),
        // The simulator of DingTalk and Feishu: shares no code with the DingSync* library (DESIGN.md).
        .target(
            name: "DingSyncSandbox",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The Stream gateway's WebSocket (DingTalk Stream mode, reference §11).
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // A library both link, not shared code: the sandbox still imports nothing of the library.
                .product(name: "Crypto", package: "swift-crypto")
            ]
        ),
        .executableTarget(
            name: "dingsync-sandbox",
            dependencies: [
                "DingSyncSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        .testTarget(
            name: "DingSyncSandboxTests",
            dependencies: ["DingSyncSandbox"]
        ),
        // Test helpers shared by the test targets: the store's backends (a MySQL test server).
        .target(
            name: "TestSupport",
            dependencies: ["DingSyncOperations"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "DingSyncCoreTests",
            dependencies: ["DingSyncOperations", "DingSyncStream", "DingSyncWatch", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built `dingsync` binary (and, later, the sandbox) as a user would.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["dingsync", "dingsync-sandbox", "DingSyncOperations", "TestSupport"]
        )
    ],
    swiftLanguageModes: [.v6]
)
