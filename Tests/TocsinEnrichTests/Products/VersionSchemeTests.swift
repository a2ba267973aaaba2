import Foundation
@testable import TocsinEnrich
import XCTest

final class VersionSchemeTests: XCTestCase {
    /// Asserts that each version sorts strictly before the next one, in both directions.
    private func assertAscending(_ versions: [String], _ scheme: VersionScheme, file: StaticString = #filePath, line: UInt = #line) {
        for (a, b) in zip(versions, versions.dropFirst()) {
            XCTAssertEqual(scheme.compare(a, b), .orderedAscending, "\(a) < \(b) under \(scheme)", file: file, line: line)
            XCTAssertEqual(scheme.compare(b, a), .orderedDescending, "\(b) > \(a) under \(scheme)", file: file, line: line)
        }
    }

    private func assertEqualVersions(_ a: String, _ b: String, _ scheme: VersionScheme, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(scheme.compare(a, b), .orderedSame, "\(a) = \(b) under \(scheme)", file: file, line: line)
    }

    func testVersionTypesMapToSchemes() {
        XCTAssertEqual(VersionScheme(versionType: "semver"), .semver)
        XCTAssertEqual(VersionScheme(versionType: "rpm"), .rpm)
        XCTAssertEqual(VersionScheme(versionType: "maven"), .maven)
        XCTAssertEqual(VersionScheme(versionType: "python"), .python)
        XCTAssertEqual(VersionScheme(versionType: "pypi"), .python)
        XCTAssertEqual(VersionScheme(versionType: "git"), .git)
        XCTAssertEqual(VersionScheme(versionType: "custom"), .generic)
        XCTAssertEqual(VersionScheme(versionType: "original_commit_for_fix"), .generic)
        XCTAssertEqual(VersionScheme(versionType: nil), .generic)
    }

    func testSemverPrecedenceFollowsTheSpecification() {
        // The example chain of Semantic Versioning 2.0 §11.
        assertAscending(["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                         "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"], .semver)
        assertAscending(["1.9.0", "1.10.0", "1.11.0", "2.0.0", "2.1.0", "2.1.1"], .semver)
    }

    func testSemverIgnoresBuildMetadataAndTolerantForms() {
        assertEqualVersions("1.0.0+build.1", "1.0.0+exp.sha.5114f85", .semver)
        assertEqualVersions("v1.2.3", "1.2.3", .semver)
        assertEqualVersions("2.426", "2.426.0", .semver)
        assertAscending(["7.4.2", "7.4.3"], .semver)
        // Not semver at all: falls back to the generic order instead of failing.
        assertAscending(["7.x", "8.x"], .semver)
    }

    func testRPMFollowsRpmvercmp() {
        // Cases from rpm's own test suite (tests/rpmvercmp.at).
        assertEqualVersions("1.0", "1.0", .rpm)
        assertAscending(["1.0", "2.0"], .rpm)
        assertAscending(["2.0", "2.0.1"], .rpm)
        assertAscending(["2.0.1", "2.0.1a"], .rpm)
        assertAscending(["5.5p1", "5.5p2", "5.5p10"], .rpm)
        assertAscending(["10xyz", "10.1xyz"], .rpm)
        assertAscending(["xyz10", "xyz10.1"], .rpm)
        assertAscending(["1b.fc17", "1.fc17"], .rpm)
        assertEqualVersions("1.1.α", "1.1", .rpm)
        // Tilde sorts before everything, even the end of the string.
        assertAscending(["1.0~rc1~git123", "1.0~rc1", "1.0~rc2", "1.0"], .rpm)
        // Caret sorts after the end of the string, but before any other segment.
        assertAscending(["1.0", "1.0^", "1.0^git1", "1.01"], .rpm)
        assertAscending(["1.0^20160101", "1.0.1"], .rpm)
        assertAscending(["1.0~rc1", "1.0~rc1^git1"], .rpm)
        assertAscending(["1.0^git1~pre", "1.0^git1"], .rpm)
    }

    func testRPMComparesEpochThenVersionThenRelease() {
        assertAscending(["0:2.0", "1:1.0"], .rpm)
        assertEqualVersions("2.0", "0:2.0", .rpm)
        assertAscending(["1.0-1", "1.0-2", "1.0-10"], .rpm)
        // Red Hat's fixed openssh for RHEL 9.4 (CVE-2024-6387) against older and newer builds.
        assertAscending(["8.7p1-10.el9", "0:8.7p1-38.el9", "0:8.7p1-38.el9_4.1", "8.7p1-38.el9_4.3", "8.7p1-40.el9"], .rpm)
        // A bare version compares without release, as rpm does.
        assertEqualVersions("8.7p1", "8.7p1-38.el9_4.1", .rpm)
    }

    func testMavenQualifierOrder() {
        assertAscending(["1.0-alpha1", "1.0-beta1", "1.0-milestone1", "1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.0-sp1",
                         "1.0-whatever"], .maven)
        assertAscending(["1", "1.1", "1.2", "1.10"], .maven)
        assertAscending(["2.426.2", "2.426.3", "2.440.1", "2.441", "2.442"], .maven)
    }

    func testMavenEquivalentForms() {
        assertEqualVersions("1", "1.0", .maven)
        assertEqualVersions("1.0.0", "1", .maven)
        assertEqualVersions("1-ga", "1", .maven)
        assertEqualVersions("1.0-final", "1.0", .maven)
        assertEqualVersions("1.0-a1", "1.0-alpha-1", .maven)
        assertEqualVersions("1.0-cr1", "1.0-RC1", .maven)
        assertEqualVersions("1.0-rc1", "1-rc1", .maven)
    }

    func testPythonPEP440Order() {
        assertAscending(["1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0", "1.0.post1.dev1",
                         "1.0.post1", "1.1.dev1", "1.1"], .python)
        assertAscending(["3.13.0a1", "3.13.0b3", "3.13.0rc1", "3.13.0rc2", "3.13.0"], .python)
        assertAscending(["2.0", "1!0.1"], .python)
        assertAscending(["1.0", "1.0+ubuntu1"], .python)
    }

    func testPythonNormalisedSpellings() {
        assertEqualVersions("1.0", "1.0.0", .python)
        assertEqualVersions("1.0-1", "1.0.post1", .python)
        assertEqualVersions("1.0alpha1", "1.0a1", .python)
        assertEqualVersions("1.0c1", "1.0rc1", .python)
        assertEqualVersions("1.0-RC1", "1.0rc1", .python)
        assertEqualVersions("v3.12.5", "3.12.5", .python)
    }

    func testGenericVendorForms() {
        // PAN-OS hotfixes, Fortinet builds, OpenSSH portable releases.
        assertAscending(["10.2.9", "10.2.9-h1", "10.2.9-h2", "10.2.10"], .generic)
        assertAscending(["7.1.0.9", "7.1.0.12"], .generic)
        assertAscending(["R2.0", "R2.1", "R10"], .generic)
        assertAscending(["9.7", "9.7p1", "9.8p1"], .generic)
        assertAscending(["1.0-rc1", "1.0", "1.0.1"], .generic)
        // Philips IntelliBridge firmware, MedDream builds written with a leading v and a stray space.
        assertAscending(["B.00.20", "B.00.21", "C.00.01"], .generic)
        assertEqualVersions(" v7.2.8.810", "7.2.8.810", .generic)
        assertEqualVersions("1.0", "1.0.0", .generic)
        assertAscending(["2016", "2016 R2", "2019"], .generic)
        assertAscending(["2023.3", "2024.1", "2024.2"], .generic)
        // CISA writes web-portal "versions" as US dates (icsma-24-249-01: `<8/30/2024`).
        assertAscending(["12/1/2023", "7/15/2024", "8/30/2024", "9/2/2024"], .generic)
    }

    func testHugeNumbersDoNotOverflow() {
        assertAscending(["9999.1", "99999999999999999999999.1"], .generic)
        assertAscending(["1.99999999999999999999", "1.100000000000000000000"], .semver)
        assertAscending(["1:1", "99999999999999999999999:1"], .rpm)
        assertEqualVersions("007", "7", .maven)
    }

    func testGitOnlyKnowsEquality() {
        XCTAssertEqual(VersionScheme.git.compare("c253b87c7c37", "C253B87C7C37"), .orderedSame)
        XCTAssertEqual(VersionScheme.git.compare("c253b87c7c37", "c253b87c7c3712345678abcdef"), .orderedSame)
        XCTAssertNil(VersionScheme.git.compare("c253b87c7c37", "919f9bf9997b"))
        XCTAssertNil(VersionScheme.git.compare("abc", "abcdef1"), "too short to be an abbreviated hash")
    }

    func testOddStringsNeverCrashAndOrderConsistently() {
        let odd = ["", " ", "...", "-", "~", "^", "~~^^", "+", "1..2", "1.-2", "v", "vv1", "١٢٣", "1.0🙂", "🙂",
                   "0:", ":1", "1:", "1-", "-1", "1!", "!1", "a.b.c", String(repeating: "9", count: 500),
                   String(repeating: "1.", count: 300), "1.0.0-", "1.0.0+", "1.0.0-+", "\u{0}", "1\u{0}2", "%00",
                   "1.0.post", "1.0.dev", "1.0a", "1!2!3", "1.0+local+more", "8/30/2024", "13/45/2024"]
        var generator = SystemRandomNumberGenerator()
        var samples = odd
        for _ in 0..<80 {
            let alphabet = Array("0123456789abchprv.-_~^:!+* ")
            samples.append(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for scheme in VersionScheme.allCases {
            for a in samples {
                for b in samples.prefix(40) {
                    let forward = scheme.compare(a, b), backward = scheme.compare(b, a)
                    switch (forward, backward) {
                    case (nil, nil), (.orderedSame?, .orderedSame?), (.orderedAscending?, .orderedDescending?),
                         (.orderedDescending?, .orderedAscending?): break
                    default: XCTFail("\(scheme): compare(\(a.debugDescription), \(b.debugDescription)) = \(String(describing: forward)) but reversed = \(String(describing: backward))")
                    }
                }
            }
        }
    }
}
