"""Where to send a user after login: only ever a path on this site."""

import unicodedata


def safe_next_path(target: str | None, default: str = "/") -> str:
    """Return ``target`` when it is a same-site path, otherwise ``default``.

    A same-site path starts with exactly one ``/`` (so it has no scheme, and ``//host`` would be
    a network-path reference to another host, RFC 3986 section 4.2) and holds no backslash,
    whitespace or control character: browsers read ``\\`` as ``/`` and drop tabs and newlines
    (WHATWG URL standard), which would turn ``/\\host`` or ``/<TAB>/host`` into ``//host``.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ch == "\\" or ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target):
        return default
    return target
