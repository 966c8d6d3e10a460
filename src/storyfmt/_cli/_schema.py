"""``storyfmt schema``: the JSON Schema of the JSON form."""

from __future__ import annotations

import argparse
import json

from storyfmt._cli._files import emit
from storyfmt._cli._terminal import EXIT_OK
from storyfmt._config import (
    Configs,
)
from storyfmt._serialize import (
    json_schema,
)


def cmd_schema(args: argparse.Namespace, configs: Configs) -> int:
    """``storyfmt schema``: the JSON Schema of the JSON form."""
    emit(args.output, json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK
