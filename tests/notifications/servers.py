"""Real local servers for the outside channels: an HTTP server that records what robots, SMS gateways
and webhooks are sent (and answers 500, an error body or nothing on demand), and an SMTP server."""

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from tests.conftest import _free_port


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: bytes

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Recorder:
    """What the server got, and how it answers next: `answer` (JSON), `status`, or `hang` seconds."""

    requests: list = field(default_factory=list)
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    status: int = 200
    hang: float = 0.0
    url: str = ""
    got_one: threading.Event = field(default_factory=threading.Event)

    def wait(self, count: int = 1, seconds: float = 20) -> list:
        deadline = time.monotonic() + seconds
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"the server got {len(self.requests)} requests, not {count}"
            time.sleep(0.05)
        return self.requests


def http_recorder():
    """Start a recording HTTP server on a free loopback port; returns (recorder, stop)."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            parsed = urllib.parse.urlsplit(self.path)
            recorder.requests.append(Received(parsed.path, dict(urllib.parse.parse_qsl(parsed.query)),
                                              dict(self.headers), self.rfile.read(length)))
            if recorder.hang:
                time.sleep(recorder.hang)
            body = json.dumps(recorder.answer).encode()
            try:
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except BrokenPipeError:  # the client gave up waiting (a hang on purpose)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return recorder, stop


class Mailbox:
    """An SMTP server's handler: keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"

    def wait(self, count: int = 1, seconds: float = 20) -> list:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"the mailbox has {len(self.messages)} messages, not {count}"
            time.sleep(0.05)
        return self.messages


def smtp_server():
    """Start an SMTP server on a free loopback port; returns (mailbox, port, stop)."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return mailbox, port, controller.stop
