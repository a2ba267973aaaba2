import Foundation
@testable import TocsinCore
import XCTest

/// Dates are read as RFC 3339 section 5.6 writes them, which is what the OpenAPI `date-time` format allows.
final class RFC3339Tests: XCTestCase {
    func seconds(_ text: String) -> Double? {
        let strict = RFC3339.parseStrict(text)?.timeIntervalSince1970
        XCTAssertEqual(RFC3339.parse(text)?.timeIntervalSince1970, strict, "the lenient reading agrees on \(text)")
        return strict
    }

    func testEveryFormOfTheGrammarIsRead() {
        XCTAssertEqual(seconds("2024-04-12T10:00:00Z"), 1_712_916_000)
        XCTAssertEqual(seconds("2024-04-12t10:00:00z"), 1_712_916_000)
        XCTAssertEqual(seconds("2024-04-12T12:30:00+02:30"), 1_712_916_000)
        XCTAssertEqual(seconds("2024-04-11T11:45:00-22:15"), 1_712_916_000, "any offset up to 23:59")
        XCTAssertEqual(seconds("2024-04-12T10:00:00.123456789Z"), 1_712_916_000.123, "fractions of any length, to the millisecond")
        XCTAssertEqual(seconds("2016-12-31T23:59:60Z"), 1_483_228_800, "the leap second is the second after :59")
        XCTAssertEqual(seconds("1841-04-30T19:24:32Z"), -4_060_470_928)
        XCTAssertEqual(seconds("2024-02-29T00:00:00Z"), 1_709_164_800)
    }

    /// What API clients send (StrictJSONDecoder, `since`, `until`) is read with parseStrict.
    func testWhatIsNotADateIsRefused() {
        for text in ["", "2024-04-12", "2024-04-12T10:00:00", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
                     "2024-04-12T24:00:00Z", "2024-04-12T10:60:00Z", "2024-04-12T10:00:61Z", "2024-04-12T10:00:00.Z",
                     "2024-04-12T10:00:00+24:00", "2024-04-12T10:00:00Zjunk", "２０２４-04-12T10:00:00Z"] {
            XCTAssertNil(RFC3339.parseStrict(text), text)
        }
    }

    /// Dates are written by arithmetic for years 1583 to 9999, through Foundation otherwise; the text is Foundation's to the byte.
    func testFormatWritesWhatFoundationWrites() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Double] = [0, -0.001, 951_782_400, 1_709_164_800.5, 253_402_300_799.999, -62_135_596_800, 4_102_444_800.123, -4_060_470_928.25]
        for _ in 0..<5_000 { samples.append(Double(Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) / 1000) }
        for seconds in samples {
            let millis = Int64((seconds * 1000).rounded())
            let (whole, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
            let adjusted = fraction < 0 ? (whole - 1, fraction + 1000) : (whole, fraction)
            XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: seconds)),
                           RFC3339.foundationFormat(seconds: adjusted.0, milliseconds: adjusted.1), "\(seconds)")
        }
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: 1_712_916_000.123)), "2024-04-12T10:00:00.123Z")
    }

    func testBase64URLHasNoPaddingNorURLUnsafeCharacters() {
        XCTAssertEqual(Base64URL.encode([0xfb, 0xff, 0xfe]), "-__-")
        XCTAssertEqual(Base64URL.encode([0x61]), "YQ")
        XCTAssertEqual(Base64URL.decode(Base64URL.encode(Array(0...255))), Array(0...255))
    }
}
