import Foundation
import XCTest
import TocsinCore
import TocsinTestSupport
@testable import TocsinIngest

final class CAPAdapterTests: XCTestCase {
    private let adapter = CAPAdapter()

    func testEveryCAPFixtureGivesOneValidAlertAndIsRecognised() throws {
        let files = try Fixtures.files(in: "cap", extensions: [".xml"])
        XCTAssertEqual(files.count, 8)
        for url in files {
            let data = try Data(contentsOf: url)
            XCTAssertTrue(CAPAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(FeedAdapter.recognises(data), url.lastPathComponent)
            XCTAssertFalse(CERTFRAdapter.recognises(data), url.lastPathComponent)
            let alerts = try adapter.parse(data, options: IngestOptions())
            XCTAssertEqual(alerts.count, 1, url.lastPathComponent)
            alerts.forEach { assertValid($0) }
            XCTAssertEqual(alerts.first?.draft.source, "cap")
            XCTAssertEqual(alerts.first?.draft.tlp, .clear)
        }
    }

    func testSpecExampleA1HomelandSecurity() throws {
        let alert = try XCTUnwrap(ingest(adapter, "cap/cap12-spec-A1-homeland-security.xml").first)
        let draft = alert.draft
        XCTAssertEqual(alert.action, .publish)
        XCTAssertEqual(alert.supersedes, [])
        XCTAssertEqual(draft.sourceRef, "hsas@dhs.gov,43b080713727")
        XCTAssertEqual(draft.title, "Homeland Security Advisory System Update: Homeland Security Sets Code ORANGE")
        XCTAssertEqual(draft.sourcePublishedAt, date("2003-04-02T14:39:01-05:00"))
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.attributes["tocsin.severitySource"], "source")
        XCTAssertEqual(draft.attributes["cap.category"], "Security")
        XCTAssertEqual(draft.attributes["cap.urgency"], "Immediate")
        XCTAssertEqual(draft.attributes["cap.severity"], "Severe")
        XCTAssertEqual(draft.attributes["cap.certainty"], "Likely")
        XCTAssertEqual(draft.attributes["cap.msgType"], "Alert")
        XCTAssertEqual(draft.attributes["cap.status"], "Actual")
        XCTAssertEqual(draft.attributes["cap.scope"], "Public")
        XCTAssertEqual(draft.attributes["cap.version"], "1.2")
        XCTAssertTrue(draft.summary.hasPrefix("The Department of Homeland Security has elevated the Homeland Security Advisory System threat level"))
        let body = try XCTUnwrap(draft.body)
        XCTAssertTrue(body.contains("Instructions: A High Condition is declared when there is a high risk of terrorist attacks."), body)
        XCTAssertTrue(body.contains("Area: U.S. nationwide and interests worldwide"), body)
        XCTAssertEqual(draft.references.map(\.url), ["http://www.dhs.gov/dhspublic/display?theme=29", "http://www.dhs.gov/dhspublic/getAdvisoryImage"])
        XCTAssertTrue(draft.categories.isEmpty)
    }

    func testSpecExampleA3EarthquakeUpdateSupersedesTheReferencedMessage() throws {
        let alert = try XCTUnwrap(ingest(adapter, "cap/cap12-spec-A3-earthquake.xml").first)
        XCTAssertEqual(alert.action, .publish)
        XCTAssertEqual(alert.supersedes, ["trinet@caltech.edu,TRI13970876.1"])
        XCTAssertEqual(alert.draft.sourceRef, "trinet@caltech.edu,TRI13970876.2")
        XCTAssertEqual(alert.draft.title, "Earthquake: EQ 3.4 Imperial County CA")
        XCTAssertEqual(alert.draft.severity, .low)
        XCTAssertEqual(alert.draft.attributes["cap.msgType"], "Update")
        XCTAssertEqual(alert.draft.attributes["cap.category"], "Geo")
    }

    func testSpecExampleA4PrefersTheEnglishInfoOverTheSpanishOne() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cap/cap12-spec-A4-amber.xml").first).draft
        XCTAssertEqual(draft.title, "Child Abduction: Amber Alert in Los Angeles County")
        XCTAssertEqual(draft.attributes["cap.language"], "en-US")
        XCTAssertEqual(draft.attributes["cap.category"], "Rescue")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertTrue(draft.body?.contains("Contact: DET. SMITH, 77TH DIV") == true)
    }

    func testFrenchInfoIsPreferredWhenPresent() throws {
        let xml = """
        <alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>FR-1</identifier><sender>a@b.fr</sender>
        <sent>2024-05-01T10:00:00+02:00</sent><status>Exercise</status><msgType>Alert</msgType><scope>Public</scope>
        <info><language>en-GB</language><category>Infra</category><event>Outage</event><urgency>Expected</urgency>
        <severity>Moderate</severity><certainty>Likely</certainty></info>
        <info><language>fr-FR</language><category>Infra</category><event>Panne</event><urgency>Expected</urgency>
        <severity>Moderate</severity><certainty>Likely</certainty><headline>Panne du SI régional</headline></info></alert>
        """
        let draft = try XCTUnwrap(adapter.parse(Data(xml.utf8), options: IngestOptions(extraCategories: ["Santé"])).first).draft
        XCTAssertEqual(draft.title, "Panne du SI régional [Exercise]", "the headline already names the event")
        XCTAssertEqual(draft.severity, .medium)
        XCTAssertEqual(draft.categories, ["santé"])
    }

    func testIPAWSCancelWithoutInfoAndWithSignature() throws {
        let alert = try XCTUnwrap(ingest(adapter, "cap/ipaws-cancel-signed.xml").first)
        XCTAssertEqual(alert.action, .cancel)
        XCTAssertEqual(alert.supersedes, ["bbrundage@dps.state.nv.us,AS-NV-e18921c7-1b35-4a81-9705-42d25c265ddd"])
        XCTAssertEqual(alert.draft.sourceRef, "bbrundage@dps.state.nv.us,AS-NV-58d33e3a-1f9a-4909-9d59-34e90b33b3e8")
        XCTAssertEqual(alert.draft.title, "CAP Cancel AS-NV-58d33e3a-1f9a-4909-9d59-34e90b33b3e8")
        XCTAssertEqual(alert.draft.sourcePublishedAt, date("2019-04-19T11:46:20-06:00"))
        XCTAssertEqual(alert.draft.severity, .medium)
        XCTAssertEqual(alert.draft.attributes["tocsin.severitySource"], "default")
        XCTAssertEqual(alert.draft.attributes["cap.msgType"], "Cancel")
        XCTAssertTrue(alert.draft.summary.contains("AS-NV-e18921c7-1b35-4a81-9705-42d25c265ddd"))
    }

    func testIPAWSExtremeLocalAreaEmergency() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cap/ipaws-local-area-emergency.xml").first).draft
        XCTAssertEqual(draft.sourceRef, "402013233923688,402013233923688")
        XCTAssertEqual(draft.title, "Local Area Emergency: Alert Montgomery - Police Searching for Suspicious Person")
        XCTAssertEqual(draft.severity, .critical)
        XCTAssertEqual(draft.attributes["cap.expires"], "2019-12-13T22:24:50.000Z")
        XCTAssertEqual(draft.attributes["cap.areaDesc"], "Montgomery County")
        XCTAssertEqual(draft.sourcePublishedAt, date("2019-12-13T13:24:50-08:00"))
    }

    func testNOAATsunamiUpdateSupersedesThreeMessagesAndUnknownSeverityIsTheDefault() throws {
        let alert = try XCTUnwrap(ingest(adapter, "cap/noaa-tsunami-update.xml").first)
        XCTAssertEqual(alert.action, .publish)
        XCTAssertEqual(alert.supersedes, ["wcatwc@noaa.gov,PAAQ-1-mg5a94", "wcatwc@noaa.gov,PAAQ-2-mg5a94", "wcatwc@noaa.gov,PAAQ-3-mg5a94"])
        XCTAssertEqual(alert.draft.sourceRef, "wcatwc@noaa.gov,PAAQ-4-mg5a94")
        XCTAssertTrue(alert.draft.title.hasPrefix("Tsunami Cancellation: The tsunami Warning is canceled for the coastal areas"))
        XCTAssertEqual(alert.draft.severity, .medium)
        XCTAssertEqual(alert.draft.attributes["tocsin.severitySource"], "default")
        XCTAssertEqual(alert.draft.sourcePublishedAt, date("2013-01-05T10:58:23Z"))
        XCTAssertEqual(alert.draft.references.first?.url, "http://ntwc.arh.noaa.gov/events/PAAQ/2013/01/05/mg5a94/4/WEAK51/WEAK51.txt")

        let configured = try XCTUnwrap(ingest(adapter, "cap/noaa-tsunami-update.xml", options: IngestOptions(sourceName: "noaa", defaultTLP: .green, defaultSeverity: .low)).first).draft
        XCTAssertEqual(configured.severity, .low)
        XCTAssertEqual(configured.tlp, .green)
        XCTAssertEqual(configured.source, "noaa")
    }

    func testNWSBlizzardWarningInCAP11() throws {
        let draft = try XCTUnwrap(ingest(adapter, "cap/nws-blizzard-warning-cap11.xml").first).draft
        XCTAssertEqual(draft.attributes["cap.version"], "1.1")
        XCTAssertEqual(draft.title, "Blizzard Warning issued December 27 at 10:08AM CST until December 27 at 6:00PM CST by NWS Duluth")
        XCTAssertEqual(draft.severity, .high)
        XCTAssertEqual(draft.attributes["cap.category"], "Met")
        XCTAssertEqual(draft.attributes["cap.expires"], "2021-12-28T00:00:00.000Z")
        XCTAssertEqual(draft.sourcePublishedAt, date("2021-12-27T16:08:00Z"))
        XCTAssertTrue(draft.body?.contains("Note: Alert for Southern Cook, North Shore") == true)
    }

    func testRefusals() {
        func message(_ xml: String) -> IngestError? {
            do { _ = try adapter.parse(Data(xml.utf8), options: IngestOptions()); return nil } catch { return error }
        }
        XCTAssertEqual(message("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><sender>x</sender><sent>2024-01-01T00:00:00Z</sent></alert>")?.path, "/alert/identifier")
        XCTAssertEqual(message("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>1</identifier><sender>x</sender><sent>hier</sent></alert>")?.path, "/alert/sent")
        XCTAssertEqual(message("<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>1</identifier><sender>x</sender><sent>2024-01-01T00:00:00Z</sent><msgType>Cancel</msgType></alert>")?.path, "/alert/references")
        XCTAssertEqual(message("<alert><identifier>1</identifier></alert>")?.path, "/")
        let doctype = message("<!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">&x;</alert>")
        XCTAssertEqual(doctype?.format, .cap)
        XCTAssertTrue(doctype?.message.contains("DOCTYPE") == true)
        let ack = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>1</identifier><sender>x</sender><sent>2024-01-01T00:00:00Z</sent><msgType>Ack</msgType></alert>"
        XCTAssertEqual(try adapter.parse(Data(ack.utf8), options: IngestOptions()).count, 0)
    }

    func testAnExerciseMessageIngestsAsADrill() throws {
        func draft(status: String, identifier: String) throws -> AlertDraft? {
            let xml = "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>\(identifier)</identifier><sender>cert@sante.fr</sender>"
                + "<sent>2026-12-03T08:00:00+01:00</sent><status>\(status)</status><msgType>Alert</msgType><scope>Public</scope></alert>"
            return try adapter.parse(Data(xml.utf8), options: IngestOptions()).first?.draft
        }
        XCTAssertEqual(try draft(status: "Exercise", identifier: "EX-2026/12#1")?.exerciseId, "cap:EX-2026_12_1")
        XCTAssertNil(try draft(status: "Actual", identifier: "A-1")?.exerciseId)
        XCTAssertNil(try draft(status: "Test", identifier: "A-1")?.exerciseId)
    }
}
