"""A local stand-in for Meta's Graph API (WhatsApp Business Cloud API), as the tests' outside world.

It records every message sent to `/<version>/<phone number id>/messages` and answers with a new
`wamid`, as the real API does; it serves media: `GET /<version>/<media id>` answers the media's
URL (on this server) and `GET /media/<media id>` its bytes, with the bearer token checked. Tests
add media with `add_media`, make sends fail with `fail_next`, and read `sent`.

    with FakeGraph(token="t") as graph:
        settings.WHATSAPP_GRAPH_API_URL = graph.url
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Media:
    data: bytes
    mime_type: str


@dataclass
class _State:
    token: str
    sent: list[dict] = field(default_factory=list)
    media: dict[str, Media] = field(default_factory=dict)
    failures: list[int] = field(default_factory=list)  # HTTP statuses to answer the next sends with
    message_ids: list[str] = field(default_factory=list)  # the wamid answered to each send, in order
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeGraph:
    def __init__(self, *, token: str):
        self.state = _State(token=token)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def sent(self) -> list[dict]:
        with self.state.lock:
            return list(self.state.sent)

    @property
    def message_ids(self) -> list[str]:
        """The message id (wamid) answered to each message sent, in the order of `sent`."""
        with self.state.lock:
            return list(self.state.message_ids)

    def add_media(self, data: bytes, mime_type: str) -> str:
        media_id = str(uuid.uuid4().int)[:16]
        with self.state.lock:
            self.state.media[media_id] = Media(data, mime_type)
        return media_id

    def fail_next(self, *statuses: int) -> None:
        with self.state.lock:
            self.state.failures.extend(statuses)

    def __enter__(self) -> FakeGraph:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _handler(state: _State):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, status: int, body: dict | bytes, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {state.token}":
                return True
            self._answer(
                401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
            )
            return False

        def do_POST(self):
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not re.fullmatch(r"/v[\d.]+/[^/]+/messages", self.path):
                self._answer(404, {"error": {"message": "Unknown path", "code": 100}})
                return
            with state.lock:
                failure = state.failures.pop(0) if state.failures else None
                if failure is None:
                    state.sent.append({"path": self.path, **body})
            if failure is not None:
                self._answer(
                    failure, {"error": {"message": "Temporarily unavailable", "type": "OAuthException", "code": 2}}
                )
                return
            if body.get("status") == "read":  # mark as read
                self._answer(200, {"success": True})
                return
            wamid = f"wamid.fake{uuid.uuid4().hex}"
            with state.lock:
                state.message_ids.append(wamid)
            self._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body.get("to", ""), "wa_id": body.get("to", "")}],
                    "messages": [{"id": wamid}],
                },
            )

        def do_GET(self):
            if not self._authorised():
                return
            if match := re.fullmatch(r"/media/(\w+)", self.path):
                media = state.media.get(match.group(1))
                if media is None:
                    self._answer(404, {"error": {"message": "Unknown media"}})
                else:
                    self._answer(200, media.data, media.mime_type)
                return
            if match := re.fullmatch(r"/v[\d.]+/(\w+)/?(?:\?.*)?", self.path):
                media = state.media.get(match.group(1))
                if media is None:
                    self._answer(404, {"error": {"message": "Unknown media", "code": 100}})
                    return
                host, port = self.server.server_address[:2]
                self._answer(
                    200,
                    {
                        "messaging_product": "whatsapp",
                        "url": f"http://{host}:{port}/media/{match.group(1)}",
                        "mime_type": media.mime_type,
                        "sha256": "",
                        "file_size": len(media.data),
                        "id": match.group(1),
                    },
                )
                return
            self._answer(404, {"error": {"message": "Unknown path"}})

    return Handler
