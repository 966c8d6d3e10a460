"""``python -m storyfmt``: the same as the ``storyfmt`` command."""

from storyfmt._cli import run

run()
