"""`xinsheng serve [--host H] [--port P]`."""

from __future__ import annotations

import argparse

from service.cli.common import handles_errors


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="serve the HTTP API and web app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.set_defaults(handler=serve)


@handles_errors
def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app
    from service.config import get_settings

    settings = get_settings()  # fail here, before binding, when settings are invalid
    if settings.scheduler == "embedded":
        from service.scheduler import start_embedded

        start_embedded()
    # Our middleware logs each request as a JSON line; uvicorn keeps its own startup messages.
    uvicorn.run(create_app(settings), host=args.host, port=args.port, access_log=False)
    return 0
