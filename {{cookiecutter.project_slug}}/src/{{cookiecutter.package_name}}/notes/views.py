"""Routes: ``/notes/`` (the list, ``?q=`` searches titles, ``?page=`` pages), ``/notes/new``,
``/notes/<id>/edit`` and ``/notes/<id>/delete`` (a question; POST deletes).

Another user's note answers 404, as a missing one does, so ids reveal nothing. Every POST
carries the CSRF token (Flask-WTF's CSRFProtect checks it app-wide).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import MAX_ID, db
from ..models import TITLE_MAX_LENGTH, Note
from ..pages import paginate
from . import bp
from .forms import NoteForm


def own_note_or_404(note_id: int) -> Note:
    """The current user's note with this id; a missing note and another user's both give 404."""
    note: Note | None = db.session.scalar(Note.owned_by(current_user.id).filter_by(id=note_id))
    if note is None:
        abort(404, description="There is no such note.")
    return note


@bp.route("/")
@login_required
def index() -> ResponseReturnValue:
    """A page of the user's notes, newest first, only those whose title holds ``q`` when it is
    given (any case)."""
    query = request.args.get("q", "").strip()[:TITLE_MAX_LENGTH]
    notes = paginate(Note.owned_by(current_user.id, title_contains=query))
    return render_template("notes/index.html", notes=notes, query=query)


def note_form(note: Note | None) -> ResponseReturnValue:
    """The form for a new note (``note`` is ``None``) or for ``note``, filled in. A valid one
    is saved and the list shown; otherwise the form again, 400 with the errors."""
    form = NoteForm(obj=note)
    if form.validate_on_submit():
        if note is None:
            note = Note(owner_id=current_user.id)
            db.session.add(note)
        note.title = form.title.data or ""
        note.body = form.body.data or ""
        db.session.commit()
        flash("Note saved.", "success")
        return redirect(url_for("notes.index"))
    return render_template("notes/edit.html", form=form, note=note), 400 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    """The form for a new note (:func:`note_form`)."""
    return note_form(None)


@bp.route(f"/<int(max={MAX_ID}):note_id>/edit", methods=["GET", "POST"])
@login_required
def edit(note_id: int) -> ResponseReturnValue:
    """The form for one of the user's notes (:func:`note_form`); another user's is 404."""
    return note_form(own_note_or_404(note_id))


@bp.route(f"/<int(max={MAX_ID}):note_id>/delete", methods=["GET", "POST"])
@login_required
def delete(note_id: int) -> ResponseReturnValue:
    """GET asks whether to delete one of the user's notes (a page with the note and a button,
    so that a stray click loses nothing); POST deletes it, then shows the list."""
    note = own_note_or_404(note_id)
    if request.method == "GET":
        return render_template("notes/delete.html", note=note)
    db.session.delete(note)
    db.session.commit()
    flash("Note deleted.", "success")
    return redirect(url_for("notes.index"))
