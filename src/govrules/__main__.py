"""Run the ``govrules`` command as ``python -m govrules``."""

import sys

from govrules.cli import main

sys.exit(main())
