"""Type stubs of the `cardboss` package (everything is defined in `cardboss._native`)."""

from cardboss._native import *
from cardboss._native import __version__ as __version__
from cardboss.errors import *

__all__: list[str]
"""Every public name of `cardboss._native`, which this package re-exports."""
