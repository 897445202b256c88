// swift-tools-version: 6.1
import PackageDescription

/// Kernel targets are compiled without bounds checks in release builds (their unsafe paths are
/// tested against safe reference implementations); see PLATFORM.md in the design notes.
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "rtcluster",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rtcluster", targets: ["rtcluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System-library bridges (shim.h holds static inline wrappers for C macros).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "COpenJPEG", pkgConfig: "libopenjp2", providers: [.apt(["libopenjp2-7-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CProcess"),

        .target(name: "Core", dependencies: ["CMalloc"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Phantoms", dependencies: ["Core"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Segmentation", dependencies: ["Core"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Dose", dependencies: ["Core"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Optimization", dependencies: ["Core", "CBLAS"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Evaluation", dependencies: ["Core"], exclude: ["README.md"], swiftSettings: kernelSettings),
        .target(name: "Store", dependencies: ["Core", "CHDF5", "CZlib", "CDeflate", "CCrypto", "COpenJPEG"], exclude: ["README.md"]),
        .target(name: "Registry", dependencies: ["Core", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["README.md"]),
        .target(name: "Jobs", dependencies: ["Core", "Yams"], exclude: ["README.md"]),
        .target(name: "Report", dependencies: ["Core", "Evaluation", "CPNG"], exclude: ["README.md"]),
        .target(name: "Planning", dependencies: ["Core", "Jobs", "Dose", "Optimization", "Evaluation"], exclude: ["README.md"]),
        .target(name: "Cluster", dependencies: ["Core", "CMPI", "Segmentation", "Planning", "Store", "Registry", "Jobs", .product(name: "Logging", package: "swift-log")], exclude: ["README.md", "Protocol.md"]),
        .executableTarget(
            name: "rtcluster",
            dependencies: [
                "Core", "Phantoms", "Store", "Registry", "Jobs", "Planning", "Cluster", "Report", "CProcess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmarks (not products): accuracy and timing of the segmentation pipeline.
        .executableTarget(name: "SegmentationBench", dependencies: ["Core", "Phantoms", "Segmentation", "Store"],
                          path: "benchmarks/segmentation/SegmentationBench"),
        // Benchmark (not a product): fluence-optimisation and gamma-index timing.
        .executableTarget(name: "OptimizationBench", dependencies: ["Core", "Optimization", "Evaluation"],
                          path: "benchmarks/optimization/OptimizationBench"),
        // Benchmark (not a product): the TG-119 plan in process (influence, optimisation, evaluation).
        .executableTarget(name: "PlanningBench", dependencies: ["Core", "Dose", "Jobs", "Optimization", "Evaluation", "Planning", "Store"],
                          path: "benchmarks/planning/PlanningBench"),

        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "PhantomsTests", dependencies: ["Phantoms", "Core"]),
        .testTarget(name: "SegmentationTests", dependencies: ["Segmentation", "Core", "Phantoms"]),
        .testTarget(name: "DoseTests", dependencies: ["Dose", "Core", "Phantoms"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization", "Core"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Core"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core", "Phantoms"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "Core"]),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "Core"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Core", "Jobs", "Dose", "Phantoms"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Core", "Registry", "Store", "Jobs", "Phantoms"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "CPNG", "Core", "Evaluation"]),
        .testTarget(name: "rtclusterTests", dependencies: ["rtcluster", "Store", "Core", "Registry"]),
    ],
    swiftLanguageModes: [.v6]
)
