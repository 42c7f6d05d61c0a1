"""The pytest plugin of the `cardboss` package (entry point ``pytest11``): the
``cardboss_sandbox`` fixture, a fresh in-process sandbox for each test, stopped afterwards.

Its options come from the ``cardboss_sandbox_options`` fixture (default: none, the sandbox's
defaults); override it in a conftest.py or a test module to change them::

    @pytest.fixture
    def cardboss_sandbox_options() -> dict[str, object]:
        return {"cards": 50, "strict": True}
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cardboss.testing import Sandbox


@pytest.fixture
def cardboss_sandbox_options() -> dict[str, Any]:
    """Keyword arguments of `Sandbox(...)` for the `cardboss_sandbox` fixture."""
    return {}


@pytest.fixture
def cardboss_sandbox(cardboss_sandbox_options: dict[str, Any]) -> Iterator[Sandbox]:
    """A sandbox running in the test process, closed when the test ends."""
    with Sandbox(**cardboss_sandbox_options) as sandbox:
        yield sandbox
