"""Weight (issue 15): compressed responses, versioned static URLs cached for a year, and an
import map that gives every ES module its version (so a cached old module never mixes in)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import brotli

from workshop import STATIC_DIR
from workshop.web.assets import StaticVersions


def content_version(filename: str) -> str:
    return hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:12]


def board_page(client, become, targets):
    become("conductor_a")
    response = client.get(f"/boards/{targets['board_id']}", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    return response


def test_a_board_page_is_compressed_with_brotli_and_gzip(client, become, targets):
    response = board_page(client, become, targets)
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    html = brotli.decompress(response.get_data()).decode()
    assert 'id="board-root"' in html
    assert len(response.get_data()) < len(html) / 3  # a page of markup shrinks a lot

    plain = client.get(f"/boards/{targets['board_id']}", headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Content-Encoding"] == "gzip"
    assert 'id="board-root"' in gzip.decompress(plain.get_data()).decode()


def test_static_urls_carry_their_content_hash_and_are_cached_for_a_year(client, become, targets):
    html = brotli.decompress(board_page(client, become, targets).get_data()).decode()
    for filename in ("css/app.css", "css/board.css", "js/board/main.js"):
        url = f"/static/{filename}?v={content_version(filename)}"
        assert url in html, filename
        with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert response.headers["Content-Encoding"] == "gzip"
            body = gzip.decompress(response.get_data())
        assert body == (STATIC_DIR / filename).read_bytes()

    # A plain or stale URL is revalidated, never kept: it may name an older file.
    for url in ("/static/js/board/main.js", "/static/js/board/main.js?v=000000000000"):
        with client.get(url) as response:  # a static file is streamed: closing it closes the file
            assert response.headers["Cache-Control"] == "no-cache"


def test_the_import_map_versions_every_module_and_the_csp_allows_only_it(client, become, targets):
    response = board_page(client, become, targets)
    html = brotli.decompress(response.get_data()).decode()
    scripts = re.findall(r'<script type="importmap">(.*?)</script>', html, flags=re.DOTALL)
    assert len(scripts) == 1
    imports = json.loads(scripts[0])["imports"]
    modules = sorted(
        p.relative_to(STATIC_DIR).as_posix()
        for p in (STATIC_DIR / "js").rglob("*.js")
        if "tests" not in p.parts
    )
    assert "js/board/main.js" in modules and "js/board/canvas.js" in modules
    for filename in [*modules, "vendor/socket.io.esm.min.js"]:
        assert imports[f"/static/{filename}"] == f"/static/{filename}?v={content_version(filename)}"
    # The import map comes before the first module script (it must, to apply).
    assert html.index('type="importmap"') < html.index('type="module"')

    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script_src == f"script-src 'self' 'sha256-{digest}'"


def test_static_files_are_looked_at_again_only_every_few_seconds(app, tmp_path, monkeypatch):
    """Not once per page (7 ms of the event loop on a slow core), yet an edit still shows."""
    (tmp_path / "js").mkdir()
    module = tmp_path / "js" / "board.js"
    module.write_text("export const a = 1;\n")
    now = [100.0]
    versions = StaticVersions(tmp_path, clock=lambda: now[0])
    walks: list[int] = []
    real_modules = StaticVersions.modules
    monkeypatch.setattr(
        StaticVersions, "modules", lambda self: walks.append(1) or real_modules(self)
    )
    with app.test_request_context("/"):
        first = versions.version("js/board.js")
        first_map = versions.import_map()[0]
        module.write_text("export const a = 2; // edited\n")
        now[0] += StaticVersions.RECHECK_S / 2
        assert versions.version("js/board.js") == first  # not looked at yet
        assert versions.import_map()[0] == first_map
        assert len(walks) == 1
        now[0] += StaticVersions.RECHECK_S
        second = versions.version("js/board.js")
        assert second != first and second == hashlib.sha256(module.read_bytes()).hexdigest()[:12]
        assert f"board.js?v={second}" in versions.import_map()[0]
        assert len(walks) == 2


def test_a_request_for_a_missing_static_file_is_not_remembered(tmp_path):
    """Any path may be asked for: only files that exist are kept, so memory stays bounded."""
    versions = StaticVersions(tmp_path)
    for n in range(50):
        assert versions.version(f"js/nope-{n}.js") is None
    assert versions._seen == {}
