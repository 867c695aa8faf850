"""Reading the call settings from the environment: ICE servers, the mesh limit, a video server."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

# Above this many people a plenary leaves the mesh for broadcast: each peer of a mesh of n sends
# its camera n-1 times. Six is what common mesh apps allow on a participant's own laptop; the
# bench (bench/calls.py) runs every peer on one machine and so finds a smaller mesh there.
DEFAULT_MESH_LIMIT = 6
MAX_MESH_LIMIT = 16
MAX_ICE_SERVERS = 8
_ICE_SCHEMES = ("stun:", "stuns:", "turn:", "turns:")


class CallSettingsError(ValueError):
    """A call setting that cannot be used: the message names the variable."""


@dataclass(frozen=True)
class CallSettings:
    ice_servers: tuple[dict[str, Any], ...] = ()
    mesh_limit: int = DEFAULT_MESH_LIMIT
    sfu_url: str | None = None

    def client(self) -> dict[str, Any]:
        """What the board page hands to call.js."""
        return {
            "ice_servers": list(self.ice_servers),
            "mesh_limit": self.mesh_limit,
            "sfu_url": self.sfu_url,
        }


def parse_ice_servers(raw: str | None) -> tuple[dict[str, Any], ...]:
    """WORKSHOP_ICE_SERVERS: a JSON list of RTCIceServer objects ({urls, username?, credential?}).
    Empty or unset: none, which is right on a local network (host candidates connect)."""
    if not raw or not raw.strip():
        return ()
    try:
        servers = json.loads(raw)
    except ValueError as error:
        raise CallSettingsError(f"WORKSHOP_ICE_SERVERS is not JSON: {error}") from None
    if not isinstance(servers, list) or len(servers) > MAX_ICE_SERVERS:
        raise CallSettingsError(
            f"WORKSHOP_ICE_SERVERS must be a list of at most {MAX_ICE_SERVERS} servers"
        )
    parsed = []
    for server in servers:
        if (
            not isinstance(server, dict)
            or "urls" not in server
            or set(server) - {"urls", "username", "credential"}
        ):
            raise CallSettingsError("each ICE server is {urls, username?, credential?}")
        urls = server["urls"] if isinstance(server["urls"], list) else [server["urls"]]
        if not urls or not all(isinstance(u, str) and u.startswith(_ICE_SCHEMES) for u in urls):
            raise CallSettingsError("ICE server urls start with stun:, stuns:, turn: or turns:")
        if any(u.startswith(("turn:", "turns:")) for u in urls) and not (
            isinstance(server.get("username"), str) and isinstance(server.get("credential"), str)
        ):
            raise CallSettingsError("a TURN server needs a username and a credential")
        parsed.append({k: v for k, v in server.items() if k != "urls"} | {"urls": urls})
    return tuple(parsed)


def parse_mesh_limit(raw: str | None) -> int:
    if raw is None or not raw.strip():
        return DEFAULT_MESH_LIMIT
    if not raw.strip().isdigit() or not 2 <= int(raw) <= MAX_MESH_LIMIT:
        raise CallSettingsError(
            f"WORKSHOP_CALL_MESH_LIMIT must be a whole number from 2 to {MAX_MESH_LIMIT}"
        )
    return int(raw)


def parse_sfu_url(raw: str | None) -> str | None:
    """WORKSHOP_CALL_SFU_URL: the organisation's own video server, as an address template with
    `{room}` (e.g. https://meet.example.org/{room}). The board speaks no video server's protocol:
    with this set, each room's call panel links to that server's room for it, with a name the
    server derives from the board and its secret, instead of starting a mesh (docs/calls.md)."""
    if raw is None or not raw.strip():
        return None
    url = urlparse(raw.strip())
    if url.scheme != "https" or not url.netloc or "{room}" not in raw:
        raise CallSettingsError(
            "WORKSHOP_CALL_SFU_URL must be an https:// address with {room} in it"
        )
    return raw.strip()


def external_room_url(template: str, secret: str, board_id: int) -> str:
    """The video server's room of one board: a name nobody can guess from the board's id."""
    name = hmac.new(secret.encode(), f"call-room:{board_id}".encode(), hashlib.sha256).hexdigest()
    return template.replace("{room}", f"tavolo-{name[:24]}")


def from_env(env: dict[str, str]) -> CallSettings:
    return CallSettings(
        ice_servers=parse_ice_servers(env.get("WORKSHOP_ICE_SERVERS")),
        mesh_limit=parse_mesh_limit(env.get("WORKSHOP_CALL_MESH_LIMIT")),
        sfu_url=parse_sfu_url(env.get("WORKSHOP_CALL_SFU_URL")),
    )
