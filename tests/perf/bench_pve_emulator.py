#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the PVE API emulator on loopback (no injected latency).

Measures the time until the emulator answers its first request, and requests per second over one
kept-alive HTTPS connection for reads and writes, with the emulator in this process (thread) and
as a separate process (``python -m pve_api``). A script, not a test:

    python tests/perf/bench_pve_emulator.py [--requests 2000] [--mode both] [--json out.json]
"""

import argparse
import http.client
import json
import os
import platform
import ssl
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'lab')
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

from labcore.control import start_thread  # noqa: E402  pylint: disable=wrong-import-position
from pve_api import PveApp  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = 'PVEAPIToken=root@pam!zonewarden=11111111-2222-3333-4444-555555555555'
FORM = 'application/x-www-form-urlencoded'
SEED_RULES = 20


class Client:
    """One kept-alive HTTPS connection with token auth."""

    def __init__(self, port, ca_file):
        self.connection = http.client.HTTPSConnection('127.0.0.1', port, timeout=30,
                                                      context=ssl.create_default_context(cafile=ca_file))

    def call(self, method, path, data=None):
        body = urlencode(data) if data else None
        headers = {'Authorization': TOKEN}
        if body:
            headers['Content-Type'] = FORM
        self.connection.request(method, '/api2/json' + path, body=body, headers=headers)
        answer = self.connection.getresponse()
        payload = answer.read()
        if answer.status != 200:
            raise RuntimeError('%s %s -> %d %s %s' % (method, path, answer.status, answer.reason, payload[:200]))
        return payload

    def close(self):
        self.connection.close()


def first_answer(port, ca_file, deadline):
    """Poll until the emulator answers /version; returns the client."""
    while True:
        try:
            client = Client(port, ca_file)
            client.call('GET', '/version')
            return client
        except (OSError, http.client.HTTPException, RuntimeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.002)


def rate(client, count, method, path_of, data_of):
    started = time.perf_counter()
    for index in range(count):
        client.call(method, path_of(index), data_of(index))
    return count / (time.perf_counter() - started)


def workload(client, count):
    """Requests per second for reads and writes (the list has SEED_RULES rules throughout the reads)."""
    for index in range(SEED_RULES):
        rule = {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': str(1000 + index), 'enable': '1'}
        client.call('POST', '/cluster/firewall/rules', rule)
    results = {
        'get_rules_rps': rate(client, count, 'GET', lambda i: '/cluster/firewall/rules', lambda i: None),
        'get_version_rps': rate(client, count, 'GET', lambda i: '/version', lambda i: None),
        'put_rule_rps': rate(client, count, 'PUT', lambda i: '/cluster/firewall/rules/%d' % (i % SEED_RULES),
                             lambda i: {'comment': 'edit %d' % i}),
        'post_rule_rps': rate(client, count, 'POST', lambda i: '/nodes/pve1/qemu/%d/firewall/rules' % (100 + i % 50),
                              lambda i: {'type': 'in', 'action': 'DROP', 'source': '10.0.%d.0/24' % (i % 250),
                                         'enable': '1'}),
        'put_options_rps': rate(client, count, 'PUT', lambda i: '/nodes/pve1/firewall/options',
                                lambda i: {'nf_conntrack_max': str(262144 + i)}),
    }
    return results


def paths_rate(port, ca_file, paths, count):
    """GETs per second over one kept-alive connection, cycling through ``paths`` (bench.py, loaded lab)."""
    client = Client(port, ca_file)
    try:
        return rate(client, count, 'GET', lambda i: paths[i % len(paths)], lambda i: None)
    finally:
        client.close()


def bench_thread(count):
    workdir = tempfile.mkdtemp(prefix='zw-bench-pve-')
    started = time.monotonic()
    handle = start_thread(PveApp(), workdir=workdir)
    try:
        client = first_answer(handle.port, handle.ca_file, started + 30)
        ready = time.monotonic() - started
        results = workload(client, count)
        client.close()
    finally:
        handle.stop()
    return dict(ready_s=ready, **results)


def bench_process(count):
    workdir = tempfile.mkdtemp(prefix='zw-bench-pve-')
    ready_file = os.path.join(workdir, 'ready.json')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([LAB_DIR] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, '-m', 'pve_api', '--port', '0', '--ready-file', ready_file,  # pylint: disable=consider-using-with
                                '--ca-file', os.path.join(workdir, 'ca.pem'), '--max-lifetime', '600'],
                               cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not os.path.exists(ready_file):
            if process.poll() is not None or time.monotonic() - started > 30:
                raise RuntimeError('pve_api did not start')
            time.sleep(0.002)
        with open(ready_file, encoding='utf-8') as handle:
            info = json.load(handle)
        client = first_answer(info['port'], info['ca_file'], started + 30)
        ready = time.monotonic() - started
        results = workload(client, count)
        client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    return dict(ready_s=ready, **results)


def table(results):
    columns = ['ready_s', 'get_rules_rps', 'get_version_rps', 'put_rule_rps', 'post_rule_rps', 'put_options_rps']
    lines = ['%-8s ' % 'mode' + ' '.join('%15s' % column for column in columns)]
    for mode, values in results.items():
        cells = ['%15.3f' % values[column] if column == 'ready_s' else '%15.0f' % values[column] for column in columns]
        lines.append('%-8s ' % mode + ' '.join(cells))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--requests', type=int, default=2000, help='requests per measurement (default %(default)s)')
    parser.add_argument('--mode', choices=['thread', 'process', 'both'], default='both')
    parser.add_argument('--json', help='also write the results to this JSON file')
    args = parser.parse_args(argv)
    results = {}
    if args.mode in ('thread', 'both'):
        results['thread'] = bench_thread(args.requests)
    if args.mode in ('process', 'both'):
        results['process'] = bench_process(args.requests)
    print(table(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump({'requests': args.requests, 'python': platform.python_version(), 'results': results}, handle,
                      indent=1, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
