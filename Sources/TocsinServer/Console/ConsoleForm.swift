import Foundation
import Hummingbird
import NIOCore

/// A console form as posted: `application/x-www-form-urlencoded` fields, or `multipart/form-data` fields and files
/// (an inventory upload). Read once, by `ConsoleCSRFMiddleware`, which checks its `csrf` field before any handler
/// sees it; handlers read it from `context.consoleForm`.
struct ConsoleForm: Sendable {
    /// An uploaded file.
    struct File: Sendable {
        var filename: String
        var contentType: String?
        var data: Data
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    subscript(_ name: String) -> String? { fields[name] }

    /// At most this many bytes of a form without files, and of one with files.
    static let maximumFields = 64 * 1024
    static let maximumUpload = 8 * 1024 * 1024

    /// Reads the request's body as a form; nil when it is neither kind or is malformed.
    static func read(_ request: Request) async throws -> ConsoleForm? {
        let type = (request.headers[.contentType] ?? "").lowercased()
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let buffer = try await request.body.collectOrRefuse(upTo: maximumFields, setting: "a console form")
            return urlEncoded(String(decoding: buffer.readableBytesView, as: UTF8.self))
        }
        if type.hasPrefix("multipart/form-data"), let boundary = boundary(request.headers[.contentType] ?? "") {
            let buffer = try await request.body.collectOrRefuse(upTo: maximumUpload, setting: "a console upload")
            return multipart(Array(buffer.readableBytesView), boundary: boundary)
        }
        return nil
    }

    /// `a=1&b=x+y` (percent-encoding and `+` undone); the first of a repeated field is kept.
    static func urlEncoded(_ text: String) -> ConsoleForm {
        var form = ConsoleForm()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { continue }
            if form.fields[name] == nil { form.fields[name] = value }
        }
        return form
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.count) ? value : nil
        }
        return nil
    }

    /// RFC 7578: parts separated by `--boundary`, each with its headers, a blank line, then its bytes.
    static func multipart(_ bytes: [UInt8], boundary: String) -> ConsoleForm? {
        let delimiter = Array("--\(boundary)".utf8)
        var form = ConsoleForm()
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        guard starts.count >= 2 else { return nil }
        for (start, end) in zip(starts, starts.dropFirst()) {
            var partStart = start + delimiter.count
            guard partStart + 2 <= end, bytes[partStart] == 0x0D, bytes[partStart + 1] == 0x0A else { continue }
            partStart += 2
            var partEnd = end
            if partEnd - 2 >= partStart, bytes[partEnd - 2] == 0x0D, bytes[partEnd - 1] == 0x0A { partEnd -= 2 }
            guard let blank = find(Array("\r\n\r\n".utf8), in: bytes, from: partStart), blank <= partEnd else { return nil }
            let head = String(decoding: bytes[partStart..<blank], as: UTF8.self)
            let body = Data(bytes[(blank + 4)..<max(blank + 4, partEnd)])
            var name: String?
            var filename: String?
            var contentType: String?
            for line in head.components(separatedBy: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    contentType = String(line.dropFirst("content-type:".count)).trimmingCharacters(in: .whitespaces)
                }
            }
            guard let name else { continue }
            if let filename {
                if form.files[name] == nil { form.files[name] = File(filename: filename, contentType: contentType, data: body) }
            } else if form.fields[name] == nil {
                form.fields[name] = String(decoding: body, as: UTF8.self)
            }
        }
        return form
    }

    /// `name="value"` in a Content-Disposition line.
    static func parameter(_ name: String, in line: String) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            return parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
