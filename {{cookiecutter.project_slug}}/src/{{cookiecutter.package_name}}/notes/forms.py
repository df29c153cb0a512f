"""The note form (Flask-WTF, with a CSRF token); its limits are the model's."""

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


def strip(value: str | None) -> str | None:
    """WTForms filter: a title of spaces is no title."""
    return value.strip() if value else value


class NoteForm(FlaskForm):
    """Fields ``title`` (required, at most :data:`TITLE_MAX_LENGTH` characters) and ``body``
    (at most :data:`BODY_MAX_LENGTH`)."""

    title = StringField(
        "Title", filters=[strip], validators=[DataRequired(), Length(max=TITLE_MAX_LENGTH)]
    )
    body = TextAreaField("Text", validators=[Length(max=BODY_MAX_LENGTH)])
    submit = SubmitField("Save")
