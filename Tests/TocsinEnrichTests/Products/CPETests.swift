import Foundation
@testable import TocsinEnrich
import TocsinTestSupport
import XCTest

final class CPETests: XCTestCase {
    func testFormattedStringIsReadIntoAWellFormedName() throws {
        let name = try CPEName(parsing: "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")
        XCTAssertEqual(name.part, .value("a"))
        XCTAssertEqual(name.vendor, .value("microsoft"))
        XCTAssertEqual(name.product, .value("internet_explorer"))
        XCTAssertEqual(name.version, .value("8\\.0\\.6001"), "WFN quotes every non-alphanumeric but _")
        XCTAssertEqual(name.version.literal, "8.0.6001")
        XCTAssertEqual(name.update, .value("beta"))
        XCTAssertEqual(name.edition, .any)
        XCTAssertEqual(name.formattedString, "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")
    }

    func testNotApplicableAndOtherAttributes() throws {
        let name = try CPEName(parsing: "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*")
        XCTAssertEqual(name.update, .na)
        XCTAssertEqual(name.swEdition, .value("online"))
        XCTAssertEqual(name.targetSW, .value("win2003"))
        XCTAssertEqual(name.targetHW, .value("x64"))
        XCTAssertEqual(name.other, .any)
    }

    func testBackslashEscapingRoundTrips() throws {
        let text = #"cpe:2.3:a:foo\:bar:big\$money\!:1.0\+2:*:*:*:*:*:*:*"#
        let name = try CPEName(parsing: text)
        XCTAssertEqual(name.vendor.literal, "foo:bar", "a quoted colon does not split attributes")
        XCTAssertEqual(name.product.literal, "big$money!")
        XCTAssertEqual(name.version.literal, "1.0+2")
        XCTAssertEqual(name.formattedString, text)
        // Quoted `.`, `-`, `_` are written back unquoted, as the formatted string binding does.
        XCTAssertEqual(try CPEName(parsing: #"cpe:2.3:a:a\-b:c\.d:1\.0:*:*:*:*:*:*:*"#).formattedString,
                       "cpe:2.3:a:a-b:c.d:1.0:*:*:*:*:*:*:*")
        // A quoted wildcard is a literal character, not a wildcard.
        let literal = try CPEName(parsing: #"cpe:2.3:a:v:p\*q:*:*:*:*:*:*:*:*"#)
        XCTAssertFalse(literal.product.hasWildcard)
        XCTAssertEqual(literal.product.literal, "p*q")
    }

    func testWildcardsOnlyAtTheEnds() throws {
        XCTAssertTrue(try CPEName(parsing: "cpe:2.3:o:microsoft:windows_10_*:*:*:*:*:*:*:*:*").product.hasWildcard)
        XCTAssertTrue(try CPEName(parsing: "cpe:2.3:o:*soft:windows:*:*:*:*:*:*:*:*").vendor.hasWildcard)
        XCTAssertTrue(try CPEName(parsing: "cpe:2.3:a:??crosoft:x:*:*:*:*:*:*:*:*").vendor.hasWildcard)
        XCTAssertThrowsError(try CPEName(parsing: "cpe:2.3:a:mic*soft:x:*:*:*:*:*:*:*:*")) { error in
            XCTAssertEqual(error as? CPEError, .misplacedWildcard(attribute: "vendor"))
        }
        XCTAssertThrowsError(try CPEName(parsing: "cpe:2.3:a:v:p:1.?.3:*:*:*:*:*:*:*")) { error in
            XCTAssertEqual(error as? CPEError, .misplacedWildcard(attribute: "version"))
        }
    }

    func testMalformedFormattedStringsGivePreciseErrors() {
        let cases: [(String, CPEError)] = [
            ("", .empty),
            ("cpe:3.0:a:b:c", .unknownPrefix("cpe:3.0:a:b:")),
            ("cpe:2.3:a:vendor", .wrongComponentCount(found: 2)),
            ("cpe:2.3:a:v:p:1:*:*:*:*:*:*:*:extra", .wrongComponentCount(found: 12)),
            ("cpe:2.3:x:v:p:*:*:*:*:*:*:*:*", .invalidPart("x")),
            ("cpe:2.3:a::p:*:*:*:*:*:*:*:*", .emptyComponent(attribute: "vendor")),
            ("cpe:2.3:a:v!:p:*:*:*:*:*:*:*:*", .invalidCharacter(attribute: "vendor", character: "!")),
            ("cpe:2.3:a:v:my product:*:*:*:*:*:*:*:*", .invalidCharacter(attribute: "product", character: " ")),
            ("cpe:2.3:a:v:produit_é:*:*:*:*:*:*:*:*", .invalidCharacter(attribute: "product", character: "é")),
            (#"cpe:2.3:a:v:p:1.0:*:*:*:*:*:*:foo\"#, .danglingEscape(attribute: "other")),
            ("cpe:2.3:" + String(repeating: "a", count: 2000), .tooLong(2008)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CPEName(parsing: text), text) { error in
                XCTAssertEqual(error as? CPEError, expected, text)
                XCTAssertFalse((error as? CPEError)?.description.isEmpty ?? true)
            }
        }
    }

    func testURIBindingIsReadIntoTheSameName() throws {
        let rhel = try CPEName(parsing: "cpe:/o:redhat:enterprise_linux:8")
        XCTAssertEqual(rhel.formattedString, "cpe:2.3:o:redhat:enterprise_linux:8:*:*:*:*:*:*:*")
        // Red Hat's CVE records (CVE-2024-6387) leave the update empty and give an edition.
        let baseos = try CPEName(parsing: "cpe:/o:redhat:enterprise_linux:9::baseos")
        XCTAssertEqual(baseos.update, .any)
        XCTAssertEqual(baseos.edition, .value("baseos"))
        XCTAssertEqual(baseos.formattedString, "cpe:2.3:o:redhat:enterprise_linux:9:*:baseos:*:*:*:*:*")
        let csaf = try CPEName(parsing: "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha")
        XCTAssertEqual(csaf.vendor.literal, "csaf-tools")
        XCTAssertEqual(csaf.version.literal, "1.0.0-alpha")
        XCTAssertEqual(csaf.formattedString, "cpe:2.3:a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha:*:*:*:*:*:*:*")
    }

    func testURIPercentEncodingAndPackedEdition() throws {
        let encoded = try CPEName(parsing: "cpe:/a:foo%21bar:baz%02:1.0")
        XCTAssertEqual(encoded.vendor.literal, "foo!bar")
        XCTAssertTrue(encoded.product.hasWildcard, "%02 is the multi-character wildcard")
        XCTAssertEqual(encoded.formattedString, #"cpe:2.3:a:foo\!bar:baz*:1.0:*:*:*:*:*:*:*"#)
        let packed = try CPEName(parsing: "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~")
        XCTAssertEqual(packed.edition, .any)
        XCTAssertEqual(packed.swEdition, .value("online"))
        XCTAssertEqual(packed.targetSW, .value("win2003"))
        XCTAssertEqual(packed.targetHW, .value("x64"))
        XCTAssertEqual(packed.formattedString, "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*")
        XCTAssertEqual(try CPEName(parsing: "cpe:/a:v:p:1.0:-").update, .na)
    }

    func testMalformedURIsGivePreciseErrors() {
        let cases: [(String, CPEError)] = [
            ("cpe:/a:b:c:d:e:f:g:h", .tooManyURIComponents(found: 8)),
            ("cpe:/a:fo%zz", .invalidPercentEncoding(attribute: "vendor", sequence: "%zz")),
            ("cpe:/a:foo%0", .invalidPercentEncoding(attribute: "vendor", sequence: "%0")),
            ("cpe:/a:foo%41", .invalidPercentEncoding(attribute: "vendor", sequence: "%41")),
            ("cpe:/a:foo bar", .invalidCharacter(attribute: "vendor", character: " ")),
            ("cpe:/a:v:p:1:u:~a~b", .invalidPackedEdition(found: 2)),
            ("cpe:/z:v:p", .invalidPart("z")),
            ("cpe:/a:v:p%02x%02:1", .misplacedWildcard(attribute: "product")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CPEName(parsing: text), text) { error in
                XCTAssertEqual(error as? CPEError, expected, text)
            }
        }
    }

    func testEveryCPEInTheCVECorpusParses() throws {
        let cpes = try ProductsCVEFixture.allCPEs()
        XCTAssertGreaterThan(cpes.count, 40)
        for text in cpes {
            XCTAssertNoThrow(try CPEName(parsing: text), text)
        }
        // Both bindings occur: Red Hat writes 2.2 URIs, CISA's ADP and Microsoft 2.3 formatted strings.
        XCTAssertTrue(cpes.contains("cpe:/o:redhat:enterprise_linux:9::baseos"))
        XCTAssertTrue(cpes.contains("cpe:2.3:o:microsoft:windows_11_21H2:10.0.22000.3197:*:*:*:*:*:x64:*"))
    }

    func testMatchingAttributeByAttribute() throws {
        let pattern = try CPEName(parsing: "cpe:2.3:a:philips:vue_pacs:*:*:*:*:*:*:*:*")
        let installed = try CPEName(parsing: "cpe:2.3:a:Philips:Vue_PACS:12.2.8.400:*:*:*:*:*:*:*")
        XCTAssertTrue(pattern.isSuperset(of: installed), "ANY holds every value; case does not matter")
        XCTAssertFalse(installed.isSuperset(of: pattern), "a value is a subset of ANY, not a superset")
        XCTAssertTrue(pattern.matches(installed))
        XCTAssertTrue(installed.matches(pattern), "the inventory test is symmetric")
        XCTAssertTrue(pattern.hasSameProduct(as: installed))

        let na = try CPEName(parsing: "cpe:2.3:a:connectwise:screenconnect:-:*:*:*:*:*:*:*")
        let version = try CPEName(parsing: "cpe:2.3:a:connectwise:screenconnect:23.9.7:*:*:*:*:*:*:*")
        XCTAssertFalse(na.matches(version), "NA only matches NA")
        XCTAssertTrue(na.matches(na))
        XCTAssertEqual(na.relations(to: version)[3], .disjoint)

        let windows = try CPEName(parsing: "cpe:2.3:o:microsoft:windows_10_*:*:*:*:*:*:*:*:*")
        let build = try CPEName(parsing: "cpe:2.3:o:microsoft:windows_10_1809:10.0.17763.6293:*:*:*:*:*:x64:*")
        XCTAssertTrue(windows.isSuperset(of: build))
        XCTAssertTrue(build.matches(windows))
        XCTAssertFalse(try CPEName(parsing: "cpe:2.3:o:microsoft:windows_11_*:*:*:*:*:*:*:*:*").matches(build))

        let oneChar = try CPEName(parsing: "cpe:2.3:a:foo:bar:1.?:*:*:*:*:*:*:*")
        XCTAssertTrue(oneChar.matches(try CPEName(parsing: "cpe:2.3:a:foo:bar:1.2:*:*:*:*:*:*:*")))
        XCTAssertTrue(oneChar.matches(try CPEName(parsing: "cpe:2.3:a:foo:bar:1.:*:*:*:*:*:*:*")), "`?` at an end takes zero or one character")
        XCTAssertFalse(oneChar.matches(try CPEName(parsing: "cpe:2.3:a:foo:bar:1.23:*:*:*:*:*:*:*")))

        let otherVendor = try CPEName(parsing: "cpe:2.3:a:siemens:vue_pacs:*:*:*:*:*:*:*:*")
        XCTAssertFalse(otherVendor.matches(installed))
        XCTAssertFalse(otherVendor.hasSameProduct(as: installed))
        // A URI and a formatted string of the same name match.
        XCTAssertTrue(try CPEName(parsing: "cpe:/o:redhat:enterprise_linux:8")
            .matches(try CPEName(parsing: "cpe:2.3:o:redhat:enterprise_linux:8:*:*:*:*:*:*:*")))
    }
}
