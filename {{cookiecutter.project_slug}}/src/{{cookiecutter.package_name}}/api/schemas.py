"""Request and response bodies (marshmallow); flask-smorest turns them into the OpenAPI spec.

Unknown fields are refused (marshmallow's default), every string has a length limit and no
string may hold a NUL character, so a bad body is a 422 with a message per field, never a 500.
"""

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from ..models import BODY_MAX_LENGTH, ROLES, TITLE_MAX_LENGTH


class UTCDateTime(fields.DateTime):
    """An ISO 8601 time with its offset. Times are stored in UTC; SQLite drops the offset."""

    def _serialize(
        self, value: datetime | None, attr: str | None, obj: object, **kwargs: Any
    ) -> str | float | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class BaseSchema(Schema):
    """Base of every API schema: text holding a NUL character is refused with a 422.

    PostgreSQL cannot store or even compare such text (its driver raises), and no real input
    holds one.
    """

    @pre_load
    def refuse_nul_characters(self, data: Any, **kwargs: Any) -> Any:
        """marshmallow pre-load hook; raises ValidationError naming each offending field."""
        if isinstance(data, Mapping):
            errors = {
                name: ["Must not contain NUL characters."]
                for name, value in data.items()
                if isinstance(value, str) and "\x00" in value
            }
            if errors:
                raise ValidationError(errors)
        return data


class CredentialsSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class AccessTokenSchema(BaseSchema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})


class TokenPairSchema(AccessTokenSchema):
    refresh_token = fields.String(required=True)


class UserSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    email = fields.String(dump_only=True)
    role = fields.String(attribute="role.name", dump_only=True)
    created_at = UTCDateTime(dump_only=True)


class UserQuerySchema(BaseSchema):
    email = fields.String(
        validate=validate.Length(max=254), metadata={"description": "Part of the address."}
    )
    role = fields.String(validate=validate.OneOf(sorted(ROLES)))


class UserRoleSchema(BaseSchema):
    role = fields.String(required=True, validate=validate.OneOf(sorted(ROLES)))


class NoteSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX_LENGTH))
    body = fields.String(load_default="", validate=validate.Length(max=BODY_MAX_LENGTH))
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class NoteUpdateSchema(BaseSchema):
    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX_LENGTH))
    body = fields.String(validate=validate.Length(max=BODY_MAX_LENGTH))


class NoteQuerySchema(BaseSchema):
    title = fields.String(
        validate=validate.Length(max=TITLE_MAX_LENGTH),
        metadata={"description": "Part of the title (any case)."},
    )
