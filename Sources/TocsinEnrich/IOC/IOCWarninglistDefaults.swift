import Foundation

/// The MISP warninglists Tocsin loads by default, and where it finds them: the data of the PyPI package
/// `pymispwarninglists` (`make run` and `make test` install it), whose lists sit in
/// `pymispwarninglists/data/misp-warninglists/lists/<name>/list.json`.
///
/// The default selection keeps out of what extraction reports the values that a SOC must never block and that
/// advisories and reports name all the time, at a small cost in start-up time and memory:
/// - reserved and special addresses and names: `rfc1918`, `rfc5735`, `rfc6598`, `rfc3849`, `rfc6761`,
///   `multicast`, `ipv6-linklocal`;
/// - hashes that identify nothing: `empty-hashes`, `common-ioc-false-positive`, `eicar.com`;
/// - public resolvers and services every network uses: `public-dns-v4`, `public-dns-v6`, `public-dns-hostname`,
///   `whats-my-ip`, `crl-hostname`, `crl-ip`;
/// - vendors, CDNs and clouds: `microsoft`, `microsoft-office365`, `google`, `cloudflare`, `fastly`, `akamai`;
/// - security vendors' blogs and sandboxes, the top sites and the registry suffixes: `security-provider-blogpost`,
///   `automated-malware-analysis`, `tranco10k`, `tlds`, `second-level-tlds`.
public enum IOCWarninglistDefaults {
    /// The names (folder names under `lists/`) loaded when the operator names none.
    public static let names: [String] = [
        "rfc1918", "rfc5735", "rfc6598", "rfc3849", "rfc6761", "multicast", "ipv6-linklocal",
        "empty-hashes", "common-ioc-false-positive", "eicar.com",
        "public-dns-v4", "public-dns-v6", "public-dns-hostname", "whats-my-ip", "crl-hostname", "crl-ip",
        "microsoft", "microsoft-office365", "google", "cloudflare", "fastly", "akamai",
        "security-provider-blogpost", "automated-malware-analysis", "tranco10k", "tlds", "second-level-tlds",
    ]

    /// The selection a setting describes: plain names replace the default selection, `+name` adds a list to it and
    /// `-name` removes one; `all` selects every list (nil).
    public static func selection(_ setting: [String]) -> Set<String>? {
        let items = setting.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if items.contains("all") { return nil }
        let plain = items.filter { !$0.hasPrefix("+") && !$0.hasPrefix("-") }
        var selected = Set(plain.isEmpty ? names : plain)
        for item in items where item.hasPrefix("+") { selected.insert(String(item.dropFirst())) }
        for item in items where item.hasPrefix("-") { selected.remove(String(item.dropFirst())) }
        return selected
    }

    /// The `lists` folder of an installed `pymispwarninglists`, looked for in the active virtual environment, the
    /// user's and the system's Python site folders and pyenv's versions; nil when none is installed.
    public static func packageData(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let files = FileManager.default
        let home = environment["HOME"] ?? NSHomeDirectory()
        var libraries = ["/usr/local/lib", "/usr/lib", "/usr/lib64", "\(home)/.local/lib", "/opt/homebrew/lib"]
        if let venv = environment["VIRTUAL_ENV"] { libraries.insert("\(venv)/lib", at: 0) }
        let pyenv = environment["PYENV_ROOT"] ?? "\(home)/.pyenv"
        for version in ((try? files.contentsOfDirectory(atPath: "\(pyenv)/versions")) ?? []).sorted().reversed() {
            libraries.append("\(pyenv)/versions/\(version)/lib")
        }
        for library in libraries {
            let pythons = ((try? files.contentsOfDirectory(atPath: library)) ?? []).filter { $0.hasPrefix("python3") }
            for python in pythons.sorted().reversed() {
                for site in ["site-packages", "dist-packages"] {
                    let lists = "\(library)/\(python)/\(site)/pymispwarninglists/data/misp-warninglists/lists"
                    var isDirectory: ObjCBool = false
                    if files.fileExists(atPath: lists, isDirectory: &isDirectory), isDirectory.boolValue { return lists }
                }
            }
        }
        return nil
    }
}
