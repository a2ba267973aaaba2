// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tocsin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tocsin", targets: ["tocsin"]),
        // For the fuzzing package in Fuzz/ (docs/fuzzing.md), which can only reach this package's products.
        .library(name: "TocsinIngest", targets: ["TocsinIngest"]),
        .library(name: "TocsinEnrich", targets: ["TocsinEnrich"]),
        .library(name: "TocsinServer", targets: ["TocsinServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.0.0"..<"7.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.60.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "TocsinCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "TocsinIngest", dependencies: ["TocsinCore"]),
        .target(name: "TocsinEnrich", dependencies: ["TocsinCore"]),
        .target(
            name: "TocsinStore",
            dependencies: [
                "TocsinCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one publish flow every entry point calls (API, command line, ingest, pollers): enrich, dedupe or
        // revise, match inventories, then store, route and queue in one transaction.
        .target(
            name: "TocsinPipeline",
            dependencies: [
                "TocsinCore", "TocsinIngest", "TocsinEnrich", "TocsinStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // HTTP through libcurl, the SSRF guard and IP networks: used by delivery and by the pollers alike.
        .target(name: "TocsinNet", dependencies: ["CCurl"]),
        .target(
            name: "TocsinDelivery",
            dependencies: [
                "TocsinCore", "TocsinStore", "TocsinNet", "CCurl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "TocsinServer",
            dependencies: [
                "TocsinCore", "TocsinIngest", "TocsinEnrich", "TocsinStore", "TocsinPipeline", "TocsinNet", "TocsinDelivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The OpenAPI document, compiled into the binary as it is (PackageResources.openapi_json): served by
            // GET /api/v1/openapi.json byte for byte, with no file to install beside `tocsin`.
            resources: [.embedInCode("Resources/openapi.json"), .embedInCode("Resources/console.css"), .embedInCode("Resources/console.js")]
        ),
        .executableTarget(
            name: "tocsin",
            dependencies: [
                "TocsinServer", "TocsinPipeline", "TocsinIngest", "TocsinEnrich", "TocsinNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // For `bench parts` only: the outbox's own writes on its schema, with nothing of the store around them.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TocsinTestSupport", dependencies: ["TocsinStore", "TocsinDelivery"], path: "Tests/TocsinTestSupport"),
        .testTarget(name: "TocsinCoreTests", dependencies: ["TocsinCore", "TocsinTestSupport"]),
        .testTarget(name: "TocsinIngestTests", dependencies: ["TocsinIngest", "TocsinTestSupport"], exclude: ["Polling/fixture_server.py"]),
        .testTarget(name: "TocsinEnrichTests", dependencies: ["TocsinEnrich", "TocsinIngest", "TocsinTestSupport"]),
        // The channels' names and the store's catalog come from the delivery registry, as in the broker.
        .testTarget(name: "TocsinStoreTests", dependencies: ["TocsinStore", "TocsinDelivery", "TocsinTestSupport"]),
        .testTarget(name: "TocsinPipelineTests", dependencies: ["TocsinPipeline", "TocsinStore", "TocsinCore", "TocsinEnrich", "TocsinDelivery", "TocsinTestSupport"]),
        .testTarget(name: "TocsinDeliveryTests", dependencies: ["TocsinDelivery", "TocsinStore", "TocsinNet", "TocsinTestSupport"], exclude: ["Golden"]),
        .testTarget(
            name: "TocsinServerTests",
            dependencies: [
                "TocsinServer", "TocsinPipeline", "TocsinDelivery", "TocsinNet", "TocsinTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Support/smtp_sink.py", "Support/parse_mail.py", "Support/taxii_client.py", "Support/misp_feed.py", "Support/schemathesis.toml", "Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
