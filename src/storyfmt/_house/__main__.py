"""Print the house rules' part of the rules page, or write it into the page:
``python -m storyfmt._house [docs/rules.md]``."""

from __future__ import annotations

import sys
from pathlib import Path

from storyfmt._house._docs import markdown, update

if len(sys.argv) > 1:
    page = Path(sys.argv[1])
    page.write_text(update(page.read_text("utf-8")), "utf-8")
else:
    sys.stdout.write(markdown() + "\n")
