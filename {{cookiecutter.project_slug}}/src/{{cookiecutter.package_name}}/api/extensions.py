"""The API's extension objects, bound to the app by :func:`init_app <..api.init_app>`.

flask-smorest builds the OpenAPI document, Flask-JWT-Extended checks tokens and Flask-Limiter
throttles the token endpoint (limits by client address).
"""

from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

api = Api()
jwt = JWTManager()
limiter = Limiter(get_remote_address)
