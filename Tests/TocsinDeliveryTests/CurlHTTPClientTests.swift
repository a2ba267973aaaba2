#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import TocsinNet
import XCTest

/// The event-driven client against a real receiver on loopback: many requests at once on kept-alive connections,
/// timeouts, a receiver that closes its connections, the size limit on answers, and the SSRF guard before any
/// connection.
final class CurlHTTPClientTests: XCTestCase {
    func testManyConcurrentRequestsAllArriveOnAFewKeptAliveConnections() async throws {
        let receiver = try RawReceiver()
        defer { receiver.stop() }
        let client = CurlHTTPClient(connectionsPerHost: 8)
        defer { client.shutdown() }
        let count = 2_000
        let statuses = await withTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    let body = Array("{\"n\":\(index)}".utf8)
                    guard case .success(let result) = await client.send(HTTPRequest(url: receiver.url("/ok?n=\(index)"), body: body)) else { return 0 }
                    return result.status
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertEqual(statuses.count, count)
        XCTAssertTrue(statuses.allSatisfy { $0 == 204 }, "\(Set(statuses))")
        XCTAssertEqual(Set(receiver.paths()).count, count, "every request arrived once")
        // Kept alive and shared: far fewer connections than requests, never more than the per-host limit at once.
        XCTAssertLessThanOrEqual(receiver.connections, 16, "\(receiver.connections) connections for \(count) requests")
        XCTAssertLessThanOrEqual(receiver.peakOpen, 8)
    }

    func testASlowReceiverTimesOutWithoutHoldingUpTheOthers() async throws {
        let receiver = try RawReceiver()
        defer { receiver.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let started = ContinuousClock.now
        async let slow = client.send(HTTPRequest(url: receiver.url("/slow"), timeout: 0.5))
        // While one request waits for its answer, others go through.
        for index in 0..<20 {
            guard case .success(let result) = await client.send(HTTPRequest(url: receiver.url("/ok?q=\(index)"))) else { return XCTFail("request \(index) failed") }
            XCTAssertEqual(result.status, 204)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(450), "the quick requests did not wait for the slow one")
        guard case .failure(.transport(let message)) = await slow else { return XCTFail("the slow request did not time out") }
        XCTAssertTrue(message.lowercased().contains("timeout") || message.lowercased().contains("timed out"), message)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3))
    }

    func testARequestWaitingForABusyHostTimesOutOnTimeWhileOtherHostsGoThrough() async throws {
        let busy = try RawReceiver()
        defer { busy.stop() }
        let other = try RawReceiver()
        defer { other.stop() }
        let client = CurlHTTPClient(connectionsPerHost: 2)
        defer { client.shutdown() }
        // Two slow answers take both connections the host is allowed.
        async let first = client.send(HTTPRequest(url: busy.url("/slow?n=1"), timeout: 5))
        async let second = client.send(HTTPRequest(url: busy.url("/slow?n=2"), timeout: 5))
        while busy.paths().count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        // A third request to the same host waits for a connection, and its timeout counts from when it was handed over.
        let started = ContinuousClock.now
        async let third = client.send(HTTPRequest(url: busy.url("/ok?n=3"), timeout: 0.5))
        // Another host is not held up by the busy one.
        guard case .success(let quick) = await client.send(HTTPRequest(url: other.url("/ok?elsewhere"))) else { return XCTFail("the other host waited") }
        XCTAssertEqual(quick.status, 204)
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(400))
        guard case .failure(.transport(let message)) = await third else { return XCTFail("the waiting request did not time out") }
        let waited = ContinuousClock.now - started
        XCTAssertTrue(message.lowercased().contains("timeout"), message)
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(450))
        XCTAssertLessThan(waited, .milliseconds(1_500), "timed out after the slow answers, not on time")
        XCTAssertFalse(busy.paths().contains("/ok?n=3"), "a request that timed out waiting was never sent")
        XCTAssertLessThanOrEqual(busy.peakOpen, 2)
        // The slow ones end normally, and the host takes new requests on the connections they free.
        for outcome in await [first, second] {
            guard case .success(let answer) = outcome else { return XCTFail("a slow request failed: \(outcome)") }
            XCTAssertEqual(answer.status, 204)
        }
        guard case .success(let after) = await client.send(HTTPRequest(url: busy.url("/ok?n=4"), timeout: 2)) else { return XCTFail("the host stayed blocked") }
        XCTAssertEqual(after.status, 204)
    }

    func testAReceiverThatClosesEveryConnectionIsStillServed() async throws {
        let receiver = try RawReceiver()
        defer { receiver.stop() }
        let client = CurlHTTPClient(connectionsPerHost: 4)
        defer { client.shutdown() }
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<200 {
                group.addTask {
                    guard case .success(let result) = await client.send(HTTPRequest(url: receiver.url("/close?n=\(index)"), body: [1, 2, 3])) else { return 0 }
                    return result.status
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        XCTAssertTrue(results.allSatisfy { $0 == 204 }, "\(Set(results))")
        XCTAssertEqual(receiver.connections, 200, "one connection per request when the receiver closes each")
        // A receiver that drops the connection without answering is a transport failure (retried), not a success.
        guard case .failure(.transport) = await client.send(HTTPRequest(url: receiver.url("/drop"))) else { return XCTFail("a dropped request succeeded") }
    }

    func testAnAnswerPastTheLimitIsCutAndMarkedTruncated() async throws {
        let receiver = try RawReceiver()
        defer { receiver.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        guard case .success(let big) = await client.send(HTTPRequest(url: receiver.url("/big"), method: "GET", maxBodyBytes: 1_000)) else {
            return XCTFail("no answer")
        }
        XCTAssertTrue(big.truncated)
        XCTAssertEqual(big.body.count, 1_000)
        XCTAssertEqual(big.status, 200)
        guard case .success(let small) = await client.send(HTTPRequest(url: receiver.url("/big"), method: "GET", maxBodyBytes: 4 << 20)) else {
            return XCTFail("no answer")
        }
        XCTAssertFalse(small.truncated)
        XCTAssertEqual(small.body.count, RawReceiver.bigSize)
        XCTAssertEqual(small.header("x-receiver"), "raw")
    }

    func testTheGuardRefusesBeforeAnyConnectionAndPinsTheAddressItChecked() async throws {
        let receiver = try RawReceiver()
        defer { receiver.stop() }
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let strict = TargetGuard()
        // Loopback refused: nothing reaches the receiver, the error is a refusal (not retried).
        for url in [receiver.url("/ok"), "http://localhost:\(receiver.port)/ok", "http://[::ffff:127.0.0.1]:\(receiver.port)/ok"] {
            let outcome = await client.send(HTTPRequest(url: url), pin: { components throws(HTTPClientError) in try strict.pin(components) })
            guard case .failure(.refused) = outcome else { return XCTFail("\(url) was not refused: \(outcome)") }
        }
        XCTAssertEqual(receiver.connections, 0)
        // Schemes other than http and https never start.
        guard case .failure(.refused) = await client.send(HTTPRequest(url: "file:///etc/passwd", method: "GET")) else { return XCTFail("file URL") }
        // Allowed, the request goes to the pinned address whatever the name resolves to.
        let permissive = TargetGuard(allowedNetworks: [IPNetwork("127.0.0.0/8")!])
        let pinned = await client.send(HTTPRequest(url: "http://receiver.invalid:\(receiver.port)/ok"), pin: { _ in
            "receiver.invalid:\(receiver.port):127.0.0.1"
        })
        guard case .success(let answer) = pinned else { return XCTFail("pinned request failed: \(pinned)") }
        XCTAssertEqual(answer.status, 204)
        let checked = await client.send(HTTPRequest(url: receiver.url("/ok")), pin: { components throws(HTTPClientError) in try permissive.pin(components) })
        guard case .success = checked else { return XCTFail("allowed target failed: \(checked)") }
        // Redirects are never followed.
        guard case .success(let redirect) = await client.send(HTTPRequest(url: receiver.url("/redirect"), method: "GET")) else { return XCTFail("no answer") }
        XCTAssertEqual(redirect.status, 302)
        XCTAssertFalse(receiver.paths().contains("/ok?redirected"))
    }

    func testRequestsAfterShutdownFailAtOnce() async throws {
        let client = CurlHTTPClient()
        client.shutdown()
        guard case .failure(.transport) = await client.send(HTTPRequest(url: "http://127.0.0.1:9/")) else { return XCTFail("sent after shutdown") }
    }
}

/// An HTTP/1.1 receiver on loopback written on bare sockets, one thread per connection, so that each test controls
/// what the connection does: `/ok` answers 204 and keeps the connection, `/close` answers and closes, `/drop` closes
/// without answering, `/slow` answers after two seconds, `/big` sends a large body, `/redirect` answers 302.
final class RawReceiver: @unchecked Sendable {
    static let bigSize = 3 << 20
    let port: Int
    private let listener: Int32
    private let state = Mutex<(paths: [String], connections: Int, open: Int, peak: Int, stopped: Bool)>(([], 0, 0, 0, false))

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 512) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.accept() }
        thread.start()
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }
    func paths() -> [String] { state.withLock { $0.paths } }
    var connections: Int { state.withLock { $0.connections } }
    var peakOpen: Int { state.withLock { $0.peak } }

    func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func accept() {
        while true {
            let connection = Glibc.accept(listener, nil, nil)
            guard connection >= 0 else { return }
            state.withLock {
                $0.connections += 1
                $0.open += 1
                $0.peak = max($0.peak, $0.open)
            }
            let thread = Thread { [self] in
                self.serve(connection)
                close(connection)
                self.state.withLock { $0.open -= 1 }
            }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            // One request: the header block, then Content-Length bytes of body.
            var headerEnd: Int?
            while headerEnd == nil {
                if let end = Self.find([13, 10, 13, 10], in: pending) { headerEnd = end; break }
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { return }
                pending += buffer[0..<count]
            }
            let head = String(decoding: pending[0..<headerEnd!], as: UTF8.self)
            let lines = head.split(separator: "\r\n")
            let path = lines.first.map { String($0.split(separator: " ").dropFirst().first ?? "") } ?? ""
            let length = lines.compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                return parts.count == 2 && parts[0].lowercased() == "content-length" ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
            }.first ?? 0
            let total = headerEnd! + 4 + length
            while pending.count < total {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { return }
                pending += buffer[0..<count]
            }
            pending.removeFirst(total)
            state.withLock { $0.paths.append(path) }
            let route = String(path.split(separator: "?").first ?? "")
            switch route {
            case "/drop":
                return
            case "/slow":
                Thread.sleep(forTimeInterval: 2)
                guard write(connection, "HTTP/1.1 204 No Content\r\n\r\n") else { return }
            case "/close":
                _ = write(connection, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                return
            case "/big":
                guard write(connection, "HTTP/1.1 200 OK\r\nX-Receiver: raw\r\nContent-Length: \(Self.bigSize)\r\n\r\n") else { return }
                let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 65_536)
                var sent = 0
                while sent < Self.bigSize {
                    let count = chunk.withUnsafeBytes { send(connection, $0.baseAddress, min(chunk.count, Self.bigSize - sent), Int32(MSG_NOSIGNAL)) }
                    guard count > 0 else { return }
                    sent += count
                }
            case "/redirect":
                guard write(connection, "HTTP/1.1 302 Found\r\nLocation: /ok?redirected\r\nContent-Length: 0\r\n\r\n") else { return }
            default:
                guard write(connection, "HTTP/1.1 204 No Content\r\n\r\n") else { return }
            }
        }
    }

    private func write(_ connection: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { send(connection, $0.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle {
            return index
        }
        return nil
    }
}
