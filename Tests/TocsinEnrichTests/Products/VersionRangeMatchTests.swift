import Foundation
import TocsinCore
@testable import TocsinEnrich
import XCTest

final class VersionRangeMatchTests: XCTestCase {
    func testLowerBoundAndLessThan() {
        let range = VersionRange(version: "10.2.0", lessThan: "10.2.9-h1", versionType: "custom")
        XCTAssertEqual(range.contains(version: "10.2.0"), true)
        XCTAssertEqual(range.contains(version: "10.2.9"), true)
        XCTAssertEqual(range.contains(version: "10.2.9-h1"), false)
        XCTAssertEqual(range.contains(version: "10.1.14"), false)
        // The ADP copy of CVE-2024-3400 writes the bound with a trailing space.
        XCTAssertEqual(VersionRange(version: "10.2.0", lessThan: "10.2.9-h1 ", versionType: "custom").contains(version: "10.2.9-h1"), false)
    }

    func testLessThanOrEqual() {
        let range = VersionRange(version: "7.4.0", lessThanOrEqual: "7.4.2", versionType: "semver")
        XCTAssertEqual(range.contains(version: "7.4.2"), true)
        XCTAssertEqual(range.contains(version: "7.4.3"), false)
        XCTAssertEqual(range.contains(version: "7.3.9"), false)
    }

    func testFromTheStart() {
        for start in ["0", "*", "", "unspecified", "n/a"] {
            let range = VersionRange(version: start, lessThan: "131.0.2", versionType: "custom")
            XCTAssertEqual(range.contains(version: "1.0"), true, "`\(start)` starts from the first version")
            XCTAssertEqual(range.contains(version: "131.0.2"), false)
        }
    }

    func testStarUpperBoundMeansEveryLaterVersion() {
        let range = VersionRange(version: "0:8.7p1-38.el9_4.1", lessThan: "*", versionType: "rpm", status: .notAffected)
        XCTAssertEqual(range.contains(version: "8.7p1-38.el9_4.1"), true)
        XCTAssertEqual(range.contains(version: "8.7p1-43.el9"), true)
        XCTAssertEqual(range.contains(version: "8.7p1-10.el9"), false)
        XCTAssertEqual(VersionRange(version: "6.11", lessThanOrEqual: "*").contains(version: "6.12.1"), true)
        XCTAssertEqual(VersionRange(version: "6.11", lessThanOrEqual: "*").contains(version: "6.10.9"), false)
    }

    func testWildcardBounds() {
        // Linux: unaffected from 5.10.226 through every later 5.10.x.
        let stable = VersionRange(version: "5.10.226", lessThanOrEqual: "5.10.*", versionType: "custom", status: .notAffected)
        XCTAssertEqual(stable.contains(version: "5.10.226"), true)
        XCTAssertEqual(stable.contains(version: "5.10.999"), true)
        XCTAssertEqual(stable.contains(version: "5.10.225"), false)
        XCTAssertEqual(stable.contains(version: "5.11"), false)
        // Jenkins writes the same idea with lessThan.
        let lts = VersionRange(version: "2.426.3", lessThan: "2.426.*", versionType: "maven", status: .notAffected)
        XCTAssertEqual(lts.contains(version: "2.426.4"), true)
        XCTAssertEqual(lts.contains(version: "2.427"), false)
        // PHP writes the lower bound as a wildcard: from 8.1 on.
        let php = VersionRange(version: "8.1.*", lessThan: "8.1.29", versionType: "semver")
        XCTAssertEqual(php.contains(version: "8.1.0"), true)
        XCTAssertEqual(php.contains(version: "8.1.28"), true)
        XCTAssertEqual(php.contains(version: "8.0.30"), false)
        XCTAssertEqual(php.contains(version: "8.1.29"), false)
    }

    func testExactVersionsAndExpressions() {
        XCTAssertEqual(VersionRange(version: "5.6.1").contains(version: "5.6.1"), true)
        XCTAssertEqual(VersionRange(version: "5.6.1").contains(version: "5.6.0"), false)
        XCTAssertEqual(VersionRange(version: "All", status: .notAffected).contains(version: "3.0"), true)
        XCTAssertEqual(VersionRange(version: "*").contains(version: "3.0"), true)
        // SonicWall (CVE-2024-40766) writes the range in the version field.
        let sonic = VersionRange(version: "7.0.1-5035 and older versions")
        XCTAssertEqual(sonic.contains(version: "7.0.1-5035"), true)
        XCTAssertEqual(sonic.contains(version: "7.0.1-5030"), true)
        XCTAssertEqual(sonic.contains(version: "7.0.1-5036"), false)
        XCTAssertEqual(VersionRange(version: "< 2.3").contains(version: "2.2.9"), true)
        // HP (CVE-2024-29080) writes prose: the version cannot be told.
        XCTAssertNil(VersionRange(version: "See HP Security Bulletin reference for affected versions.").contains(version: "1.0"))
        XCTAssertNil(VersionRange(version: "n/a").contains(version: "1.0"))
        XCTAssertNil(VersionRange(version: "0", lessThan: "unspecified").contains(version: "1.0"))
    }

    func testGitRangesCannotBeOrdered() {
        let range = VersionRange(version: "1da177e4c3f4", lessThan: "c253b87c7c37", versionType: "git")
        XCTAssertNil(range.contains(version: "6.1.100"))
        XCTAssertNil(range.contains(version: "919f9bf9997b"))
        let exact = VersionRange(version: "c253b87c7c37", versionType: "git")
        XCTAssertEqual(exact.contains(version: "c253b87c7c37f1a6d1a3f0e0e8f0e7f6a2b1c0d9"), true)
        XCTAssertEqual(exact.contains(version: "919f9bf9997b"), false)
    }

    func testPythonBranches() {
        let candidate = VersionRange(version: "3.13.0a1", lessThan: "3.13.0rc2", versionType: "python")
        XCTAssertEqual(candidate.contains(version: "3.13.0rc1"), true)
        XCTAssertEqual(candidate.contains(version: "3.13.0b4"), true)
        XCTAssertEqual(candidate.contains(version: "3.13.0rc2"), false)
        XCTAssertEqual(candidate.contains(version: "3.13.0"), false)
        XCTAssertEqual(candidate.contains(version: "3.12.99"), false)
    }

    func testEmptyCandidateIsUnknown() {
        XCTAssertNil(VersionRange(version: "0", lessThan: "2.0").contains(version: "  "))
    }

    // MARK: - Version expressions

    func testExpressionsBecomeRanges() {
        XCTAssertEqual(VersionExpression.ranges(from: "<2024.2"), [VersionRange(version: "0", lessThan: "2024.2")])
        XCTAssertEqual(VersionExpression.ranges(from: "< 2016 R2"), [VersionRange(version: "0", lessThan: "2016 R2")])
        XCTAssertEqual(VersionExpression.ranges(from: "<=7.4.2", versionType: "semver"),
                       [VersionRange(version: "0", lessThanOrEqual: "7.4.2", versionType: "semver")])
        XCTAssertEqual(VersionExpression.ranges(from: ">= 1.0, < 2.0"), [VersionRange(version: "1.0", lessThan: "2.0")])
        XCTAssertEqual(VersionExpression.ranges(from: ">=1.0 <2.0"), [VersionRange(version: "1.0", lessThan: "2.0")])
        XCTAssertEqual(VersionExpression.ranges(from: "before 3.2"), [VersionRange(version: "0", lessThan: "3.2")])
        XCTAssertEqual(VersionExpression.ranges(from: "3.2 and later"), [VersionRange(version: "3.2", lessThan: "*")])
        XCTAssertEqual(VersionExpression.ranges(from: "5.9.2.14-12o and older versions"),
                       [VersionRange(version: "0", lessThanOrEqual: "5.9.2.14-12o")])
        XCTAssertEqual(VersionExpression.ranges(from: "10.0 - 10.5"), [VersionRange(version: "10.0", lessThanOrEqual: "10.5")])
        XCTAssertEqual(VersionExpression.ranges(from: "versions antérieures à 4.2"), [VersionRange(version: "0", lessThan: "4.2")])
        XCTAssertEqual(VersionExpression.ranges(from: "all versions"), [VersionRange(version: "0", lessThan: "*")])
        XCTAssertEqual(VersionExpression.ranges(from: "vers:all/*"), [VersionRange(version: "0", lessThan: "*")])
        XCTAssertEqual(VersionExpression.ranges(from: "B.00.21"), [VersionRange(version: "B.00.21")])
        XCTAssertEqual(VersionExpression.ranges(from: "Corefix 14", status: .fixed), [VersionRange(version: "Corefix 14", status: .fixed)])
    }

    func testExpressionsWithoutARangeEquivalentStillAnswer() throws {
        XCTAssertNil(VersionExpression.ranges(from: "> 1.0"))
        let expression = try XCTUnwrap(VersionExpression.parse("> 1.0"))
        XCTAssertEqual(expression.contains("1.0.1"), true)
        XCTAssertEqual(expression.contains("1.0"), false)
    }

    func testProseIsNotAVersion() {
        XCTAssertNil(VersionExpression.parse("See HP Security Bulletin reference for affected versions."))
        XCTAssertNil(VersionExpression.parse("unspecified"))
        XCTAssertNil(VersionExpression.parse(""))
        XCTAssertNil(VersionExpression.parse("<"))
        XCTAssertNil(VersionExpression.parse(String(repeating: "1.", count: 200)))
    }

    // MARK: - VERS

    func testVersContainment() throws {
        let generic = try VersSpecifier(parsing: "vers:generic/>=1.0|<2.0")
        XCTAssertEqual(generic.contains("1.0"), true)
        XCTAssertEqual(generic.contains("1.5"), true)
        XCTAssertEqual(generic.contains("2.0"), false)
        XCTAssertEqual(generic.contains("0.9"), false)

        let npm = try VersSpecifier(parsing: "vers:npm/1.2.3|>=2.0.0|<5.0.0")
        XCTAssertEqual(npm.scheme, .semver)
        XCTAssertEqual(npm.contains("1.2.3"), true)
        XCTAssertEqual(npm.contains("3.0.0"), true)
        XCTAssertEqual(npm.contains("1.2.4"), false)
        XCTAssertEqual(npm.contains("5.0.0"), false)

        let maven = try VersSpecifier(parsing: "vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7")
        XCTAssertEqual(maven.contains("1.7.5"), true)
        XCTAssertEqual(maven.contains("7.0.0"), true)
        XCTAssertEqual(maven.contains("2.0"), false)
        XCTAssertEqual(maven.contains("1.0.0-alpha1"), false)

        XCTAssertEqual(try VersSpecifier(parsing: "vers:pypi/*").contains("0.0.1"), true)
        XCTAssertEqual(try VersSpecifier(parsing: "vers:all/*").matchesEverything, true)
        XCTAssertEqual(try VersSpecifier(parsing: "vers:pypi/<2.0|!=1.5").contains("1.5"), false)
        XCTAssertEqual(try VersSpecifier(parsing: "vers:pypi/<2.0|!=1.5").contains("1.4"), true)
        XCTAssertEqual(try VersSpecifier(parsing: "vers:generic/ >= 1.0 | < 2.0 ").contains("1.2"), true, "spaces are ignored")
        XCTAssertEqual(try VersSpecifier(parsing: "vers:generic/1.0%2B1").constraints, [.init(.equal, "1.0+1")])
    }

    func testVersToCVERanges() throws {
        XCTAssertEqual(try VersSpecifier(parsing: "vers:generic/>=1.0|<2.0").versionRanges(),
                       [VersionRange(version: "1.0", lessThan: "2.0", versionType: "custom")])
        XCTAssertEqual(try VersSpecifier(parsing: "vers:semver/<2.0.0").versionRanges(),
                       [VersionRange(version: "0", lessThan: "2.0.0", versionType: "semver")])
        XCTAssertEqual(try VersSpecifier(parsing: "vers:pypi/1.0|>=3.0").versionRanges(status: .fixed),
                       [VersionRange(version: "1.0", versionType: "python", status: .fixed),
                        VersionRange(version: "3.0", lessThan: "*", versionType: "python", status: .fixed)])
        XCTAssertEqual(try VersSpecifier(parsing: "vers:semver/<=1.2.3|>=2.0.0|<2.5.0").versionRanges(),
                       [VersionRange(version: "0", lessThanOrEqual: "1.2.3", versionType: "semver"),
                        VersionRange(version: "2.0.0", lessThan: "2.5.0", versionType: "semver")])
        XCTAssertNil(try VersSpecifier(parsing: "vers:generic/>1.0").versionRanges())
        XCTAssertEqual(try VersSpecifier(parsing: "vers:generic/>=1.0|<2.0").description, "vers:generic/>=1.0|<2.0")
    }

    func testMalformedVers() {
        let cases: [(String, VersError)] = [
            ("", .empty),
            ("generic/>=1.0", .missingPrefix),
            ("vers:generic", .missingConstraints),
            ("vers:generic/", .missingConstraints),
            ("vers:Gen eric/1.0", .invalidScheme("Gen eric")),
            ("vers:generic/>=1.0||<2.0", .emptyConstraint(index: 1)),
            ("vers:generic/1.0|*", .starNotAlone),
            ("vers:generic/>=", .missingVersion(index: 0)),
            ("vers:generic/1.0%zz", .invalidPercentEncoding(index: 0)),
            ("vers:generic/" + Array(repeating: "1", count: 300).joined(separator: "|"), .tooManyConstraints(300)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try VersSpecifier(parsing: text), text) { error in
                XCTAssertEqual(error as? VersError, expected, text)
            }
        }
    }
}
