"""Extension instances, configured by create_app()."""

from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

from flask_sqlalchemy.session import Session as FlaskSession

from tenants import PLACEHOLDER_SCHEMA, Tenancy, TenantBinding

class AppSession(TenantBinding, FlaskSession):
    """Flask-SQLAlchemy's session, bound per request to the tenant's schema."""


#: Every db.Model lives in the placeholder schema, translated per tenant.
db = SQLAlchemy(
    metadata=MetaData(schema=PLACEHOLDER_SCHEMA),
    session_options={"class_": AppSession},
)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
tenancy = Tenancy()
