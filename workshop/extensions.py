"""Extension objects, created unbound and initialised by the factory."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFProtect

from workshop.database import Database

db = Database()
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
socketio = SocketIO()
# The remote address is the real one: ProxyFix (set up in the factory) trusts only the
# configured number of proxy hops, so X-Forwarded-For cannot be spoofed past the limits.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
