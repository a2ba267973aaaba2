// swift-tools-version:5.4
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM links every executable with `--defsym main=<Module>_main`, a
// symbol that `-parse-as-library` never emits, so the link fails instead of taking libFuzzer's own `main`.
import PackageDescription

/// One libFuzzer executable per parser family; build and run them with `make fuzz` (see docs/fuzzing.md).
let fuzzers: [(name: String, products: [String])] = [
    ("FuzzXML", ["TocsinIngest"]),
    ("FuzzSTIXPattern", ["TocsinIngest"]),
    ("FuzzJSONAdapters", ["TocsinIngest"]),
    ("FuzzIOC", ["TocsinEnrich"]),
    ("FuzzProducts", ["TocsinEnrich"]),
    ("FuzzCVSS", ["TocsinEnrich"]),
    ("FuzzConfig", ["TocsinServer"]),
]

let package = Package(
    name: "TocsinFuzz",
    platforms: [.macOS("15.0")],
    products: fuzzers.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [.package(name: "Tocsin", path: "..")],
    targets: fuzzers.map { fuzzer in
        .executableTarget(name: fuzzer.name, dependencies: fuzzer.products.map { .product(name: $0, package: "Tocsin") })
    }
)
