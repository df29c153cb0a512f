"""The models, one module per aggregate."""

{% if cookiecutter.celery_broker != "none" -%}
from .audit import AuditEvent, TaskRun
{% endif -%}
{% if cookiecutter.use_api -%}
from .note import Note
from .revoked_token import RevokedToken
{% endif -%}
from .user import DEFAULT_ROLE, ROLES, Permission, Role, User

__all__ = [
    "DEFAULT_ROLE",
    "ROLES",
{%- if cookiecutter.celery_broker != "none" %}
    "AuditEvent",
{%- endif %}
{%- if cookiecutter.use_api %}
    "Note",
{%- endif %}
    "Permission",
{%- if cookiecutter.use_api %}
    "RevokedToken",
{%- endif %}
    "Role",
{%- if cookiecutter.celery_broker != "none" %}
    "TaskRun",
{%- endif %}
    "User",
]
