"""Run the ``govrules`` command as ``python -m govrules``."""

import sys

from govrules.cli import program

sys.exit(program())
