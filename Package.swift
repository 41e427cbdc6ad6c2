// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dingsync",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dingsync", targets: ["dingsync"]),
        .library(name: "DingSyncCore", targets: ["DingSyncCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(
            name: "DingSyncCore",
            dependencies: [
                "CYaml",
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "dingsync",
            dependencies: [
                "DingSyncCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DingSyncCoreTests",
            dependencies: ["DingSyncCore"],
            resources: [.copy("Fixtures")]
        ),
        // Runs the built `dingsync` binary (and, later, the sandbox) as a user would.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["dingsync"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
