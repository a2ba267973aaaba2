"""Parses an .eml with Python's email package and prints what the tests check, as JSON."""
import json
import sys
from email import policy
from email.parser import BytesParser

with open(sys.argv[1], "rb") as f:
    raw = f.read()
message = BytesParser(policy=policy.default).parsebytes(raw)
plain = message.get_body(preferencelist=("plain",))
html = message.get_body(preferencelist=("html",))
print(json.dumps({
    "headers": {k: str(v) for k, v in message.items()},
    "contentType": message.get_content_type(),
    "parts": [part.get_content_type() for part in message.iter_parts()] if message.is_multipart() else [],
    "text": plain.get_content() if plain else None,
    "html": html.get_content() if html else None,
    "longestHeaderLine": max(len(line) for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")),
    "longestBodyLine": max(len(line) for line in raw.split(b"\r\n\r\n", 1)[1].split(b"\r\n")),
    "bareLF": b"\n" in raw.replace(b"\r\n", b""),
}))
