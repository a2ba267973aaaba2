"""Reads Tocsin's MISP feed with PyMISP, as a MISP instance's feed fetcher would.

usage: misp_feed.py FEED_URL
Prints one JSON object: for each event of manifest.json, what MISPEvent().load() read (uuid, info, timestamp, tags,
attributes as [type, category, value, to_ids]), and the lines of hashes.csv.
"""
import json
import sys
import urllib.request

from pymisp import MISPEvent

base = sys.argv[1]
manifest = json.load(urllib.request.urlopen(base + "/manifest.json"))
events = {}
for uuid in manifest:
    event = MISPEvent()
    event.load(urllib.request.urlopen(f"{base}/{uuid}.json").read().decode("utf-8"))
    events[uuid] = {"uuid": event.uuid, "info": event.info, "timestamp": int(event.timestamp.timestamp()),
                    "tags": [t.name for t in event.tags],
                    "attributes": [[a.type, a.category, a.value, a.to_ids] for a in event.attributes]}
hashes = urllib.request.urlopen(base + "/hashes.csv").read().decode("utf-8").splitlines()
print(json.dumps({"manifest": list(manifest), "events": events, "hashes": hashes}))
