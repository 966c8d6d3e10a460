"""``python -m storyfmt``: the same as the ``storyfmt`` command."""

import sys

from storyfmt._cli import main

sys.exit(main())
