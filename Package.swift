// swift-tools-version: 6.0
import PackageDescription

// Layering (dependencies point one way):
//   qsnap (CLI) → QSnap (operations) → Qdrant, S3, Archive, HTTP, QSnapAdvice → QSnapCore (pure) ;
//   C lives only in CCurl, CArchive, CCrypto, CDeflate (libdeflate's CRC-32 for S3 part checksums) and CZstd
//   (libzstd streaming, for encrypted repositories).
// Every target declares each module it imports (`swift build --explicit-target-dependency-import-check error`,
// as `make build` and `make test` run it, refuses an import of a package target that is not a dependency).
let package = Package(
    name: "qsnap",
    // Mutex (Synchronization) needs macOS 15; Linux is the platform qsnap is built and tested on.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qsnap", targets: ["qsnap"]),
        .library(name: "QSnap", targets: ["QSnap"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]),
        .systemLibrary(
            name: "CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),

        // Pure core: versions, headroom, manifest model, retention, decision rules.
        // No I/O; hashing and encryption (OpenSSL, libdeflate's CRC-32), zstd and YAML parsing (Yams) are computations, not I/O.
        .target(
            name: "QSnapCore", dependencies: ["CCrypto", "CDeflate", "CZstd", .product(name: "Yams", package: "Yams")]),
        .target(name: "HTTP", dependencies: ["CCurl", "QSnapCore", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Archive", dependencies: ["CArchive", "QSnapCore"]),
        .target(name: "S3", dependencies: ["HTTP", "QSnapCore", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Qdrant", dependencies: ["HTTP", "QSnapCore", .product(name: "Logging", package: "swift-log")]),
        // The advice engine (`qsnap advise`): rule files in, a decision out. Its default rule files are package
        // resources (`Resources/advice/*.yaml`, linked from `policies/advice`), read through `Bundle.module`.
        .target(
            name: "QSnapAdvice", dependencies: ["QSnapCore", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/advice")]),
        .target(
            name: "QSnap",
            dependencies: [
                "Qdrant", "S3", "Archive", "HTTP", "QSnapAdvice", "QSnapCore",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "qsnap",
            dependencies: [
                "QSnap", "Qdrant", "S3", "Archive", "HTTP", "QSnapAdvice", "QSnapCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Archive-inspector fuzz target: libFuzzer binary under `-sanitize=fuzzer -DFUZZING` (make fuzz),
        // otherwise a tool that replays a corpus directory.
        .executableTarget(name: "QSnapFuzz", dependencies: ["Archive", "QSnapCore"], path: "Fuzz/QSnapFuzz"),

        .testTarget(name: "QSnapCoreTests", dependencies: ["QSnapCore", "QSnapTestSupport"]),
        .testTarget(name: "QSnapAdviceTests", dependencies: ["QSnapAdvice", "QSnapCore"]),
        // Test helpers shared by several test targets (a loopback HTTP server, a seeded random generator).
        .target(name: "QSnapTestSupport", path: "Tests/QSnapTestSupport"),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "QSnapCore", "QSnapTestSupport"]),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "CArchive", "QSnapCore"]),
        .testTarget(name: "S3Tests", dependencies: ["S3", "QSnapCore", "QSnapTestSupport"]),
        .testTarget(name: "QdrantTests", dependencies: ["Qdrant", "HTTP", "QSnapCore"]),
        .testTarget(
            name: "QSnapTests",
            dependencies: [
                "QSnap", "Qdrant", "S3", "HTTP", "Archive", "QSnapCore", "QSnapTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
