"""``storyfmt server``: the language server, for editors, on stdio."""

from __future__ import annotations

import argparse

from storyfmt._cli._terminal import CommandError
from storyfmt._config import Configs


def cmd_server(args: argparse.Namespace, configs: Configs) -> int:
    """``storyfmt server``: serve the Language Server Protocol on stdio.

    Each check reads the configuration again (``--config`` and ``--isolated``
    as given), so that an edit of it applies at once.
    """
    try:
        from storyfmt._server import serve  # noqa: PLC0415 - the lsp extra, only here
    except ImportError as error:
        raise CommandError(
            f"storyfmt server needs the lsp extra: pip install 'storyfmt[lsp]' ({error})"
        ) from None
    return serve(lambda: Configs.from_command_line(args.config, isolated=args.isolated))
