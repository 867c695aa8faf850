"""Which web pages may open a socket: the site's own, and the ones WORKSHOP_ALLOWED_ORIGINS lists.

python-engineio checks the page's own origin only when `cors_allowed_origins` is None; given a
list it accepts that list and nothing else, so a deployment that added a second host name locked
out its main site. A callable keeps both: the page's own origin always, the listed ones besides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted


def origin_check(
    extra: Iterable[str],
    base_url: str | None,
    trusted_hosts: list[str] | None,
    proxy_hops: int,
) -> Callable[[str | None, dict], bool]:
    """`allowed(origin, environ)` for python-engineio's cors_allowed_origins."""
    listed = {o.rstrip("/") for o in extra}

    def own_origins(environ: dict) -> set[str]:
        if base_url:
            # The site has one address, and requests for other hosts are refused: a Host header
            # (which a client may forge) does not make its origin ours.
            return {base_url}
        origins = set()
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST")
        if host:
            origins.add(f"{scheme}://{host}")
        if proxy_hops and host:
            # Behind our proxy (WORKSHOP_PROXY_HOPS), the address the browser used is forwarded.
            proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[-1].strip()
            fwd_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[-1].strip()
            origins.add(f"{proto}://{fwd_host}")
        return origins

    def allowed(origin: str | None, environ: dict) -> bool:
        if not origin:
            return False
        origin = origin.rstrip("/")
        if origin in listed:
            return True
        if origin not in own_origins(environ):
            return False
        hostname = urlsplit(origin).hostname or ""
        return not trusted_hosts or host_is_trusted(hostname, trusted_hosts)

    return allowed
