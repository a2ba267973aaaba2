/// IPv4 and IPv6 addresses and prefixes as the extractor and the warninglists need them: strict parsing (no octal,
/// no leading zeros, no short forms), the RFC 5952 text form of IPv6, and the special-purpose ranges.
public enum IOCAddress: Sendable, Hashable {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// The strict dotted-quad or IPv6 address in `text`, nil otherwise.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        let parsed: IOCAddress? = bytes.withUnsafeBufferPointer { buffer in
            if let v4 = Self.parseIPv4(buffer, 0, buffer.count) { return .v4(v4) }
            if let v6 = Self.parseIPv6(buffer, 0, buffer.count) { return .v6(v6.0, v6.1) }
            return nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The canonical text of an IPv6 address (RFC 5952: lower case, no leading zeros, the longest run of zero groups
    /// shortened to `::`), nil when `text` is not one.
    public static func canonicalIPv6(_ text: some StringProtocol) -> String? {
        guard case .v6(let high, let low)? = IOCAddress(text) else { return nil }
        return formatIPv6(high, low)
    }

    /// Whether the address lies in a documentation range (RFC 5737: 192.0.2.0/24, 198.51.100.0/24,
    /// 203.0.113.0/24; RFC 3849 and RFC 9637: 2001:db8::/32, 3fff::/20): addresses made up for examples.
    public var isDocumentation: Bool {
        switch self {
        case .v4(let a):
            return a >> 8 == 0xC000_02 || a >> 8 == 0xC633_64 || a >> 8 == 0xCB00_71
        case .v6(let high, _):
            return high >> 32 == 0x2001_0DB8 || high >> 52 == 0x3FF
        }
    }

    /// Whether the address cannot be reached on the public Internet: unspecified, loopback, private (RFC 1918,
    /// unique-local fc00::/7), shared (100.64.0.0/10), link-local, benchmarking (198.18.0.0/15), IETF protocol
    /// assignments (192.0.0.0/24), multicast, reserved and broadcast.
    public var isNonPublic: Bool {
        switch self {
        case .v4(let a):
            let ranges: [(UInt32, UInt32)] = [
                (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16),
                (0xAC10_0000, 12), (0xC000_0000, 24), (0xC0A8_0000, 16), (0xC612_0000, 15), (0xE000_0000, 4),
                (0xF000_0000, 4),
            ]
            return ranges.contains { Self.contains(a, base: $0.0, prefix: Int($0.1)) }
        case .v6(let high, let low):
            if high == 0, low <= 1 { return true }
            if high == 0, low >> 32 == 0xFFFF { return IOCAddress.v4(UInt32(truncatingIfNeeded: low)).isNonPublic }
            let top = high >> 48
            return top & 0xFE00 == 0xFC00 || top & 0xFFC0 == 0xFE80 || top & 0xFF00 == 0xFF00
        }
    }

    /// Whether this address lies in `network`/`prefix` of the same family.
    func isIn(_ network: IOCAddress, prefix: Int) -> Bool {
        switch (self, network) {
        case (.v4(let a), .v4(let base)):
            return Self.contains(a, base: base, prefix: prefix)
        case (.v6(let high, let low), .v6(let baseHigh, let baseLow)):
            if prefix <= 0 { return true }
            if prefix <= 64 {
                let mask: UInt64 = prefix == 64 ? ~0 : ~(~0 >> UInt64(prefix))
                return high & mask == baseHigh & mask
            }
            guard high == baseHigh else { return false }
            let bits = min(prefix, 128) - 64
            let mask: UInt64 = bits == 64 ? ~0 : ~(~0 >> UInt64(bits))
            return low & mask == baseLow & mask
        default:
            return false
        }
    }

    /// The network of this address with `prefix` bits kept: equal for two addresses exactly when `isIn` holds
    /// between them at that prefix.
    func masked(_ prefix: Int) -> IOCAddress {
        switch self {
        case .v4(let a):
            if prefix <= 0 { return .v4(0) }
            return .v4(a & (prefix >= 32 ? ~0 : ~(~0 >> UInt32(prefix))))
        case .v6(let high, let low):
            if prefix <= 0 { return .v6(0, 0) }
            if prefix <= 64 { return .v6(high & (prefix == 64 ? ~0 : ~(~0 >> UInt64(prefix))), 0) }
            let bits = min(prefix, 128) - 64
            return .v6(high, low & (bits == 64 ? ~0 : ~(~0 >> UInt64(bits))))
        }
    }

    var bitWidth: Int {
        if case .v4 = self { return 32 }
        return 128
    }

    private static func contains(_ address: UInt32, base: UInt32, prefix: Int) -> Bool {
        if prefix <= 0 { return true }
        let mask: UInt32 = prefix >= 32 ? ~0 : ~(~0 >> UInt32(prefix))
        return address & mask == base & mask
    }

    // MARK: Parsing over bytes

    /// A strict dotted quad in `s[start..<end]`: four decimal octets of 1 to 3 digits, at most 255, without
    /// leading zeros (which `inet_aton` would read as octal).
    static func parseIPv4(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt32? {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var parts = 0
        var firstDigitZero = false
        var i = start
        while i <= end {
            if i == end || s[i] == UInt8(ascii: ".") {
                guard digits > 0, octet <= 255, !(firstDigitZero && digits > 1) else { return nil }
                value = value << 8 | octet
                parts += 1
                octet = 0
                digits = 0
                if i == end { break }
            } else if IOCByteClass.isDigit(s[i]) {
                if digits == 0 { firstDigitZero = s[i] == UInt8(ascii: "0") }
                digits += 1
                guard digits <= 3 else { return nil }
                octet = octet * 10 + UInt32(s[i] - 48)
            } else {
                return nil
            }
            i += 1
        }
        return parts == 4 ? value : nil
    }

    /// An IPv6 address in `s[start..<end]`: eight groups of 1 to 4 hex digits, or fewer with one `::`, the last
    /// 32 bits possibly written as a dotted quad.
    static func parseIPv6(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, UInt64)? {
        guard end - start >= 2, end - start <= 45 else { return nil }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gapIndex: Int? = nil
        var i = start
        if s[i] == UInt8(ascii: ":") {
            guard s[i + 1] == UInt8(ascii: ":") else { return nil }
            gapIndex = 0
            i += 2
            if i == end { return (0, 0) }
        }
        while i < end {
            // One group, or a trailing dotted quad.
            var j = i
            var value: UInt32 = 0
            while j < end, IOCByteClass.isHex(s[j]), j - i < 5 {
                value = value << 4 | UInt32(hexValue(s[j]))
                j += 1
            }
            if j < end, s[j] == UInt8(ascii: ".") {
                var k = j
                while k < end, IOCByteClass.isDigit(s[k]) || s[k] == UInt8(ascii: ".") { k += 1 }
                guard k == end, groups.count <= 6, let quad = parseIPv4(s, i, end) else { return nil }
                groups.append(UInt16(quad >> 16))
                groups.append(UInt16(quad & 0xFFFF))
                i = end
                break
            }
            guard j > i, j - i <= 4 else { return nil }
            groups.append(UInt16(value))
            guard groups.count <= 8 else { return nil }
            i = j
            if i == end { break }
            guard s[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < end, s[i] == UInt8(ascii: ":") {
                guard gapIndex == nil else { return nil }
                gapIndex = groups.count
                i += 1
                if i == end { break }
            } else if i == end {
                return nil
            }
        }
        if let gapIndex {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gapIndex)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 { high = high << 16 | UInt64(groups[index]) }
        for index in 4..<8 { low = low << 16 | UInt64(groups[index]) }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        if IOCByteClass.isDigit(byte) { return byte - 48 }
        return IOCByteClass.lowercased(byte) - UInt8(ascii: "a") + 10
    }

    static func formatIPv4(_ a: UInt32) -> String {
        "\(a >> 24).\(a >> 16 & 0xFF).\(a >> 8 & 0xFF).\(a & 0xFF)"
    }

    static func formatIPv6(_ high: UInt64, _ low: UInt64) -> String {
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        if high == 0, low >> 32 == 0xFFFF {
            return "::ffff:" + formatIPv4(UInt32(truncatingIfNeeded: low))
        }
        var bestStart = -1
        var bestLength = 0
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength, end - index >= 2 {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
