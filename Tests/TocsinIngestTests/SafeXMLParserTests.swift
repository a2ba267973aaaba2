import Foundation
import XCTest
import TocsinTestSupport
@testable import TocsinIngest

final class SafeXMLParserTests: XCTestCase {
    private func parse(_ text: String, limits: SafeXMLParser.Limits = .standard) throws -> SafeXMLElement {
        try SafeXMLParser.parse(Data(text.utf8), limits: limits)
    }

    private func refusal(_ data: Data, limits: SafeXMLParser.Limits = .standard, file: StaticString = #filePath, line: UInt = #line) -> SafeXMLError? {
        do {
            _ = try SafeXMLParser.parse(data, limits: limits)
            XCTFail("the document was accepted", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SafeXMLError? {
        refusal(Data(text.utf8), file: file, line: line)
    }

    // MARK: What must work

    func testDeclarationWithSpacesProcessingInstructionsAndCommentsBeforeTheRoot() throws {
        let root = try parse("""
        <?xml version = '1.0' encoding = 'UTF-8' standalone = 'yes'?>
        <?xml-stylesheet href='capatomproduct.xsl' type='text/xsl'?>

        <!--
        A long comment before the root element, with <markup> and & in it.
        -->
        <alert xmlns = 'urn:oasis:names:tc:emergency:cap:1.1'><!-- inside --><identifier>X</identifier></alert>
        """)
        XCTAssertEqual(root.name, "alert")
        XCTAssertEqual(root.namespace, "urn:oasis:names:tc:emergency:cap:1.1")
        XCTAssertEqual(root.childValue("identifier", namespace: "urn:oasis:names:tc:emergency:cap:1.1"), "X")
    }

    func testCDATACharacterReferencesAndPredefinedEntities() throws {
        let root = try parse("<a><b><![CDATA[<p>x & y</p>]]></b><c>caf&#233; &#x20AC;5 &lt;&gt;&amp;&apos;&quot;</c></a>")
        XCTAssertEqual(root.childValue("b", namespace: nil), "<p>x & y</p>")
        XCTAssertEqual(root.childValue("c", namespace: nil), "café €5 <>&'\"")
    }

    func testDefaultAndPrefixedNamespacesAndAttributes() throws {
        let root = try parse("""
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="urn:oasis:names:tc:emergency:cap:1.1">
          <entry><cap:event>Flood</cap:event><link rel="alternate" href="https://example.org/a?x=1&amp;y=2"/></entry>
          <plain xmlns=""><inner/></plain>
        </feed>
        """)
        XCTAssertEqual(root.namespace, "http://www.w3.org/2005/Atom")
        let entry = try XCTUnwrap(root.child("entry", namespace: "http://www.w3.org/2005/Atom"))
        let event = try XCTUnwrap(entry.child("event", namespace: "urn:oasis:names:tc:emergency:cap:1.1"))
        XCTAssertEqual(event.prefix, "cap")
        XCTAssertEqual(event.value, "Flood")
        XCTAssertEqual(entry.child("link", namespace: "http://www.w3.org/2005/Atom")?.attribute("href"), "https://example.org/a?x=1&y=2")
        let plain = try XCTUnwrap(root.child("plain", namespace: nil))
        XCTAssertNotNil(plain.child("inner", namespace: nil))
        XCTAssertTrue(root.attributes.isEmpty, "xmlns declarations are not attributes")
    }

    func testMixedContentKeepsDocumentOrder() throws {
        let root = try parse("<div>Hello <b>bold</b> world</div>")
        XCTAssertEqual(root.text, "Hello  world")
        XCTAssertEqual(root.textContent, "Hello bold world")
    }

    func testLineEndsAndAttributeWhiteSpaceAreNormalised() throws {
        let root = try parse("<a t=\"x\ty\r\nz\">one\r\ntwo\rthree</a>")
        XCTAssertEqual(root.attribute("t"), "x y z")
        XCTAssertEqual(root.text, "one\ntwo\nthree")
    }

    func testByteOrderMarkAndLatin1AreAccepted() throws {
        XCTAssertEqual(try SafeXMLParser.parse(Data([0xEF, 0xBB, 0xBF] + Array("<a>x</a>".utf8))).text, "x")
        let latin1 = Data(Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf".utf8) + [0xE9] + Array("</a>".utf8))
        XCTAssertEqual(try SafeXMLParser.parse(latin1).text, "café")
    }

    /// The declared encoding is found as a search by Characters finds it: a CR LF, one Character, is no white space
    /// before or after its `=`, so such a declaration names no encoding and the document is read as UTF-8.
    func testDeclaredEncodingIsReadAsCharactersReadIt() throws {
        let spaced = Data(Array("<?xml version=\"1.0\" encoding \t= 'ISO-8859-1'?><a>caf".utf8) + [0xE9] + Array("</a>".utf8))
        XCTAssertEqual(try SafeXMLParser.parse(spaced).text, "café")
        let crlf = Data("<?xml version=\"1.0\" encoding\r\n=\"ISO-8859-1\"?><a>café</a>".utf8)
        XCTAssertEqual(try SafeXMLParser.parse(crlf).text, "café")
    }

    /// An end tag closes its element when its name is the same String as the start tag's, even written with other
    /// bytes (a precomposed letter against a letter and a combining accent); other names are refused.
    func testEndTagNamesCompareAsStrings() throws {
        XCTAssertEqual(try SafeXMLParser.parse(Data("<café>x</cafe\u{301}>".utf8)).name, "café")
        XCTAssertEqual(try SafeXMLParser.parse(Data("<p:a xmlns:p='urn:x'><b>y</b></p:a>".utf8)).children.first?.text, "y")
        XCTAssertEqual(refusal("<a><b></a></b>")?.kind, .malformed)
        XCTAssertEqual(refusal("<ab></a>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a></ab>")?.kind, .malformed)
    }

    // MARK: Hostile input

    func testBillionLaughsIsRefusedAtTheDoctype() throws {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            text += " <!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        text += "]>\n<lolz>&lol9;</lolz>"
        let start = Date()
        let error = refusal(text)
        XCTAssertEqual(error?.kind, .doctypeForbidden)
        XCTAssertEqual(error?.line, 2)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
        XCTAssertTrue(error?.description.contains("DOCTYPE") == true, error?.description ?? "")
    }

    func testExternalEntityIsRefused() {
        let error = refusal("<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><foo>&xxe;</foo>")
        XCTAssertEqual(error?.kind, .doctypeForbidden)
    }

    func testEntityDeclarationOrUndefinedEntityIsRefused() {
        XCTAssertEqual(refusal("<!ENTITY xxe SYSTEM \"file:///etc/passwd\"><foo/>")?.kind, .entityForbidden)
        XCTAssertEqual(refusal("<foo>&xxe;</foo>")?.kind, .entityForbidden)
        XCTAssertEqual(refusal("<foo a=\"&nbsp;\"/>")?.kind, .entityForbidden)
        XCTAssertEqual(refusal("<foo><![CDATA[x]]><!DOCTYPE x></foo>")?.kind, .doctypeForbidden)
    }

    func testDeepNestingIsRefusedAtTheLimit() {
        let text = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        let start = Date()
        let error = refusal(text)
        XCTAssertEqual(error?.kind, .tooDeep)
        XCTAssertEqual(error?.column, 3 * IngestLimits.depth + 1, "refused at the first element beyond the limit")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertNoThrow(try parse(String(repeating: "<a>", count: IngestLimits.depth) + String(repeating: "</a>", count: IngestLimits.depth)))
    }

    func testTruncatedDocumentsAreRefused() {
        XCTAssertEqual(refusal("<?xml version=\"1.0\"?><rss><channel><item><title>cut")?.kind, .truncated)
        XCTAssertEqual(refusal("<rss><channel")?.kind, .truncated)
        XCTAssertEqual(refusal("<a><![CDATA[never closed</a>")?.kind, .truncated)
        XCTAssertEqual(refusal("<a><!-- never closed </a>")?.kind, .truncated)
        XCTAssertEqual(refusal("")?.kind, .truncated)
    }

    func testInvalidUTF8IsRefusedWithItsPosition() {
        let error = refusal(Data(Array("<a>\nok ".utf8) + [0xC3, 0x28] + Array("</a>".utf8)))
        XCTAssertEqual(error?.kind, .invalidEncoding)
        XCTAssertEqual(error?.line, 2)
        XCTAssertEqual(error?.column, 4)
        XCTAssertEqual(refusal(Data([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E]))?.kind, .invalidEncoding)
        XCTAssertEqual(refusal("<a>\u{1}</a>")?.kind, .invalidEncoding)
        XCTAssertEqual(refusal(Data([0xFF, 0xFE, 0x3C, 0x00]))?.kind, .invalidEncoding)
        XCTAssertEqual(refusal("<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>")?.kind, .invalidEncoding)
    }

    func testSizeAttributeAndNameLimits() {
        var small = SafeXMLParser.Limits.standard
        small.documentBytes = 10
        XCTAssertEqual(refusal(Data("<a>0123456789</a>".utf8), limits: small)?.kind, .tooLarge)
        let attributes = (0...256).map { "a\($0)=\"x\"" }.joined(separator: " ")
        XCTAssertEqual(refusal("<a \(attributes)/>")?.kind, .tooMany)
        XCTAssertEqual(refusal("<a b=\"\(String(repeating: "x", count: 70_000))\"/>")?.kind, .tooMany)
        XCTAssertEqual(refusal("<\(String(repeating: "n", count: 2_000))/>")?.kind, .tooMany)
        var few = SafeXMLParser.Limits.standard
        few.elements = 3
        XCTAssertEqual(refusal(Data("<a><b/><c/><d/></a>".utf8), limits: few)?.kind, .tooMany)
    }

    func testMalformedDocumentsAreRefused() {
        XCTAssertEqual(refusal("<a></b>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a x='1' x='2'/>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a x=1/>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a x='<'/>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a>&#0;</a>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a>&#xD800;</a>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a>x & y</a>")?.kind, .malformed)
        XCTAssertEqual(refusal("<a/><b/>")?.kind, .malformed)
        XCTAssertEqual(refusal("text<a/>")?.kind, .malformed)
        XCTAssertEqual(refusal("<p:a/>")?.kind, .undeclaredPrefix)
        XCTAssertEqual(refusal("<a/><?xml version=\"1.0\"?>")?.kind, .malformed)
    }

    /// Every prefix and byte-corrupted copy of the real XML fixtures is either read or refused, never a crash.
    func testCutAndCorruptedFixturesAreReadOrRefused() throws {
        let adapters: [any IngestAdapter] = [CAPAdapter(), FeedAdapter(), CERTFRAdapter()]
        var files: [URL] = []
        for folder in ["cap", "feeds", "cert-fr/rss"] { files += try Fixtures.files(in: folder, extensions: [".xml"]) }
        var refused = 0
        for url in files {
            let bytes = [UInt8](try Data(contentsOf: url))
            let step = max(1, bytes.count / 10)
            var variants: [Data] = stride(from: 0, to: bytes.count, by: step).map { Data(bytes[..<$0]) }
            for (index, offset) in stride(from: 7, to: bytes.count, by: step).enumerated() {
                var corrupted = bytes
                corrupted[offset] = [0x3C, 0x26, 0x00, 0xFF, 0x22, 0x3E][index % 6]
                variants.append(Data(corrupted))
            }
            for (index, variant) in variants.enumerated() {
                do { _ = try adapters[index % adapters.count].parse(variant, options: IngestOptions()) } catch { refused += 1 }
            }
        }
        XCTAssertGreaterThan(refused, 0)
    }

    func testRootTagSniffing() {
        let sniffed = SafeXMLRootTag.sniff(Data("<?xml version='1.0'?>\n<!-- c -->\n<?pi x?><cap:alert xmlns:cap='urn:x'>".utf8))
        XCTAssertEqual(sniffed?.name, "alert")
        XCTAssertEqual(sniffed?.startTag, "<cap:alert xmlns:cap='urn:x'>")
        XCTAssertNil(SafeXMLRootTag.sniff(Data("{\"a\": 1}".utf8)))
    }

    /// The byte check that now comes before the scalar decoder accepts exactly what the decoder accepts.
    func testTheByteLevelEncodingCheckMatchesTheDecoder() {
        func decoderAccepts(_ bytes: [UInt8]) -> Bool {
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    let value = scalar.value
                    guard value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF) else { return false }
                case .emptyInput: return true
                case .error: return false
                }
            }
        }
        var generator = SplitMix64(seed: 8)
        let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBE, 0xBF, 0xC0, 0xC1,
                                    0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF]
        for _ in 0..<100_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &generator)).map { _ in interesting.randomElement(using: &generator)! }
            XCTAssertEqual(SafeXMLEncoding.isValidXMLText(bytes), decoderAccepts(bytes), "\(bytes)")
        }
        for value in stride(from: UInt32(0), through: 0x10FFFF, by: 7) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let bytes = Array(String(scalar).utf8) + [0x41]
            XCTAssertEqual(SafeXMLEncoding.isValidXMLText(bytes), decoderAccepts(bytes), "U+\(String(value, radix: 16))")
        }
        for value: UInt32 in [0xFFFE, 0xFFFF, 0xD7FF, 0xE000, 0x10FFFF, 0x1FFFE] {
            let bytes = Array(String(Unicode.Scalar(value)!).utf8)
            XCTAssertEqual(SafeXMLEncoding.isValidXMLText(bytes), decoderAccepts(bytes), "U+\(String(value, radix: 16))")
        }
    }

    /// Hostile feeds at the size limit are read or refused in bounded time: a description of lone "<" before a far
    /// ">", deep nesting, a CERT-FR reference run of "CERT" with no end, long lines with carriage returns.
    func testPathologicalFeedsFinishFast() throws {
        let budget = 20.0  // seconds for each document, in a debug build on a shared machine; a quadratic one takes hours
        func time(_ name: String, _ document: String, adapter: any IngestAdapter) {
            let start = Date()
            _ = try? adapter.parse(Data(document.utf8), options: IngestOptions())
            XCTAssertLessThan(Date().timeIntervalSince(start), budget, name)
        }
        let size = 4_000_000
        let lone = String(repeating: "a &lt; b ", count: size / 9)
        time("lone < before a far >", "<rss><channel><item><title>t</title><description>\(lone)&gt;</description></item></channel></rss>", adapter: FeedAdapter())
        let cert = String(repeating: "CERT", count: size / 4)
        time("a run of CERT", "<rss><channel><link>https://www.cert.ssi.gouv.fr/</link><item><title>\(cert)</title><link>https://x/\(cert)</link><description>Mise à jour du \(cert)</description></item></channel></rss>", adapter: CERTFRAdapter())
        let returns = String(repeating: "ligne\r\n\r \t", count: size / 10)
        time("carriage returns", "<rss><channel><item><title>t</title><description><![CDATA[<p>\(returns)</p>]]></description></item></channel></rss>", adapter: FeedAdapter())
        let nested = String(repeating: "<div>", count: 200_000) + "x" + String(repeating: "</div>", count: 200_000)
        time("nested markup in a description", "<rss><channel><item><title>t</title><description><![CDATA[\(nested)]]></description></item></channel></rss>", adapter: FeedAdapter())
        let items = String(repeating: "<item><title>Exécution de code à distance</title><description>Mise à jour du 4 mars 2024 distance</description><pubDate>Tue, 07 Mar 2023 00:29:00 GMT</pubDate><link>https://www.cert.ssi.gouv.fr/avis/CERTFR-2024-AVI-0001/</link></item>", count: 10_000)
        time("many items", "<rss><channel><link>https://www.cert.ssi.gouv.fr/</link>\(items)</channel></rss>", adapter: CERTFRAdapter())
    }
}
