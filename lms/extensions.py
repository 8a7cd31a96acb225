"""Flask extensions, created unbound and initialised in `create_app`."""

from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()  # its selectors: lms.localisation
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please log in to see that page.")
login_manager.login_message_category = "info"
