"""The `casework` command: thin adapters over the services."""

from casework.cli.main import main

__all__ = ["main"]
