// swift-tools-version:6.0
// The CardBOSS SDK for Swift: the UniFFI-generated bindings of libcardboss_ffi (the Rust core)
// as the library `CardBoss`, one Swift module made of the two generated files and the
// hand-written conveniences in Sources/CardBoss/.
//
// The C part, `CardBossFFI`, is a binary target when CardBossFFI.xcframework sits beside this
// file (Apple platforms: the XCFramework holds libcardboss_ffi for each target, with the headers
// and module map; see README.md), and otherwise a system-library target over
// Sources/CardBossFFI (Linux, or a Mac with libcardboss_ffi on the linker's search path).
import Foundation
import PackageDescription

let xcframework = "CardBossFFI.xcframework"
let packageDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let ffi: Target =
    FileManager.default.fileExists(atPath: packageDir.appendingPathComponent(xcframework).path)
    ? .binaryTarget(name: "CardBossFFI", path: xcframework)
    : .systemLibrary(name: "CardBossFFI", path: "Sources/CardBossFFI")

let package = Package(
    name: "CardBoss",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "CardBoss", targets: ["CardBoss"])
    ],
    targets: [
        ffi,
        .target(name: "CardBoss", dependencies: ["CardBossFFI"], path: "Sources/CardBoss"),
        .testTarget(name: "CardBossTests", dependencies: ["CardBoss"], path: "Tests/CardBossTests"),
    ]
)
