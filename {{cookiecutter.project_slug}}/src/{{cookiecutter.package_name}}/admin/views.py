"""Routes: ``/admin/`` pages through the users (searchable by address) and shows the sections
features add; ``/admin/users/<id>/role`` changes a user's role."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.permissions import permission_required
from ..auth.redirects import safe_next_path
from ..extensions import db
from ..models import Role, RoleChangeRefused, User
from ..pages import paginate
from ..stats import invalidate_user_stats, user_stats
from . import bp


@bp.route("/")
@permission_required("admin.access")
def index() -> str:
    """A page of the users with their roles, newest first (``?q=`` keeps those whose address
    holds it, in any case; ``?page=`` pages), then the features' sections."""
    query = request.args.get("q", "").strip()[:254]
    select = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        select = select.where(User.email.icontains(query, autoescape=True))
    users = paginate(select)
    roles = db.session.scalars(db.select(Role).order_by(Role.name)).all()
    sections = [
        (template, context())
        for template, context in current_app.extensions.get("admin_sections", [])
    ]
    return render_template(
        "admin/index.html",
        users=users,
        query=query,
        roles=roles,
        stats=user_stats(),
        sections=sections,
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@permission_required("users.manage")
def set_role(user_id: int) -> Response:
    """Give the user the role named in the form field ``role``.

    Responds 404 for an unknown user, 400 for an unknown role or a change that
    :meth:`User.change_role` refuses (one's own role, the last user who can manage users).
    Then redirects to the form field ``next`` when it is a path on this site (the list page the
    form was on), else to ``/admin/``.
    """
    user = db.get_or_404(User, user_id)
    role = db.session.scalar(db.select(Role).filter_by(name=request.form.get("role", "")))
    if role is None:
        abort(400, description="Unknown role.")
    try:
        user.change_role(role, by=current_user)
    except RoleChangeRefused as refusal:
        abort(400, description=str(refusal))
    db.session.commit()
    invalidate_user_stats()
    flash(f"{user.email} is now {role.name}.", "success")
    # Back to the page of the list the form was on (its search and page), never off the site.
    return redirect(safe_next_path(request.form.get("next"), url_for("admin.index")))
