"""`python -m bench.serve_app MODULE:APP --workers N --port PORT`: any ASGI app served as `corral serve` serves
Corral's (api/cli/serving.py: uvicorn with its default access log, several workers sharing a listening socket with
TCP_NODELAY), so that a baseline is served the same way and is not slowed, or sped, by how it is served."""

from __future__ import annotations

import argparse

from api.cli.serving import serve


def main(argv: list[str] | None = None) -> None:
    """Serve the app until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve_app", description=__doc__)
    parser.add_argument("app", help="the ASGI app, as MODULE:ATTRIBUTE")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    serve(args.app, host=args.host, port=args.port, workers=args.workers)


if __name__ == "__main__":
    main()
