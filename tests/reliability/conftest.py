from tests.support.socket_fixtures import _cheap_password_hashes, cast, clients, sweep  # noqa: F401
