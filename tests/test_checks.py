"""The template's own test helpers in ``checks.py`` that can fail on their own."""

from __future__ import annotations

import sys

from checks import Server, stop


def test_a_server_may_print_more_than_a_pipe_holds(tmp_path):
    """What a :class:`Server` prints goes to a file: 1.2 MB printed before anyone reads it (a
    pipe holds 64 KiB) neither blocks the server nor loses a line."""
    script = "for i in range(20000):\n    print(f'line {i:05d} ' + 'x' * 50)\nprint('done')"
    server = Server([sys.executable, "-c", script], tmp_path, {})
    try:
        assert server.wait(timeout=20) == 0
    finally:
        output = stop(server)
    assert output.count("\n") == 20001 and output.endswith("line 19999 " + "x" * 50 + "\ndone\n")
