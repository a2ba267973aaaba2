#!/usr/bin/env python3
"""Fills .fuzz-corpus/<target>/ with seeds taken from the shared fixtures and Deploy/, at run time.

Usage: Fuzz/seed-corpus.py <repository root> <corpus folder>

The fixtures are read from $TOCSIN_FIXTURES, or ../shared/fixtures beside the repository; they are never copied
into the repository itself. Seeds are named after the hash of their content, so running the script again over a
corpus that libFuzzer has grown adds nothing twice. Documents are cut down to at most MAX_SEED bytes (large JSON
catalogues keep their first entries) so that each execution stays fast.
"""
import hashlib
import json
import os
import re
import sys

MAX_SEED = 64 * 1024
# At most this many seeds per target (the CVSS score tables alone hold thousands of vectors); libFuzzer keeps
# only the inputs that add coverage anyway.
MAX_SEEDS = 2000

# The first byte of a FuzzJSONAdapters input picks the format, in IngestFormat.allCases order.
FORMATS = ["csaf", "stix", "misp", "cap", "feed", "certfr", "cve", "kev", "native"]

NATIVE_EXAMPLE = """{"title":"Rançongiciel : indicateurs de compromission","summary":"Campagne en cours.",
"severity":"critical","tlp":"AMBER","categories":["ransomware"],"cves":["CVE-2024-3400"],"regions":["28"],
"indicators":[{"type":"ipv4","value":"203.0.113.7"}]}"""
NATIVE_FULL = """{"title":"Fortinet FortiOS","summary":"Exécution de code à distance.","body":"Voir l'avis.",
"severity":"high","tlp":"GREEN","status":"exercise","categories":["vulnerability"],"cves":["CVE-2024-21762"],
"regions":["11","28"],"indicators":[{"type":"domain","value":"evil.example.com"},{"type":"sha256",
"value":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}],
"affectedProducts":[{"vendor":"Fortinet","product":"FortiOS","versions":["< 7.4.3"]}],
"references":[{"url":"https://www.cert.ssi.gouv.fr/alerte/CERTFR-2024-ALE-004/"}],
"cvss":[{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8}]}"""


def main():
    root, out = sys.argv[1], sys.argv[2]
    fixtures = os.environ.get("TOCSIN_FIXTURES") or os.path.join(root, "..", "shared", "fixtures")
    if not os.path.isdir(fixtures):
        sys.exit(f"no fixtures at {fixtures}: set TOCSIN_FIXTURES")
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(fixtures) for f in names)
    texts = {path: read(path) for path in files}
    seeds = {name: set() for name in
             ["FuzzXML", "FuzzSTIXPattern", "FuzzJSONAdapters", "FuzzIOC", "FuzzProducts", "FuzzCVSS", "FuzzConfig"]}

    for path, data in texts.items():
        rel = os.path.relpath(path, fixtures)
        top = rel.split(os.sep)[0]
        text = data.decode("utf-8", "replace")
        if path.endswith(".xml"):
            seeds["FuzzXML"].add(data[:MAX_SEED])
            fmt = "cap" if top == "cap" else "certfr" if top == "cert-fr" else "feed"
            seeds["FuzzJSONAdapters"].add(bytes([FORMATS.index(fmt)]) + data[:MAX_SEED])
        if path.endswith(".json"):
            document = loads(data)
            fmt = json_format(rel)
            if fmt and document is not None:
                seeds["FuzzJSONAdapters"].add(bytes([FORMATS.index(fmt)]) + shrink(document, data))
            for pattern in strings_under(document, "pattern"):
                seeds["FuzzSTIXPattern"].add(pattern.encode())
            for vector in strings_under(document, "vectorString") + strings_under(document, "vector"):
                seeds["FuzzCVSS"].add(vector.encode())
            for version, other, kind in cve_versions(document):
                seeds["FuzzProducts"].add(f"{version}\n{other} {kind}".encode())
        if top == "ioc" and not path.endswith(("schema.json", "SOURCES.md")):
            for chunk in chunks(data):
                seeds["FuzzIOC"].add(chunk)
        if top == "cvss" and path.endswith((".txt", ".tsv")):
            for line in text.splitlines():
                field = line.split("\t")[0].strip()
                if field.startswith(("CVSS:", "AV:", "(AV:")):
                    seeds["FuzzCVSS"].add(field.encode())
        for match in re.finditer(r"cpe:(?:2\.3:|/)[^\s\"'<>,]+", text):
            seeds["FuzzProducts"].add(match.group(0).encode())
        for match in re.finditer(r"vers:[a-z0-9]+/[^\s\"'<>]+", text):
            seeds["FuzzProducts"].add(match.group(0).encode())

    # Advisory prose for the indicator scanner: the descriptions and notes of the CVE and CSAF documents.
    for path, data in texts.items():
        if path.endswith(".json") and os.path.relpath(path, fixtures).split(os.sep)[0] in ("cve", "csaf", "cert-fr"):
            for value in strings_under(loads(data), "value") + strings_under(loads(data), "text"):
                if len(value) > 40:
                    seeds["FuzzIOC"].add(value.encode()[:MAX_SEED])

    # The native format has no fixture: the publish example of the README, and one with every list filled.
    for draft in (NATIVE_EXAMPLE, NATIVE_FULL):
        seeds["FuzzJSONAdapters"].add(bytes([FORMATS.index("native")]) + draft.encode())

    for name in ("tocsin.example.yaml",):
        path = os.path.join(root, "Deploy", name)
        if os.path.exists(path):
            data = read(path)
            seeds["FuzzConfig"].add(data)
            # The same file with its commented-out examples (sources, SMTP) switched on.
            seeds["FuzzConfig"].add(re.sub(rb"(?m)^(\s*)# ?(?=[A-Za-z-])", rb"\1", data))

    for name, values in seeds.items():
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        for value in sorted(values, key=lambda v: hashlib.sha1(v).digest())[:MAX_SEEDS]:
            with open(os.path.join(folder, hashlib.sha1(value).hexdigest()), "wb") as f:
                f.write(value)
        print(f"{name}: {min(len(values), MAX_SEEDS)} seeds")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def loads(data):
    try:
        return json.loads(data)
    except ValueError:
        return None


def json_format(rel):
    parts = rel.split(os.sep)
    if parts[0] == "csaf":
        return "csaf"
    if parts[0] == "stix":
        return "stix"
    if parts[0] == "misp":
        return "misp"
    if parts[0] == "cert-fr":
        return "certfr"
    if parts[0] == "feeds":
        return "feed"
    if parts[0] == "cve":
        if "schema" in parts[-1]:
            return None
        return "kev" if parts[1] == "kev" else "cve"
    if parts[0] == "ioc" and parts[1] == "misp-warninglists":
        return None
    return None


def shrink(document, data):
    """The document, or when it is too big a copy whose longest lists keep only their first entries."""
    if len(data) <= MAX_SEED:
        return data
    for keep in (20, 5, 2, 1):
        small = json.dumps(trim(document, keep)).encode()
        if len(small) <= MAX_SEED:
            return small
    return small[:MAX_SEED]


def trim(node, keep):
    if isinstance(node, list):
        return [trim(item, keep) for item in node[:keep]]
    if isinstance(node, dict):
        return {key: trim(value, keep) for key, value in node.items()}
    return node


def strings_under(node, key):
    found = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if k == key and isinstance(v, str):
                    found.append(v)
                else:
                    stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def cve_versions(document):
    """(version, bound, versionType) from the `versions` of CVE 5 records."""
    found = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("version"), str):
                bound = item.get("lessThan") or item.get("lessThanOrEqual") or item["version"]
                if isinstance(bound, str):
                    found.append((item["version"], bound, item.get("versionType") or "custom"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def chunks(data):
    """A text as seeds of at most MAX_SEED bytes, cut at line breaks."""
    while data:
        if len(data) <= MAX_SEED:
            yield data
            return
        cut = data.rfind(b"\n", 0, MAX_SEED)
        cut = cut if cut > 0 else MAX_SEED
        yield data[:cut]
        data = data[cut:]


if __name__ == "__main__":
    main()
