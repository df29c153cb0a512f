"""The app's own signals (blinker), beside Flask-Login's ``user_logged_in`` and
``user_logged_out``: features subscribe to them instead of being called from the core's views.

Each is sent with the app as sender, so ``signal.connect(handler, app)`` listens to one app.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent after a new account is committed, and before the new user is logged in, with
#: ``user=<User>``.
user_registered = _signals.signal("user-registered")
{%- if cookiecutter.celery_broker != "none" %}

#: Sent by a task of a user's (the demo task of ``/tasks/``) at each step and when it ends,
#: with ``user_id=<int>``, ``task_id=<str>``, ``state=<str>`` (``PROGRESS``, ``SUCCESS`` or
#: ``FAILURE``) and ``info=<dict>`` (``current`` and ``total`` steps, ``result`` or
#: ``error``): the same fields as the task's status URL. It is sent where the task runs,
#: usually in a Celery worker.
task_progress = _signals.signal("task-progress")
{%- endif %}
