"""``/api/v1/users``: list users, read one, change a user's role (permission ``users.manage``)."""

from collections.abc import Sequence

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters

from ..extensions import db
from ..models import Role, RoleChangeRefused, User
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
    def get(
        self, query: dict[str, str], pagination_parameters: PaginationParameters
    ) -> Sequence[User]:
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
        user: User = one_or_404(
            db.select(User).filter_by(id=valid_id_or_404(user_id, "User")), "User"
        )
        return user

    @bp.arguments(UserRoleSchema)
    @bp.response(200, UserSchema)
    @bp.alt_response(409, description="Your own account, or the last user who can manage users.")
    def patch(self, change: dict[str, str], user_id: int) -> User:
        """Give a user another role.

        Refused with 409 for your own account and for the last user who can manage users
        (the same rule as the admin page: ``User.change_role``).
        """
        user: User = one_or_404(
            db.select(User).filter_by(id=valid_id_or_404(user_id, "User")), "User"
        )
        # The schema admits only names of ROLES, which Role.seed creates together, and this
        # user has one of them: the role exists.
        role = db.session.scalars(db.select(Role).filter_by(name=change["role"])).one()
        try:
            user.change_role(role, by=current_user)
        except RoleChangeRefused as refusal:
            db.session.rollback()
            abort(409, message=str(refusal))
        db.session.commit()
        return user
