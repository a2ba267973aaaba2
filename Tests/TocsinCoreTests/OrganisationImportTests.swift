import Foundation
import TocsinCore
import TocsinTestSupport
import XCTest

final class OrganisationImportTests: XCTestCase {
    func table(_ text: String) throws -> CSVTable {
        try CSVTable(parsing: Array(text.utf8), maximumRecords: 100, maximumFieldBytes: 1_000)
    }

    func errors(_ text: String, existing: [Organisation] = []) -> [OrganisationImportError.Line] {
        do {
            _ = try OrganisationImportPlan(csv: Array(text.utf8), existing: existing)
            XCTFail("expected the file to be refused")
            return []
        } catch {
            return error.lines
        }
    }

    func plan(_ text: String, existing: [Organisation] = []) throws -> OrganisationImportPlan {
        try OrganisationImportPlan(csv: Array(text.utf8), existing: existing)
    }

    // MARK: CSV

    func testQuotedFieldsHoldSeparatorsQuotesAndLineBreaks() throws {
        let csv = try table("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nplain,,last\n")
        XCTAssertEqual(csv.separator, UInt8(ascii: ","))
        XCTAssertEqual(csv.header.fields, ["a", "b", "c"])
        XCTAssertEqual(csv.records.map(\.fields), [["x, y", "say \"hi\"", "two\r\nlines"], ["plain", "", "last"]])
        XCTAssertEqual(csv.records.map(\.line), [2, 4])
    }

    func testSemicolonIsChosenFromTheHeaderAndTheBOMIsSkipped() throws {
        let csv = try table("\u{FEFF}nom;type;\"a,b\"\nCHU, site nord;CHU;x\n")
        XCTAssertEqual(csv.separator, UInt8(ascii: ";"))
        XCTAssertEqual(csv.header.fields, ["nom", "type", "a,b"])
        XCTAssertEqual(csv.records.first?.fields, ["CHU, site nord", "CHU", "x"])
    }

    func testBlankLinesAreSkippedAndCounted() throws {
        let csv = try table("a\n\nx\r\n\r\ny")
        XCTAssertEqual(csv.records.map(\.line), [3, 5])
        XCTAssertEqual(csv.records.map(\.fields), [["x"], ["y"]])
    }

    func testMalformedCSVIsRefusedWithItsLine() {
        XCTAssertThrowsError(try table("a\n\"open\nstill open")) { XCTAssertEqual(($0 as? CSVError)?.line, 2) }
        XCTAssertThrowsError(try table("a\nx\n\"done\"after")) { XCTAssertEqual(($0 as? CSVError)?.line, 3) }
        XCTAssertThrowsError(try table("a\nx\"y")) { XCTAssertEqual(($0 as? CSVError)?.line, 2) }
        XCTAssertThrowsError(try table("")) { XCTAssertEqual(($0 as? CSVError)?.line, 1) }
        XCTAssertThrowsError(try CSVTable(parsing: [UInt8]("a\n".utf8) + [0xE9, 0x0A], maximumRecords: 10, maximumFieldBytes: 100)) {
            XCTAssertEqual(($0 as? CSVError)?.line, 2)
            XCTAssertTrue(($0 as? CSVError)?.reason.contains("UTF-8") == true)
        }
        XCTAssertThrowsError(try CSVTable(parsing: Array("a\n1\n2\n3\n".utf8), maximumRecords: 2, maximumFieldBytes: 100)) {
            XCTAssertEqual(($0 as? CSVError)?.line, 4)
        }
        XCTAssertThrowsError(try CSVTable(parsing: Array("a\n\(String(repeating: "x", count: 101))\n".utf8), maximumRecords: 2, maximumFieldBytes: 100)) {
            XCTAssertEqual(($0 as? CSVError)?.line, 2)
        }
    }

    // MARK: FINESS

    func testFINESSNumbersAreCheckedByTheirKey() throws {
        XCTAssertEqual(try FINESS.normalise("760780239").get(), "760780239")
        XCTAssertEqual(try FINESS.normalise("76 078 023 9").get(), "760780239")
        // A spreadsheet drops the leading zero of département 01.
        XCTAssertEqual(try FINESS.normalise("10003820").get(), "010003820")
        XCTAssertEqual(try FINESS.normalise("2A0001234").get(), "2A0001234")
        XCTAssertThrowsError(try FINESS.normalise("760780238").get())
        XCTAssertThrowsError(try FINESS.normalise("76078023").get())
        XCTAssertThrowsError(try FINESS.normalise("7607802391").get())
        XCTAssertThrowsError(try FINESS.normalise("76O780239").get())
        XCTAssertThrowsError(try FINESS.normalise("2C0001234").get())
    }

    // MARK: Rows

    func testAFrenchFileIsReadWithEveryColumn() throws {
        let plan = try plan("""
            Nom;N° FINESS;Type;Région;Habilitation;Langue;Contacts
            CHU de Rouen;760780239;CHU;28;tlp:amber;FR;"rssi: Jeanne Martin <rssi@chu-rouen.fr> +33 2 32 88 89 90
            astreinte: astreinte@chu-rouen.fr | dsi: Service informatique <dsi@chu-rouen.fr>"
            Clinique du Parc;;clinique;1;GREEN;en;
            """)
        XCTAssertEqual(plan.entries.map(\.action), [.create, .create])
        XCTAssertEqual(plan.entries.map(\.line), [2, 4])
        let chu = plan.entries[0].organisation
        XCTAssertEqual(chu.name, "CHU de Rouen")
        XCTAssertEqual(chu.finess, "760780239")
        XCTAssertEqual(chu.kind, .chu)
        XCTAssertEqual(chu.region, "28")
        XCTAssertEqual(chu.tlpClearance, .amber)
        XCTAssertEqual(chu.locale, "fr")
        XCTAssertEqual(chu.contacts.map(\.role), [.rssi, .oncall, .it])
        XCTAssertEqual(chu.contacts[0].name, "Jeanne Martin")
        XCTAssertEqual(chu.contacts[0].email, "rssi@chu-rouen.fr")
        XCTAssertEqual(chu.contacts[0].phone, "+33 2 32 88 89 90")
        XCTAssertEqual(chu.contacts[1].name, nil)
        XCTAssertEqual(chu.contacts[1].email, "astreinte@chu-rouen.fr")
        let clinic = plan.entries[1].organisation
        XCTAssertEqual(clinic.kind, .clinic)
        XCTAssertEqual(clinic.region, "01")
        XCTAssertEqual(clinic.locale, "en")
        XCTAssertNil(clinic.finess)
        XCTAssertEqual(plan.entries[1].fields, ["name", "kind", "region", "clearance", "locale"])
    }

    func testAnEnglishCommaFileWithDefaults() throws {
        let plan = try plan("name,kind\nCERT Santé,CERT\n")
        let org = try XCTUnwrap(plan.creations.first)
        XCTAssertEqual(org.kind, .cert)
        XCTAssertEqual(org.tlpClearance, .green)
        XCTAssertEqual(org.locale, "fr")
        XCTAssertNil(org.region)
    }

    func testEveryBadRowIsNamedWithItsLineAndReason() {
        let lines = errors("""
            name;finess;kind;region;clearance;locale;contacts
            Bon;760780239;CHU;28;AMBER;fr;rssi: a@b.fr
            ;;CHU;28;;;
            Mauvaise clé;760780238;;;;;
            Type inconnu;;hospital;;;;
            Région inconnue;;;99;;;
            TLP inconnu;;;;PURPLE;;
            Langue;;;;;de;
            "Contact
            sur deux lignes";;;;;;chef: a@b.fr
            Email;;;;;;rssi: pas-un-email
            Champs;;;
            Téléphone;;;;;;rssi: a@b.fr abc
            Doublon;760780239;;;;;
            """)
        XCTAssertEqual(lines.map(\.line), [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14])
        XCTAssertTrue(lines[0].reason.contains("name"), lines[0].reason)
        XCTAssertTrue(lines[1].reason.contains("check digit"), lines[1].reason)
        XCTAssertTrue(lines[2].reason.contains("kind"), lines[2].reason)
        XCTAssertTrue(lines[3].reason.contains("region"), lines[3].reason)
        XCTAssertTrue(lines[4].reason.contains("TLP"), lines[4].reason)
        XCTAssertTrue(lines[5].reason.contains("fr or en"), lines[5].reason)
        XCTAssertTrue(lines[6].reason.contains("not a role"), lines[6].reason)
        XCTAssertTrue(lines[7].reason.contains("email"), lines[7].reason)
        XCTAssertTrue(lines[8].reason.contains("4 fields"), lines[8].reason)
        XCTAssertTrue(lines[9].reason.contains("phone"), lines[9].reason)
        XCTAssertTrue(lines[10].reason.contains("also on line 2"), lines[10].reason)
    }

    func testTheHeaderIsCheckedFirst() {
        XCTAssertEqual(errors("nom;couleur;nom\nx;y;z\n").map(\.reason).count, 2)
        XCTAssertEqual(errors("type\nCHU\n").first?.reason.contains("no name column"), true)
        XCTAssertEqual(errors("name\n").first?.line, 2)
        XCTAssertEqual(errors("name\n").first?.reason.contains("no row"), true)
    }

    func testAControlCharacterInANameIsRefused() {
        XCTAssertEqual(errors("name\n\"a\u{7}b\"\n").first?.line, 2)
    }

    func testAFileTooLargeIsRefused() {
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: OrganisationImport.maximumBytes + 1)
        XCTAssertThrowsError(try OrganisationImport.rows(big))
    }

    // MARK: Planning

    func testRowsFindTheirOrganisationByFINESSThenByName() throws {
        var byFiness = Organisation(name: "Ancien nom", kind: .ch, region: "28", tlpClearance: .green)
        byFiness.finess = "760780239"
        let byName = Organisation(name: "Clinique du Parc", kind: .clinic, region: "28", tlpClearance: .green)
        let plan = try plan("""
            name;finess;region
            CHU de Rouen;760780239;28
            Clinique du Parc;750712184;
            """, existing: [byFiness, byName])
        XCTAssertEqual(plan.entries.map(\.action), [.update, .update])
        XCTAssertEqual(plan.entries[0].organisation.id, byFiness.id)
        XCTAssertEqual(plan.entries[0].fields, ["name"])
        XCTAssertEqual(plan.entries[1].organisation.id, byName.id)
        XCTAssertEqual(plan.entries[1].organisation.finess, "750712184")
        XCTAssertEqual(plan.entries[1].fields, ["finess"])
    }

    func testTwoEstablishmentsMayShareANameWhenTheirFINESSNumbersDiffer() throws {
        var known = Organisation(name: "EHPAD Les Tilleuls", kind: .ehpad, region: "28", tlpClearance: .green)
        known.finess = "760780239"
        let plan = try plan("name;finess\nEHPAD Les Tilleuls;750712184\nEHPAD Les Tilleuls;760780239\n", existing: [known])
        XCTAssertEqual(plan.entries.map(\.action), [.create, .unchanged])
    }

    func testAmbiguousNamesAreRefused() {
        let twins = [Organisation(name: "EHPAD Les Tilleuls", kind: .ehpad, region: "28", tlpClearance: .green),
                     Organisation(name: "EHPAD Les Tilleuls", kind: .ehpad, region: "11", tlpClearance: .green)]
        XCTAssertTrue(errors("name\nEHPAD Les Tilleuls\n", existing: twins).first?.reason.contains("2 organisations") == true)
        XCTAssertEqual(errors("name\nSans numéro\nSans numéro\n").map(\.line), [2, 3])
        // Two rows that would update the same organisation.
        let one = Organisation(name: "Clinique", kind: .clinic, region: "28", tlpClearance: .green)
        XCTAssertEqual(errors("name;finess\nClinique;760780239\nClinique;750712184\n", existing: [one]).map(\.line), [3])
    }

    func testAnEmptyCellKeepsTheStoredValueAndContactsKeepTheirIdentity() throws {
        var org = Organisation(name: "CHU de Rouen", kind: .chu, region: "28", tlpClearance: .amber, locale: "en",
                               contacts: [Contact(id: "c1", role: .rssi, email: "rssi@chu-rouen.fr", locale: "fr", outOfBand: true)])
        org.finess = "760780239"
        let same = try plan("name;finess;kind;region;clearance;locale;contacts\nCHU de Rouen;760780239;;;;;rssi: RSSI@chu-rouen.fr\n", existing: [org])
        XCTAssertEqual(same.entries.map(\.action), [.update])
        XCTAssertEqual(same.entries[0].fields, ["contacts"], "the address's case is the file's")
        let updated = same.entries[0].organisation
        XCTAssertEqual(updated.contacts.first?.id, "c1")
        XCTAssertEqual(updated.contacts.first?.outOfBand, true)
        XCTAssertEqual(updated.locale, "en")
        XCTAssertEqual(updated.tlpClearance, .amber)
        let again = try plan("name;finess;contacts\nCHU de Rouen;760780239;rssi: RSSI@chu-rouen.fr\n", existing: [updated])
        XCTAssertEqual(again.entries.map(\.action), [.unchanged])
        XCTAssertEqual(again.entries[0].organisation, updated)
    }

    func testAGeneratedFileOf3000RowsPlansAndABadRowNamesItsLine() throws {
        let (csv, lines) = EstablishmentsCSV.make(count: 3_000)
        let plan = try plan(csv)
        XCTAssertEqual(plan.creations.count, 3_000)
        XCTAssertEqual(plan.entries.map(\.line), lines)
        let again = try OrganisationImportPlan(csv: Array(csv.utf8), existing: plan.creations)
        XCTAssertTrue(again.entries.allSatisfy { $0.action == .unchanged })

        let bad = EstablishmentsCSV.make(count: 3_000, badRow: 2_345)
        XCTAssertNotEqual(bad.lines[2_344], 2_346, "multi-line rows shift the line numbers")
        let refused = errors(bad.csv)
        XCTAssertEqual(refused.map(\.line), [bad.lines[2_344]])
        XCTAssertTrue(refused[0].reason.contains("check digit"))
    }
}
