// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PoolLedger",
    products: [
        .library(name: "PoolMath", targets: ["PoolMath"]),
        .library(name: "PoolLedger", targets: ["PoolLedger"]),
        .library(name: "DurableLedger", targets: ["DurableLedger"]),
        .library(name: "Fixtures", targets: ["Fixtures"]),
        .library(name: "LedgerReport", targets: ["LedgerReport"]),
        .executable(name: "poolledger", targets: ["poolledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // SQLite (the system libsqlite3) for the durable event log.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Test-only: the BigInt oracle and property-based testing.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Pure integer math: 256-bit integers and the constant-product formulas. No events, no I/O.
        .target(name: "PoolMath", dependencies: ["LimbDivide"]),
        // One machine division (128 by 64 bits) for PoolMath's long division: C for the instruction.
        .target(name: "LimbDivide"),
        // The domain: facts, commands, pool state, decide/evolve, invariants, canonical state hash, JSON Lines codec.
        .target(
            name: "PoolLedger",
            dependencies: [
                "PoolMath",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // SQLite's process-wide settings (sqlite3_config is variadic: C only).
        .target(name: "SQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // An append-only, hash-chained record log on SQLite; knows nothing of AMMs.
        .target(
            name: "LedgerStore",
            dependencies: [
                "SQLiteSetup",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The ledger on the store: import, run, state at any point, snapshots, replay, verify, export.
        .target(name: "DurableLedger", dependencies: ["PoolLedger", "LedgerStore"]),
        // Deterministic generated histories, fixture snapshots with checkpoints, check and regenerate.
        .target(name: "Fixtures", dependencies: ["PoolLedger"]),
        // The audit drawn: a self-contained HTML page with inline SVG charts.
        .target(name: "LedgerReport", dependencies: ["PoolLedger", "PoolMath"]),
        // The command-line edge: parse, call the library, print.
        .executableTarget(
            name: "poolledger",
            dependencies: [
                "PoolLedger",
                "LedgerStore",
                "DurableLedger",
                "Fixtures",
                "LedgerReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: seeded random histories.
        .target(name: "TestSupport", dependencies: ["PoolLedger", "Fixtures"], path: "Tests/TestSupport"),
        .testTarget(
            name: "PoolMathTests",
            dependencies: [
                "PoolMath",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "PoolLedgerTests",
            dependencies: [
                "PoolLedger",
                "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "LedgerStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DurableLedgerTests",
            dependencies: [
                "DurableLedger",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "FixturesTests",
            dependencies: ["Fixtures", "PoolLedger", "PoolMath", "TestSupport"]
        ),
        .testTarget(
            name: "poolledgerTests",
            dependencies: [
                "PoolLedger", "PoolMath", "TestSupport",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
