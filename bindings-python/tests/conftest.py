"""Fixtures: the sandbox binary on free ports (both response styles, strict mode: a request
lacking a key of an id pair is refused, as a careful client never sends one), clients, a push
receiver. (test_testing.py tests the in-process sandbox of `cardboss.testing` instead.)

The sandbox is `target/debug/cardboss-sandbox` (or `$CARDBOSS_SANDBOX_BIN`); it is built with
cargo when missing. Its first stdout line is the JSON ready line described in
docs/CONVENTIONS.md; its admin API lives under `base_url + "/_sandbox/"`.
"""

from __future__ import annotations

import json
import os
import queue
import select
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest

import cardboss

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"


def sandbox_binary() -> Path:
    env = os.environ.get("CARDBOSS_SANDBOX_BIN")
    if env:
        return Path(env)
    path = REPO / "target" / "debug" / "cardboss-sandbox"
    if not path.exists():
        subprocess.run(["cargo", "build", "-p", "cardboss-sandbox"], cwd=REPO, check=True)
    return path


class Sandbox:
    """A running sandbox process and its admin API."""

    def __init__(self, style: str, cards: int, *extra: str) -> None:
        self.style = style
        self.proc = subprocess.Popen(
            [str(sandbox_binary()), "--strict", "--port1", "0", "--port2", "0", "--cards", str(cards), "--style", style, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        if not ready:
            self.proc.kill()
            raise RuntimeError("the sandbox printed no ready line within 60 s")
        line = json.loads(self.proc.stdout.readline())
        assert line["event"] == "ready", line
        self.base_url: str = line["base_url"]
        self.ops_url: str = line["ops_url"]
        self.sid: str = line["sid"]
        self.apikey: str = line["apikey"]
        self._next_card = 0
        self._cards: list[cardboss.Card] = []
        self._lock = threading.Lock()

    def client(self, **options: Any) -> cardboss.Client:
        return cardboss.Client(self.sid, self.apikey, base_url=self.base_url, ops_url=self.ops_url, **options)

    def async_client(self, **options: Any) -> cardboss.AsyncClient:
        return cardboss.AsyncClient(self.sid, self.apikey, base_url=self.base_url, ops_url=self.ops_url, **options)

    def admin(self, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_sandbox/{path}",
            data=data,
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read() or b"null")

    def requests_to(self, endpoint: str) -> int:
        """How many requests the sandbox received for `endpoint` (e.g. `card/detail`)."""
        counts: dict[str, int] = self.admin("stats")["endpoints"]
        return counts.get(endpoint, 0)

    def fresh_cards(self, n: int = 1) -> list[cardboss.Card]:
        """Cards no other test has used (lifecycle operations have per-card cooldowns)."""
        with self._lock:
            while len(self._cards) < self._next_card + n:
                page = self.client().list_cards(len(self._cards) // 100 + 1)
                self._cards.extend(page.cards)
            cards = self._cards[self._next_card : self._next_card + n]
            self._next_card += n
            return cards

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def example_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("example", 10_000, "--legacy")
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def table_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("table", 400, "--legacy")
    yield sb
    sb.stop()


@pytest.fixture(params=["example", "table"])
def sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """The sandbox in each response style: tests using it run once per style."""
    name = "example_sandbox" if request.param == "example" else "table_sandbox"
    sb: Sandbox = request.getfixturevalue(name)
    return sb


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[cardboss.Client]:
    with sandbox.client() as c:
        yield c


@pytest.fixture
def faulty() -> Iterator[Sandbox]:
    """A sandbox of its own for fault injection, slow answers and withdrawn endpoints."""
    sb = Sandbox("example", 200)
    yield sb
    sb.stop()


class Receiver:
    """A push receiver on a free port: records raw bodies, answers `success`."""

    def __init__(self) -> None:
        self.bodies: queue.Queue[tuple[str, bytes]] = queue.Queue()
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                bodies.put((self.path, self.rfile.read(length)))
                answer = cardboss.PUSH_ACK.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self, path: str, timeout: float = 10.0) -> bytes:
        while True:
            got_path, body = self.bodies.get(timeout=timeout)
            if got_path == path:
                return body

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.stop()


def load_vectors(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return cases


class Spinner:
    """A thread counting as fast as it can while the block runs: it only advances while the GIL
    is free, so a count that grows during a call shows the call released the GIL."""

    def __init__(self) -> None:
        self.count = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._spin)

    def _spin(self) -> None:
        while not self._stop.is_set():
            self.count += 1

    def __enter__(self) -> Spinner:
        self._thread.start()
        time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Served:
    """An app served on a free loopback port by a real server in a thread (tests/ push helpers):
    uvicorn for an ASGI app (FastAPI, Starlette), werkzeug for a WSGI one (Flask). The socket
    listens before `url` is known, so requests wait in its backlog: no start-up to wait for."""

    def __init__(self, app: Any, kind: str) -> None:
        self.kind = kind
        if kind == "asgi":
            import uvicorn

            self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._socket.bind(("127.0.0.1", 0))
            self._socket.listen(64)
            port = self._socket.getsockname()[1]
            # log_config=None: uvicorn's loggers propagate (caplog sees an endpoint's exception)
            self._uvicorn = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off", access_log=False))
            self._thread = threading.Thread(target=self._uvicorn.run, kwargs={"sockets": [self._socket]}, daemon=True)
        else:
            from werkzeug.serving import make_server

            self._werkzeug = make_server("127.0.0.1", 0, app, threaded=True)
            port = self._werkzeug.server_port
            self._thread = threading.Thread(target=self._werkzeug.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{port}"

    def post(self, path: str, body: bytes | str) -> tuple[int, str]:
        """POSTs `body` as the platform does: the answer's status and text."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(
            self.url + path, data=data, method="POST", headers={"Content-Type": "application/json;charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            with refused:
                return refused.code, refused.read().decode()

    def stop(self) -> None:
        if self.kind == "asgi":
            self._uvicorn.should_exit = True
            self._thread.join(10)
            self._socket.close()
        else:
            self._werkzeug.shutdown()
            self._werkzeug.server_close()
            self._thread.join(10)


T = TypeVar("T")


def until(check: Callable[[], T | None], what: str, timeout: float = 15.0) -> T:
    """Polls `check` until it gives a truthy value (a condition, never a guessed delay)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)
