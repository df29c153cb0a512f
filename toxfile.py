"""tox's inline plugin for this repository (tox loads ``toxfile.py`` from the project root).

It lets ``tox`` find the Pythons of the ``py310`` .. ``py313`` envs on a machine where pyenv
installed them: pyenv's shims answer ``python3`` but not ``python3.12``, so tox (and uv under
tox-uv) would not see them. Every ``$PYENV_ROOT/versions/3.*/bin`` is put at the end of
``PATH``, so an interpreter already on ``PATH`` (a system Python, one that ``uv python
install`` put there) still wins. An interpreter that is nowhere stays a failure: tox.ini does
not skip missing interpreters unless ``TOX_SKIP_MISSING_INTERPRETERS=true`` is set.
"""

import os
from pathlib import Path

from tox.config.sets import CoreConfigSet
from tox.plugin import impl
from tox.session.state import State


def pyenv_bins() -> list[str]:
    """The ``bin`` folders of pyenv's CPython 3 installs, newest version first."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in path.parent.name.split(".") if part.isdigit())

    found = [path for path in root.glob("versions/3.*/bin") if (path / "python3").exists()]
    return [str(path) for path in sorted(found, key=version, reverse=True)]


@impl
def tox_add_core_config(core_conf: CoreConfigSet, state: State) -> None:
    """Append pyenv's interpreters to ``PATH`` before tox looks for any env's Python."""
    known = os.environ.get("PATH", "").split(os.pathsep)
    extra = [path for path in pyenv_bins() if path not in known]
    if extra:
        os.environ["PATH"] = os.pathsep.join([*known, *extra])
