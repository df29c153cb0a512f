"""``/api/v1/users``: list users, read one, change a user's role (permission ``users.manage``)."""

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from ..extensions import db
from ..models import Role, User
from .queries import one_or_404, page_of, valid_id_or_404
from .schemas import UserQuerySchema, UserRoleSchema, UserSchema
from .security import token_required

bp = Blueprint(
    "api_users",
    __name__,
    url_prefix="/users",
    description="User accounts and their roles; needs the users.manage permission.",
)


@bp.route("")
class Users(MethodView):
    decorators = [token_required("users.manage")]

    @bp.arguments(UserQuerySchema, location="query")
    @bp.response(200, UserSchema(many=True))
    @bp.paginate()
    def get(self, query: dict[str, str], pagination_parameters: PaginationParameters):
        """List users, oldest first; filter by part of the email and by role."""
        select = db.select(User).order_by(User.id)
        if "email" in query:
            select = select.where(User.email.icontains(query["email"], autoescape=True))
        if "role" in query:
            select = select.join(User.role).where(Role.name == query["role"])
        return page_of(select, pagination_parameters)


@bp.route("/<int:user_id>")
class UserItem(MethodView):
    decorators = [token_required("users.manage")]

    @bp.response(200, UserSchema)
    def get(self, user_id: int) -> User:
        """Get one user."""
        return one_or_404(db.select(User).filter_by(id=valid_id_or_404(user_id, "User")), "User")

    @bp.arguments(UserRoleSchema)
    @bp.response(200, UserSchema)
    def patch(self, change: dict[str, str], user_id: int) -> User:
        """Give a user another role."""
        user = one_or_404(db.select(User).filter_by(id=valid_id_or_404(user_id, "User")), "User")
        user.role = db.session.scalar(db.select(Role).filter_by(name=change["role"]))
        db.session.commit()
        return user
