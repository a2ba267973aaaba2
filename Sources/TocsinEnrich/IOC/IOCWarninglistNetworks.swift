/// The CIDR entries of a `cidr` warninglist, held compactly: for each address width and prefix length present, the
/// masked networks as one sorted array of integers, found by binary search. An address is checked with one search
/// per prefix length present, whatever the number of entries (`public-dns-v4` holds 62,745: 4 bytes each here,
/// where a `Set<IOCAddress>` took about 50).
struct IOCWarninglistNetworks: Sendable {
    /// An IPv6 network, ordered as a 128-bit number.
    struct V6: Sendable, Comparable {
        var high: UInt64
        var low: UInt64

        static func < (a: V6, b: V6) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
    }

    /// IPv4 networks by prefix length: each length's masked bases, sorted, each once.
    private let v4: [(prefix: Int, bases: [UInt32])]
    /// IPv6 networks by prefix length, the same way.
    private let v6: [(prefix: Int, bases: [V6])]

    /// The networks, each an address and its prefix length (at most the address's width).
    init(_ networks: [(base: IOCAddress, prefix: Int)]) {
        var v4: [Int: [UInt32]] = [:]
        var v6: [Int: [V6]] = [:]
        for network in networks {
            switch network.base.masked(network.prefix) {
            case .v4(let base): v4[network.prefix, default: []].append(base)
            case .v6(let high, let low): v6[network.prefix, default: []].append(V6(high: high, low: low))
            }
        }
        self.v4 = v4.keys.sorted().map { ($0, Self.sortedUnique(v4[$0]!)) }
        self.v6 = v6.keys.sorted().map { ($0, Self.sortedUnique(v6[$0]!)) }
    }

    /// Whether a network of at most `prefix` bits holds `address`: the address, or the whole block `address/prefix`,
    /// lies inside an entry.
    func contains(_ address: IOCAddress, prefix: Int) -> Bool {
        switch address {
        case .v4:
            return v4.contains { length, bases in
                guard prefix >= length, case .v4(let masked) = address.masked(length) else { return false }
                return Self.search(bases, masked)
            }
        case .v6:
            return v6.contains { length, bases in
                guard prefix >= length, case .v6(let high, let low) = address.masked(length) else { return false }
                return Self.search(bases, V6(high: high, low: low))
            }
        }
    }

    private static func sortedUnique<Element: Comparable>(_ values: [Element]) -> [Element] {
        var sorted = values.sorted()
        var kept = 0
        for index in sorted.indices where index == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    private static func search<Element: Comparable>(_ sorted: [Element], _ value: Element) -> Bool {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] == value { return true }
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return false
    }
}
