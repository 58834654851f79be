#!/usr/bin/env python3
"""A real SMTP server for Onsite's tests (`onsite_testkit::smtp`), built on aiosmtpd.

Accepts every message and writes it to --dir as NAME.eml (the bytes received) and NAME.json
(envelope, headers and every MIME leaf part decoded by Python's own email parser, so the tests
check what a real receiver sees). Recipients whose address starts with "reject" are refused
with 550 (permanent), those starting with "busy" with 451 (temporary).

Prints "ready" once it listens, then runs until its standard input closes (the test process
ended, however it ended) or it is terminated.

    python3 smtp_sink.py --port 2525 --dir /tmp/received
"""

import argparse
import email
import email.policy
import json
import os
import signal
import sys
import threading

try:
    from aiosmtpd.controller import Controller
except ImportError:
    print("aiosmtpd is not installed: run `pip install aiosmtpd`", file=sys.stderr, flush=True)
    sys.exit(3)


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user here"
        if address.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Called once per accepted message; asyncio runs handlers one at a time.
        self.count += 1
        name = "%06d" % self.count
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            parts.append(
                {
                    "content_type": part.get_content_type(),
                    "filename": part.get_filename(),
                    "content_hex": payload.hex(),
                }
            )
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "message_id": str(message["message-id"]),
            "content_language": str(message["content-language"]),
            "auto_submitted": str(message["auto-submitted"]),
            "parts": parts,
        }
        self._write(name + ".eml", raw)
        # The summary last: its presence means the message is completely written.
        self._write(name + ".json", json.dumps(summary, indent=2).encode("utf-8"))
        return "250 2.0.0 Accepted as " + name

    def _write(self, filename, data):
        tmp = os.path.join(self.folder, "." + filename + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, filename))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    controller = Controller(Sink(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print("ready", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
