#!/usr/bin/env python3
"""Build the Spacecraft Catalog site from a clone: the same command as `spacecraft-catalog`, whose
code is catalog/cli.py. Run with --help for the options."""
from __future__ import annotations

from catalog.cli import main, run  # noqa: F401 - main(argv): for scripts that run the build in-process

if __name__ == "__main__":
    run(prog="build.py")
