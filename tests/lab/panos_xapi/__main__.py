# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m panos_xapi --port 8443 --state s.json --config iron-skillet-full-11.0 --sw-version 10.2.10``."""

import json
import sys

from labcore.cli import run

from .app import PanosApp


def configure(parser):
    parser.add_argument('--config', help='starting configuration: a reference config name '
                        '(factory-baseline-11.0, iron-skillet-full-11.0, trust-untrust-nat-ha-10.1) or an XML file')
    parser.add_argument('--sw-version', help='PAN-OS version to report (default 11.1.6)')
    parser.add_argument('--commit-delay', type=float, help='seconds a commit job stays ACT (default 0.3)')


def make_app(args):
    settings = {} if args.commit_delay is None else {'commit_delay': args.commit_delay}
    try:
        fixture = None
        if args.fixture:
            with open(args.fixture, encoding='utf-8') as handle:
                fixture = json.load(handle)
        return PanosApp(config=args.config, sw_version=args.sw_version, settings=settings, fixture=fixture)
    except (ValueError, OSError, RuntimeError) as exc:
        # Bad --config / --sw-version: a one-line error instead of a traceback.
        sys.exit('panos_xapi: %s' % exc)


if __name__ == '__main__':
    sys.exit(run(make_app, 'panos_xapi', 8443, configure=configure))
