import TocsinCore
import XCTest

final class ServerSentEventParserTests: XCTestCase {
    func testEventsSplitAcrossChunksWithCommentsAndCRLF() {
        var parser = ServerSentEventParser()
        XCTAssertEqual(parser.feed(Array(": hello\r\nretry: 2000\r\n\r\nid: 7\r\nevent: alert.pub".utf8)), [])
        let events = parser.feed(Array("lished\r\ndata: {\"a\":1}\r\ndata: line2\r\n\r\nid: 8\ndata: x\n\n".utf8))
        XCTAssertEqual(events, [
            .init(id: "7", type: "alert.published", data: "{\"a\":1}\nline2"),
            .init(id: "8", type: "message", data: "x"),
        ])
        XCTAssertEqual(parser.lastEventId, "8")
        XCTAssertEqual(parser.feed(Array("event: ignored\n\n".utf8)), [], "no data, no event")
    }
}
