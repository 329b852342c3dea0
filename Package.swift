// swift-tools-version:6.0
import PackageDescription

// Layers: KwartierCore (pure domain + decisions) <- KwartierIO (P1, Modbus, serial, persistence)
// <- KwartierTUI (ncursesw dashboard) <- kwartier (CLI). Core imports neither IO nor TUI.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Kwartier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kwartier", targets: ["kwartier"]),
        .executable(name: "kwartier-bench", targets: ["kwartier-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // ncursesw: linked from the module map, not pkg-config (its .pc adds flags SwiftPM rejects).
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CModbus", path: "Sources/CModbus", pkgConfig: "libmodbus",
                       providers: [.apt(["libmodbus-dev"])]),
        // MQTT client (publishing, commands, Home Assistant discovery).
        .systemLibrary(name: "CMosquitto", path: "Sources/CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .target(name: "KwartierCore",
                dependencies: [.product(name: "Yams", package: "Yams")],
                path: "Sources/Core", swiftSettings: swift6),
        .target(name: "KwartierIO",
                dependencies: ["KwartierCore", "CModbus", "CMosquitto", .product(name: "Logging", package: "swift-log"),
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "Yams", package: "Yams"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOWebSocket", package: "swift-nio")],
                path: "Sources/IO", resources: [.copy("Profiles")], swiftSettings: swift6),
        .target(name: "KwartierTUI",
                dependencies: ["KwartierCore", "CNcursesw"],
                path: "Sources/TUI", swiftSettings: swift6),
        .executableTarget(name: "kwartier",
                dependencies: ["KwartierCore", "KwartierIO", "KwartierTUI",
                               .product(name: "ArgumentParser", package: "swift-argument-parser"),
                               .product(name: "Logging", package: "swift-log")],
                path: "Sources/kwartier", swiftSettings: swift6),
        // Development only (not installed): the dashboard over a deterministic fake site.
        .target(name: "KwartierPreview", dependencies: ["KwartierCore", "KwartierTUI"],
                path: "Sources/Preview", swiftSettings: swift6),
        .executableTarget(name: "kwartier-preview",
                dependencies: ["KwartierCore", "KwartierTUI", "KwartierPreview",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                path: "Sources/PreviewTool", swiftSettings: swift6),
        .executableTarget(name: "kwartier-bench",
                dependencies: ["KwartierCore", "KwartierIO", "KwartierTUI"],
                path: "Sources/Bench", swiftSettings: swift6),
        .testTarget(name: "CoreTests", dependencies: ["KwartierCore"], path: "Tests/CoreTests",
                    resources: [.copy("Fixtures")], swiftSettings: swift6),
        .testTarget(name: "IOTests", dependencies: ["KwartierIO", "KwartierCore", .product(name: "Logging", package: "swift-log")], path: "Tests/IOTests",
                    swiftSettings: swift6),
        .testTarget(name: "TUITests", dependencies: ["KwartierTUI", "KwartierCore", "KwartierPreview"], path: "Tests/TUITests",
                    swiftSettings: swift6),
    ]
)
