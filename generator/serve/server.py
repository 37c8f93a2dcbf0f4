"""``aimaq serve``: a local preview that rebuilds on change and reloads the browser.

The site is built exactly as ``aimaq build --edition E`` would write it at the site root,
into the preview's own folder (``.cache/serve/``, never ``output/``); the server
adds, only to the HTML it sends (never to the files), one script tag for
``/__aimaq/reload.js``. That script is a file of this package served from the site's own
origin, so the pages' Content-Security-Policy (scripts from 'self' only) allows it. It polls
``/__aimaq/status`` and reloads the page after a rebuild, or shows the build error on top of
the page (and on any page requested while the build is broken). The server listens on
127.0.0.1 only and keeps running through errors. It answers only requests addressed to
it by name (``Host: 127.0.0.1:PORT``, ``localhost:PORT`` or ``[::1]:PORT``): a page on
another site that points its own name at 127.0.0.1 ("DNS rebinding") gets 421, not the
preview.

Changes are found by polling the modification times of the input files (a few hundred
files), which works the same on every system and inside containers.
"""
from __future__ import annotations

import html
import http.server
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..site import urls
from .session import Rebuild, Session

STATIC = Path(__file__).parent / "static"
PREFIX = "/__aimaq/"
SCRIPT_TAG = b'<script src="/__aimaq/reload.js" defer></script>'


# -- watching -------------------------------------------------------------------------


def _ignored(name: str) -> bool:
    return (name.startswith((".", "#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp"))
            or name == "4913" or name == "__pycache__")


def snapshot(roots: list[Path]) -> dict[Path, tuple[int, int]]:
    """{file: (mtime_ns, size)} of every file under ``roots`` (files or folders)."""
    out: dict[Path, tuple[int, int]] = {}
    for root in roots:
        if root.is_file():
            st = root.stat()
            out[root.resolve()] = (st.st_mtime_ns, st.st_size)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not _ignored(d)]
            for name in filenames:
                if _ignored(name):
                    continue
                path = Path(dirpath, name)
                try:
                    st = path.stat()
                except FileNotFoundError:
                    continue
                out[path.resolve()] = (st.st_mtime_ns, st.st_size)
    return out


class Watcher:
    """Reports the files added, changed or removed since the last call."""

    def __init__(self, roots: Callable[[], list[Path]]):
        self.roots = roots
        self.last = snapshot(roots())

    def changes(self) -> set[Path]:
        now = snapshot(self.roots())
        changed = {p for p in set(now) | set(self.last) if now.get(p) != self.last.get(p)}
        self.last = now
        return changed


def own_hosts(port: int) -> frozenset[str]:
    """The Host headers that name this server (lower case)."""
    names = ("127.0.0.1", "localhost", "[::1]")
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= set(names)
    return frozenset(hosts)


# -- the live state the browser polls ---------------------------------------------------


@dataclass
class Live:
    version: int = 0
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, result: Rebuild) -> None:
        with self.lock:
            if result.error is not None:
                self.error = str(result.error)
                self.version += 1
            elif result.written or result.removed or self.error is not None:
                self.error = None
                self.version += 1

    def status(self) -> dict:
        with self.lock:
            return {"version": self.version, "error": self.error}


def error_page(message: str) -> bytes:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>aimaq: the build failed</title>\n"
            "<link rel=\"stylesheet\" href=\"/__aimaq/overlay.css\">\n"
            f"{SCRIPT_TAG.decode()}\n</head>\n<body>\n"
            "<div id=\"aimaq-overlay\" role=\"alert\"><strong>aimaq: the build failed</strong>"
            f"<pre>{html.escape(message)}</pre><p>Fix the file and save it: the page reloads "
            "by itself.</p></div>\n</body>\n</html>\n").encode()


def inject(page: bytes) -> bytes:
    """The page with the reload script before </head> (served only, never written)."""
    at = page.lower().find(b"</head>")
    if at < 0:
        return page + SCRIPT_TAG
    return page[:at] + SCRIPT_TAG + b"\n" + page[at:]


def handler_class(root: Path, live: Live, base_path: str = "/"):
    class Handler(http.server.SimpleHTTPRequestHandler):
        server_version = "aimaq-serve"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format, *args):       # the CLI prints rebuilds, not requests
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def _addressed_to_us(self) -> bool:
            host = (self.headers.get("Host") or "").strip().lower()
            if host in own_hosts(self.server.server_address[1]):
                return True
            status = 400 if not host else 421
            self._send(status, b"aimaq serve answers only requests to its own address "
                       b"(127.0.0.1, localhost or [::1] with its port)\n",
                       "text/plain; charset=utf-8")
            return False

        def do_GET(self):
            if not self._addressed_to_us():
                return None
            path = unquote(urlsplit(self.path).path)
            if path.startswith(PREFIX):
                return self._internal(path[len(PREFIX):])
            if base_path != "/" and path.startswith(base_path):
                self.path = "/" + self.path[len(base_path):]
                path = "/" + path[len(base_path):]
            local = Path(self.translate_path(self.path))
            if local.is_dir():
                if not path.endswith("/"):
                    return super().do_GET()          # redirects to the folder with '/'
                local = local / "index.html"
            error = live.status()["error"]
            if local.is_file() and local.suffix == ".html":
                return self._send(200, inject(local.read_bytes()), "text/html; charset=utf-8")
            if local.is_file():
                return super().do_GET()
            if error is not None:
                return self._send(500, error_page(error), "text/html; charset=utf-8")
            missing = root / "404.html"
            if missing.is_file():
                return self._send(404, inject(missing.read_bytes()), "text/html; charset=utf-8")
            return self.send_error(404)

        def _internal(self, name: str) -> None:
            if name == "status":
                body = json.dumps(live.status()).encode("utf-8")
                return self._send(200, body, "application/json")
            files = {"reload.js": "text/javascript; charset=utf-8",
                     "overlay.css": "text/css; charset=utf-8"}
            if name in files:
                return self._send(200, (STATIC / name).read_bytes(), files[name])
            return self.send_error(404)

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


# -- the preview ----------------------------------------------------------------------


class Preview:
    """Build, serve on 127.0.0.1, and rebuild on change.

    ``on_rebuild(result)`` receives every build's :class:`Rebuild` (the CLI prints it)."""

    def __init__(self, config_path: Path | str = "site.yaml", *, port: int = 8000,
                 output: Path | None = None, edition_id: str | None = None,
                 on_rebuild: Callable[[Rebuild], None] | None = None, interval: float = 0.1):
        self.session = Session(config_path, output, edition_id)
        self.port = port
        self.interval = interval
        self.on_rebuild = on_rebuild or (lambda result: None)
        self.live = Live()
        self.server: _Server | None = None
        self.watcher: Watcher | None = None

    @property
    def output(self) -> Path:
        return self.session.output

    @property
    def url(self) -> str:
        assert self.server is not None
        base = urls.base_path(self.session.config.base_url)
        return f"http://127.0.0.1:{self.server.server_address[1]}{base}"

    def start(self) -> str:
        """The first build (an error is shown, not raised), then the server; its address."""
        self.watcher = Watcher(self.session.watched)
        self._report(self.session.build())
        self.output.mkdir(parents=True, exist_ok=True)
        handler = handler_class(self.output.resolve(), self.live,
                                urls.base_path(self.session.config.base_url))
        self.server = _Server(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.url

    def _report(self, result: Rebuild) -> None:
        self.live.update(result)
        self.on_rebuild(result)

    def poll(self) -> Rebuild | None:
        """Rebuild once for the files changed since the last poll (None: nothing changed)."""
        assert self.watcher is not None
        changed = self.watcher.changes()
        if not changed:
            return None
        time.sleep(0.03)                         # let an editor finish writing
        changed |= self.watcher.changes()
        result = self.session.build(changed)
        self._report(result)
        if result.ok:
            self.session.refresh_search()      # after the browser got the new page
        return result

    def run(self, stop: threading.Event | None = None) -> None:
        """Poll until ``stop`` is set (or Ctrl+C)."""
        stop = stop or threading.Event()
        try:
            while not stop.wait(self.interval):
                self.poll()
        except KeyboardInterrupt:
            pass

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
