#!/usr/bin/env python3
"""A static HTTP server for the source poller tests, on 127.0.0.1 and an ephemeral port.

Usage: fixture_server.py DIRECTORY. Prints the port on the first line of stdout, then serves DIRECTORY:
- every file with an ETag (SHA-256 of its content) and a Last-Modified (its mtime), answering 304 to a
  matching If-None-Match, or, without If-None-Match, to an If-Modified-Since not older than the file;
- a sidecar file PATH.status holding a number answers that status, empty, instead of PATH;
- GET /_requests returns every request seen as JSON: path, host, if_none_match, if_modified_since,
  authorization (true when sent; the value is never recorded), status;
- GET /_reset forgets them.
"""
import email.utils
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.realpath(sys.argv[1])
LOCK = threading.Lock()
REQUESTS = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def send_body(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def record(self, path, status):
        with LOCK:
            REQUESTS.append({
                "path": path,
                "host": self.headers.get("Host", ""),
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "authorization": self.headers.get("Authorization") is not None,
                "status": status,
            })

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/_requests":
            with LOCK:
                body = json.dumps(REQUESTS).encode()
            return self.send_body(200, body, {"Content-Type": "application/json"})
        if path == "/_reset":
            with LOCK:
                REQUESTS.clear()
            return self.send_body(204)
        local = os.path.realpath(os.path.join(ROOT, path.lstrip("/")))
        if not local.startswith(ROOT + os.sep):
            self.record(path, 404)
            return self.send_body(404)
        if os.path.isfile(local + ".status"):
            with open(local + ".status") as handle:
                status = int(handle.read().strip())
            self.record(path, status)
            return self.send_body(status)
        if not os.path.isfile(local):
            self.record(path, 404)
            return self.send_body(404)
        with open(local, "rb") as handle:
            body = handle.read()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:32]
        mtime = int(os.path.getmtime(local))
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if_none_match = self.headers.get("If-None-Match")
        if_modified_since = self.headers.get("If-Modified-Since")
        not_modified = False
        if if_none_match is not None:
            not_modified = etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
        elif if_modified_since is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                not_modified = mtime <= since
            except (TypeError, ValueError):
                not_modified = False
        if not_modified:
            self.record(path, 304)
            return self.send_body(304, b"", headers)
        self.record(path, 200)
        content_type = "application/json" if local.endswith(".json") else "application/xml" if local.endswith(".xml") else "text/plain"
        headers["Content-Type"] = content_type
        self.send_body(200, body, headers)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
