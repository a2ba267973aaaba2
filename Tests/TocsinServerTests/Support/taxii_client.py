"""Reads Tocsin's TAXII 2.1 server with OASIS's taxii2-client, as a SIEM or OpenCTI would.

usage: taxii_client.py BASE_URL TOKEN TITLE [ADDED_AFTER]
Prints one JSON object: the collections' titles, then for the collection titled TITLE every object read page by page
(id, type, version), the manifest's date_added values, and the objects read again after the middle date_added.
With ADDED_AFTER, only the objects added after it, page by page.
"""
import json
import sys

from taxii2client.v21 import ApiRoot, Server, as_pages

base, token, title = sys.argv[1], sys.argv[2], sys.argv[3]
added_after = sys.argv[4] if len(sys.argv) > 4 else None
server = Server(base + "/taxii2/", user="tocsin", password=token)
# The broker names its API root under its public URL; the test's broker listens on another port, so the root is
# opened at the address the test reached.
api_roots = [r.url for r in server.api_roots]
root = ApiRoot(base + "/taxii2/api/", user="tocsin", password=token)
result = {"title": server.title, "api_roots": api_roots, "root_versions": root.versions,
          "collections": [c.title for c in root.collections]}
collection = next(c for c in root.collections if c.title == title)
result["can_write"] = collection.can_write


def read_all(**filters):
    objects, pages = [], 0
    for envelope in as_pages(collection.get_objects, per_request=100, **filters):
        pages += 1
        objects += [[o["id"], o["type"], o.get("modified") or o.get("created") or ""] for o in envelope.get("objects", [])]
    return objects, pages


if added_after:
    result["after"], result["pages"] = read_all(added_after=added_after)
else:
    result["objects"], result["pages"] = read_all()
    manifest = []
    for page in as_pages(collection.get_manifest, per_request=250):
        manifest += [[m["id"], m["date_added"]] for m in page.get("objects", [])]
    result["manifest"] = manifest
    middle = manifest[len(manifest) // 2][1]
    result["middle"] = middle
    result["after"], _ = read_all(added_after=middle)
print(json.dumps(result))
