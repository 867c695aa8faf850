"""Static files: versioned URLs cached for a year, an import map for the ES modules, compression.

Every `url_for("static", filename=...)` gets `?v=<the first 12 hex digits of the file's SHA-256>`,
so a browser may keep a file for a year (`immutable`) and a new deploy is fetched at once.
ES modules import each other by relative URL ("./canvas.js"), which carries no version: the
page's import map (`<script type="importmap">`, rendered by `import_map()` in base.html) maps
each module's plain URL to its versioned one, so a cached old module never mixes with a new
page. The map is inline, so the Content-Security-Policy allows exactly its SHA-256 and nothing
else inline (`script_hash()`, security.py).

Responses (pages, CSS, JS, JSON) are compressed with Brotli or gzip by Flask-Compress.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask, request, url_for
from flask_compress import Compress
from markupsafe import Markup

VERSION_HEX_DIGITS = 12  # 48 bits of the content hash: collisions between deploys are negligible
CACHE_FOREVER_S = 365 * 24 * 3600  # a versioned URL never changes content
# Folders whose .js files are ES modules a page may import (tests are not served to pages).
MODULE_DIRS = ("js", "vendor")
SKIPPED_DIRS = {"tests", "node_modules"}

compress = Compress()


class StaticVersions:
    """Content hashes of the static files, recomputed only when a file's size or mtime changes.

    The files are looked at again at most every RECHECK_S: walking and stating them for every
    page (the import map names every module) took about 7 ms of the event loop per page on a
    slow core, while people joined a busy board. An edited file still shows within seconds."""

    RECHECK_S = 2.0

    def __init__(self, root: Path, clock: Callable[[], float] = time.monotonic):
        self.root = root
        self._clock = clock
        self._cache: dict[str, tuple[tuple[int, int], str]] = {}
        self._seen: dict[str, tuple[float, str]] = {}  # filename -> (when, version)
        self._map: tuple[tuple, str, str] | None = None
        self._map_seen = float("-inf")

    def version(self, filename: str) -> str | None:
        now = self._clock()
        seen = self._seen.get(filename)
        if seen is not None and now - seen[0] < self.RECHECK_S:
            return seen[1]
        version = self._version(filename)
        if version is not None:  # only files that exist: a request may name any path
            self._seen[filename] = (now, version)
        return version

    def _version(self, filename: str) -> str | None:
        path = (self.root / filename).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        cached = self._cache.get(filename)
        if cached and cached[0] == key:
            return cached[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_HEX_DIGITS]
        self._cache[filename] = (key, digest)
        return digest

    def modules(self) -> list[str]:
        """The .js files under MODULE_DIRS, as paths relative to the static folder."""
        found = []
        for folder in MODULE_DIRS:
            base = self.root / folder
            for dirpath, dirnames, filenames in os.walk(base):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
                for name in sorted(filenames):
                    if name.endswith(".js"):
                        found.append((Path(dirpath) / name).relative_to(self.root).as_posix())
        return found

    def import_map(self) -> tuple[str, str]:
        """(the import map's JSON, its CSP source 'sha256-...'), rebuilt when a module changes."""
        now = self._clock()
        if self._map and now - self._map_seen < self.RECHECK_S:
            return self._map[1], self._map[2]
        self._map_seen = now
        modules = self.modules()
        versions = tuple((name, self.version(name)) for name in modules)
        if self._map and self._map[0] == versions:
            return self._map[1], self._map[2]
        imports = {}
        for name, version in versions:
            plain = url_for("static", filename=name, v=None)
            imports[plain] = f"{plain}?v={version}"
        text = json.dumps({"imports": imports}, separators=(",", ":"), sort_keys=True)
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        self._map = (versions, text, f"'sha256-{digest}'")
        return text, self._map[2]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Brotli 6: as fast as the default 4 on our modules (~20 ms for all of them) and ~8% smaller.
    app.config.setdefault("COMPRESS_BR_LEVEL", 6)
    # Static files go out as streams; browsers keep them a year, so this compression is rare.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # bytes: smaller bodies gain nothing
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "text/csv",
            "image/svg+xml",
        ],
    )
    compress.init_app(app)

    # after_request hooks run in reverse order: this one runs before Flask-Compress's, which
    # wraps a streamed body (a static file) in a generator and drops the file's own close().
    # The file is then closed only by the garbage collector; close it with the response.
    @app.after_request
    def _close_streamed_file(response):
        body = response.response
        if response.is_streamed and hasattr(body, "close"):
            response.call_on_close(body.close)
        return response

    versions = StaticVersions(Path(app.static_folder).resolve())
    app.extensions["static_versions"] = versions

    @app.url_defaults
    def _version_static(endpoint, values):
        if endpoint != "static" or "filename" not in values:
            return
        if "v" in values:  # v=None asks for the plain URL (the import map's keys)
            if values["v"] is None:
                values.pop("v")
            return
        version = versions.version(values["filename"])
        if version:
            values["v"] = version

    @app.after_request
    def _cache_static(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == versions.version(filename):
            response.headers["Cache-Control"] = f"public, max-age={CACHE_FOREVER_S}, immutable"
        else:  # a plain or stale URL: revalidate every time (ETag), never serve a stale module
            response.headers["Cache-Control"] = "no-cache"
        return response

    @app.context_processor
    def _assets():
        return {"import_map": lambda: Markup(versions.import_map()[0])}


def script_hash(app: Flask) -> str:
    """The CSP source that allows the page's inline import map (and nothing else inline)."""
    return app.extensions["static_versions"].import_map()[1]
