"""Serve the app: python run.py [--host 127.0.0.1] [--port 8000] [--db app.db]."""

import argparse
from wsgiref.simple_server import make_server

from app.main import create_app


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--db", default="app.db")
    options = parser.parse_args()
    with make_server(options.host, options.port, create_app(options.db)) as server:
        print(f"Serving on http://{options.host}:{options.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
