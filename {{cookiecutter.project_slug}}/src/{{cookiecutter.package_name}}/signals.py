"""The app's own signals (blinker), beside Flask-Login's ``user_logged_in`` and
``user_logged_out``: features subscribe to them instead of being called from the core's views.

Each is sent with the app as sender, so ``signal.connect(handler, app)`` listens to one app.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent after a new account is committed, and before the new user is logged in, with
#: ``user=<User>``.
user_registered = _signals.signal("user-registered")
