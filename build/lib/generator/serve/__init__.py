"""``aimaq serve``: live preview with incremental rebuilds (see server.py and session.py)."""
from .server import Preview
from .session import Rebuild, Session

__all__ = ["Preview", "Rebuild", "Session"]
