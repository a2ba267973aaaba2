"""A real SMTP server for the tests (aiosmtpd), on 127.0.0.1 with a free port printed on stdout.

Every accepted message is written to DIR/<n>.eml, with DIR/<n>.json saying whether the session was encrypted and
who logged in. Scripted refusals: a recipient starting with "busy" gets 451 on its first attempt only, one
starting with "reject" always gets 550, one starting with "drop" has its session cut (the connection closed without a
reply) on its first attempt only.

Usage: python3 smtp_sink.py DIR [--starttls CERT KEY | --smtps CERT KEY] [--auth USER:PASSWORD] [--down-for SECONDS [--from-first-connection]]
  --starttls  offers STARTTLS and refuses mail before it
  --smtps     TLS from the first byte (implicit TLS)
  --auth      requires AUTH (over TLS) with these credentials
  --down-for  for this many seconds after start, greets every connection with 421 and closes it (a server that
              is down for maintenance); each refused connection is counted in DIR/refused. With
              --from-first-connection, the SECONDS count from the first connection instead, so that a slow
              start of the client cannot eat the outage
"""
import asyncio
import itertools
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)
        self.seen_busy = set()
        self.seen_drop = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if address.startswith("busy") and address not in self.seen_busy:
            self.seen_busy.add(address)
            return "451 4.3.0 try again later"
        if address.startswith("drop") and address not in self.seen_drop:
            self.seen_drop.add(address)
            server.transport.abort()
            return "421 4.4.2 connection dropped"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(self.directory, "%d" % next(self.counter))
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with open(path + ".json", "w") as f:
            encrypted = server.transport.get_extra_info("ssl_object") is not None
            json.dump({"tls": encrypted, "login": login, "rcpt": envelope.rcpt_tos}, f)
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path + ".eml")
        return "250 Message accepted"


def main():
    args = sys.argv[2:]
    context, implicit, credentials, down_until = None, False, None, 0.0
    down_for, from_first = None, False
    while args:
        option = args.pop(0)
        if option in ("--starttls", "--smtps"):
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.pop(0), args.pop(0))
            implicit = option == "--smtps"
        elif option == "--auth":
            credentials = args.pop(0).split(":", 1)
        elif option == "--down-for":
            down_for = float(args.pop(0))
            down_until = time.monotonic() + down_for
        elif option == "--from-first-connection":
            from_first = True
    if from_first and down_for is not None:
        down_until = None

    def authenticator(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and credentials is not None \
            and data.login.decode() == credentials[0] and data.password.decode() == credentials[1]
        return AuthResult(success=True, auth_data=data) if ok else AuthResult(success=False, handled=False)

    handler = Handler(sys.argv[1])

    class Down(asyncio.Protocol):
        def connection_made(self, transport):
            with open(os.path.join(sys.argv[1], "refused"), "a") as f:
                f.write("421\n")
            transport.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
            transport.close()

    def factory():
        nonlocal down_until
        if down_until is None:
            down_until = time.monotonic() + down_for
        if time.monotonic() < down_until:
            return Down()
        options = {"enable_SMTPUTF8": True}
        if context is not None and not implicit:
            options.update(tls_context=context, require_starttls=True)
        if credentials is not None:
            options.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
        return SMTP(handler, **options)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", 0, ssl=context if implicit else None)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


main()
