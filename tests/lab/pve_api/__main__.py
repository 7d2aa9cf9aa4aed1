# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m pve_api --port 8006 --state s.json --fixture f.json --ca-file ca.pem --ready-file r.json``"""

import json
import sys

from labcore.cli import run

from .app import PveApp


def configure(parser):
    parser.add_argument('--schema', help='API schema JSON (default: $ZONEWARDEN_PVE_SCHEMA or the shared reference)')
    parser.add_argument('--auth-delay', type=float, default=0.0,
                        help='seconds to delay 401 answers (real PVE waits about 3; default %(default)s)')


def factory(args):
    fixture = None
    if args.fixture:
        with open(args.fixture, encoding='utf-8') as handle:
            fixture = json.load(handle)
    try:
        return PveApp(fixture=fixture, schema_path=args.schema, auth_delay=args.auth_delay)
    except RuntimeError as exc:  # schema or macros missing: refuse to start
        sys.stderr.write('pve_api: %s\n' % exc)
        sys.exit(2)


if __name__ == '__main__':
    sys.exit(run(factory, 'pve_api', 8006, configure=configure))
