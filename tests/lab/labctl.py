#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop the embedded lab (the API emulators on loopback).

    labctl.py start [pve] [panos] [--dir .lab] [--fresh] [--pve-fixture F]   start in the background, print the endpoints
    labctl.py stop  [--dir .lab]                                             stop what ``start`` started
    labctl.py run   [--dir .lab] [--fresh] [--pve-fixture F] -- CMD ARGS...  start, run CMD with PROXMOX_* / PANOS_* set, stop

State files live in ``--dir`` so the lab survives a restart; ``--fresh`` starts from the fixtures.
``--pve-fixture`` / ``--panos-fixture`` pick another starting point than the emulator's default: a
JSON file, or the name of one in ``tests/lab/<emulator>/fixtures`` (``--pve-fixture molecule``).
The side door's reset returns to that fixture.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

# name -> (python package, default fixture relative to tests/lab, environment builder)
EMULATORS = {
    'pve': 'pve_api',
    'panos': 'panos_xapi',
}


def available():
    return [name for name, package in EMULATORS.items() if os.path.isdir(os.path.join(LAB_DIR, package))]


def _ready_path(workdir, name):
    return os.path.join(workdir, '%s-ready.json' % name)


def _read_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def resolve_fixture(name, value):
    """An existing file as given, else a fixture name (with or without .json) in the emulator's fixtures folder."""
    if os.path.isfile(value):
        return os.path.abspath(value)
    folder = os.path.join(LAB_DIR, EMULATORS[name], 'fixtures')
    candidate = os.path.join(folder, value if value.endswith('.json') else value + '.json')
    if os.sep not in value and os.path.isfile(candidate):
        return candidate
    known = sorted(entry[:-5] for entry in os.listdir(folder) if entry.endswith('.json')) if os.path.isdir(folder) else []
    raise ValueError('%s fixture %r is neither a file nor one of: %s' % (name, value, ', '.join(known) or 'none'))


def _fixture_args(package, fixture=None):
    fixture = fixture or os.path.join(LAB_DIR, package, 'fixtures', 'default.json')
    return ['--fixture', fixture] if os.path.exists(fixture) else []


def start_one(name, workdir, fresh=False, lifetime=3600.0, timeout=20.0, fixture=None):
    package = EMULATORS[name]
    ready = _ready_path(workdir, name)
    state = os.path.join(workdir, '%s-state.json' % name)
    if fresh and os.path.exists(state):
        os.unlink(state)
    if os.path.exists(ready):
        os.unlink(ready)
    command = [sys.executable, '-m', package, '--port', '0', '--ready-file', ready, '--state', state,
               '--ca-file', os.path.join(workdir, '%s-ca.pem' % name), '--max-lifetime', str(lifetime)]
    command += _fixture_args(package, fixture)
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([LAB_DIR] + [p for p in [env.get('PYTHONPATH')] if p])
    with open(os.path.join(workdir, '%s.log' % name), 'ab') as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(ready):
            return _read_json(ready)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    with open(os.path.join(workdir, '%s.log' % name), encoding='utf-8', errors='replace') as handle:
        raise SystemExit('labctl: %s did not start:\n%s' % (name, handle.read()[-3000:]))


def stop_all(workdir):
    stopped = []
    for name in EMULATORS:
        ready = _ready_path(workdir, name)
        if not os.path.exists(ready):
            continue
        pid = _read_json(ready).get('pid')
        os.unlink(ready)
        if not pid:
            continue
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _dummy in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        stopped.append(name)
    return stopped


def lab_environment(workdir):
    """Environment variables that point the collection's modules at the running lab."""
    env = {'ZONEWARDEN_LAB_DIR': workdir}
    pve = _ready_path(workdir, 'pve')
    if os.path.exists(pve):
        info = _read_json(pve)
        env.update(PROXMOX_HOST='127.0.0.1', PROXMOX_PORT=str(info['port']), PROXMOX_USER='root@pam',
                   PROXMOX_TOKEN_ID='zonewarden', PROXMOX_TOKEN_SECRET='11111111-2222-3333-4444-555555555555',
                   PROXMOX_CA_PATH=info['ca_file'])
    panos = _ready_path(workdir, 'panos')
    if os.path.exists(panos):
        info = _read_json(panos)
        env.update(PANOS_HOST='127.0.0.1', PANOS_PORT=str(info['port']), PANOS_USERNAME='admin',
                   PANOS_PASSWORD='zonewarden-lab', PANOS_CA_PATH=info['ca_file'])
    return env


def chosen_fixtures(parser, args, names, workdir):
    """{emulator: fixture path or None} from the --<name>-fixture options; a wrong one stops before anything starts."""
    fixtures = {}
    for name in EMULATORS:
        value = getattr(args, '%s_fixture' % name)
        if not value:
            fixtures[name] = None
            continue
        if name not in names:
            parser.error('--%s-fixture given, but the %s emulator is not started' % (name, name))
        try:
            fixtures[name] = resolve_fixture(name, value)
        except ValueError as exc:
            parser.error(str(exc))
        if not args.fresh and os.path.exists(os.path.join(workdir, '%s-state.json' % name)):
            print('labctl: %s starts from its saved state (add --fresh to start from the fixture)' % name)
    return fixtures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('action', choices=['start', 'stop', 'run', 'env'])
    parser.add_argument('--dir', default='.lab', help='working folder for state, CA, logs (default %(default)s)')
    parser.add_argument('--fresh', action='store_true', help='forget saved state and start from the fixtures')
    parser.add_argument('--lifetime', type=float, default=3600.0, help='emulators stop by themselves after this many seconds')
    for name, package in EMULATORS.items():
        parser.add_argument('--%s-fixture' % name, metavar='FILE_OR_NAME',
                            help='start the %s emulator from this fixture: a JSON file or a name in tests/lab/%s/fixtures '
                            '(default: its default.json, if any); reset returns to it' % (name, package))
    parser.add_argument('names', nargs='*', help='emulators to start (default: all available: %s)' % ', '.join(available()))
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if '--' in argv:
        index = argv.index('--')
        argv, command = argv[:index], argv[index + 1:]
    args = parser.parse_args(argv)
    workdir = os.path.abspath(args.dir)
    os.makedirs(workdir, exist_ok=True)
    if args.action == 'stop':
        print('labctl: stopped %s' % (', '.join(stop_all(workdir)) or 'nothing'))
        return 0
    if args.action == 'env':
        for key, value in sorted(lab_environment(workdir).items()):
            print('export %s=%s' % (key, value))
        return 0
    names = args.names or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        parser.error('unknown emulator(s): %s' % ', '.join(unknown))
    fixtures = chosen_fixtures(parser, args, names, workdir)
    stop_all(workdir)
    for name in names:
        info = start_one(name, workdir, fresh=args.fresh, lifetime=args.lifetime, fixture=fixtures[name])
        print('labctl: %s emulator on %s (CA %s)' % (name, info['url'], info['ca_file']))
    if args.action == 'start':
        return 0
    if not command:
        parser.error('run needs a command after --')
    env = dict(os.environ)
    env.update(lab_environment(workdir))
    try:
        return subprocess.call(command, env=env)
    finally:
        stop_all(workdir)


if __name__ == '__main__':
    sys.exit(main())
