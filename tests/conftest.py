from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fakeserver import FakeLL2  # noqa: E402


@pytest.fixture
def fake_api():
    """A fake LL2 API on loopback, stopped after the test."""
    server = FakeLL2().start()
    yield server
    server.stop()
