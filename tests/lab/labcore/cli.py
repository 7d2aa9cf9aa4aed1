# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line shared by the emulators: ``python -m <emulator> --port 8006 --state lab.json``."""

import argparse
import json
import signal
import sys

from .server import LabServer


def build_parser(name, default_port):
    parser = argparse.ArgumentParser(prog=name, description='Run the %s lab emulator on loopback.' % name)
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to listen on (127.0.0.1 or localhost)')
    parser.add_argument('--port', type=int, default=default_port, help='TCP port, 0 picks a free one (default %(default)s)')
    parser.add_argument('--state', help='JSON state file: loaded at start if present, written after changes')
    parser.add_argument('--fixture', help='JSON fixture to load at start (ignored when --state exists)')
    parser.add_argument('--ca-file', help='where to write the CA certificate clients verify against')
    parser.add_argument('--ready-file', help='write url, port, CA path and side-door token here once listening')
    parser.add_argument('--latency-ms', type=float, default=0.0, help='latency injected into every API request')
    parser.add_argument('--max-lifetime', type=float, default=7200.0,
                        help='stop after this many seconds (0 = never; default %(default)s)')
    parser.add_argument('--idle-timeout', type=float, default=0.0, help='stop after this many idle seconds (0 = never)')
    return parser


def run(app_factory, name, default_port, argv=None, configure=None):
    """Parse arguments, start the server, block until it stops."""
    parser = build_parser(name, default_port)
    if configure:
        configure(parser)
    args = parser.parse_args(argv)
    app = app_factory(args)
    if args.fixture and not (args.state and _exists(args.state)):
        with open(args.fixture, encoding='utf-8') as handle:
            app.load_fixture(json.load(handle))
    try:
        server = LabServer(app, host=args.host, port=args.port, ca_file=args.ca_file, state_file=args.state,
                           latency_ms=args.latency_ms, max_lifetime=args.max_lifetime, idle_timeout=args.idle_timeout)
    except (ValueError, OSError) as exc:
        parser.exit(2, '%s: %s\n' % (name, exc))
    server.start()
    if args.ready_file:
        server.write_ready_file(args.ready_file)
    sys.stdout.write('%s listening on %s (CA: %s)\n' % (name, server.url, server.ca_file))
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    signal.signal(signal.SIGINT, lambda *_: server.stop())
    server.wait()
    return 0


def _exists(path):
    try:
        with open(path, encoding='utf-8'):
            return True
    except OSError:
        return False
