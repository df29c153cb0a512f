"""``/api/v1/notes``: each user creates, reads, changes and deletes their own notes."""

from collections.abc import Sequence

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from ..extensions import db
from ..models import Note
from .queries import one_or_404, page_of, valid_id_or_404
from .schemas import NoteQuerySchema, NoteSchema, NoteUpdateSchema
from .security import token_required

bp = Blueprint(
    "api_notes",
    __name__,
    url_prefix="/notes",
    description="The caller's own notes; another user's note is 404.",
)


def own_note_or_404(note_id: int) -> Note:
    """The caller's note with this id; a missing note and another user's both give 404."""
    select = Note.owned_by(current_user.id).filter_by(id=valid_id_or_404(note_id, "Note"))
    note: Note = one_or_404(select, "Note")
    return note


@bp.route("")
class Notes(MethodView):
    decorators = [token_required()]

    @bp.arguments(NoteQuerySchema, location="query")
    @bp.response(200, NoteSchema(many=True))
    @bp.paginate()
    def get(
        self, query: dict[str, str], pagination_parameters: PaginationParameters
    ) -> Sequence[Note]:
        """List my notes, newest first; filter by part of the title."""
        select = Note.owned_by(current_user.id, title_contains=query.get("title"))
        return page_of(select, pagination_parameters)

    @bp.arguments(NoteSchema)
    @bp.response(201, NoteSchema)
    def post(self, fields: dict[str, str]) -> Note:
        """Create a note."""
        note = Note(owner=current_user, **fields)
        db.session.add(note)
        db.session.commit()
        return note


@bp.route("/<int:note_id>")
class NoteItem(MethodView):
    decorators = [token_required()]

    @bp.response(200, NoteSchema)
    def get(self, note_id: int) -> Note:
        """Get one of my notes."""
        return own_note_or_404(note_id)

    @bp.arguments(NoteUpdateSchema)
    @bp.response(200, NoteSchema)
    def patch(self, fields: dict[str, str], note_id: int) -> Note:
        """Change the title and/or body of one of my notes."""
        note = own_note_or_404(note_id)
        for name, value in fields.items():
            setattr(note, name, value)
        db.session.commit()
        return note

    @bp.response(204)
    def delete(self, note_id: int) -> None:
        """Delete one of my notes."""
        db.session.delete(own_note_or_404(note_id))
        db.session.commit()
