"""The one exception type build.py turns into a one-line message and a non-zero exit."""
from __future__ import annotations


class CatalogError(Exception):
    """A failure the user can act on; str() is the whole message."""
