"""Flask extensions, created unbound and initialised in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from casework.database import Base

db = SQLAlchemy(model_class=Base)

# The base class for models. Type checkers cannot see through Flask-SQLAlchemy's dynamically
# built db.Model, so they see the declarative Base it is made from; at run time models
# subclass db.Model itself (query property, automatic __tablename__, the shared metadata).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
