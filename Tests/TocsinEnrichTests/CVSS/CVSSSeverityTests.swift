import TocsinCore
import TocsinEnrich
import XCTest

/// The qualitative bands of the specifications and their mapping onto Tocsin's severities.
final class CVSSSeverityTests: XCTestCase {
    func testV3AndV4Bands() {
        let expectations: [(Double, CVSSSeverity)] = [
            (0.0, .none), (0.1, .low), (3.9, .low), (4.0, .medium), (6.9, .medium), (7.0, .high), (8.9, .high),
            (9.0, .critical), (10.0, .critical),
        ]
        for version in [CVSSVersion.v3_0, .v3_1, .v4_0] {
            for (score, band) in expectations {
                XCTAssertEqual(CVSSSeverity(score: score, version: version), band, "\(score) in v\(version.rawValue)")
            }
        }
    }

    func testV2BandsHaveNoCritical() {
        let expectations: [(Double, CVSSSeverity)] = [
            (0.0, .low), (3.9, .low), (4.0, .medium), (6.9, .medium), (7.0, .high), (9.3, .high), (10.0, .high),
        ]
        for (score, band) in expectations {
            XCTAssertEqual(CVSSSeverity(score: score, version: .v2_0), band, "\(score)")
        }
    }

    func testTocsinMapping() {
        XCTAssertEqual(CVSSSeverity.none.tocsinSeverity, .info)
        XCTAssertEqual(CVSSSeverity.low.tocsinSeverity, .low)
        XCTAssertEqual(CVSSSeverity.medium.tocsinSeverity, .medium)
        XCTAssertEqual(CVSSSeverity.high.tocsinSeverity, .high)
        XCTAssertEqual(CVSSSeverity.critical.tocsinSeverity, .critical)
    }

    func testScoredVectorsCarryTheirBand() throws {
        XCTAssertEqual(try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").severity, .none)
        XCTAssertEqual(try CVSS.score("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N").severity, .low)  // 3.1
        XCTAssertEqual(try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").severity, .critical)  // 9.8
        XCTAssertEqual(try CVSS.score("AV:N/AC:L/Au:N/C:C/I:C/A:C").severity, .high)  // 10.0 in v2
        XCTAssertEqual(try CVSS.score("AV:N/AC:L/Au:N/C:N/I:N/A:N").severity, .low)  // 0.0 in v2
    }

    func testHighestSeverity() throws {
        XCTAssertNil(CVSS.highestSeverity([]))
        let scores = [
            try CVSSScore(computing: "AV:N/AC:L/Au:N/C:C/I:C/A:C", source: "NVD"),  // v2 10.0, high
            try CVSSScore(computing: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", source: "CNA"),  // 9.8, critical
            try CVSSScore(computing: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", source: nil),
        ]
        XCTAssertEqual(CVSS.highestSeverity(scores), .critical)
        XCTAssertEqual(CVSS.highestSeverity([scores[2]]), .medium)  // 6.9
    }
}
