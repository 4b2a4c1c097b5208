"""The ``aftersales`` command line."""

from aftersales.cli.main import app

__all__ = ["app"]
