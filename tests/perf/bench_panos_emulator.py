#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the PAN-OS XML API emulator on loopback (no injected latency).

Requests per second over one kept-alive HTTPS connection: reading a security rulebase of R rules
(what a no-change run of panos_security_rules does), ``show system info``, and a multi-config
request that edits one rule's description. The emulator runs in this process. A script, not a test:

    python tests/perf/bench_panos_emulator.py [--rules 50,200,500] [--requests 300] [--json out.json]

bench.py uses ``rulebase_reads`` on the emulator it already runs, with the generated rulebase loaded.
"""

import argparse
import http.client
import json
import os
import platform
import ssl
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'lab')
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

from labcore.control import start_thread  # noqa: E402  pylint: disable=wrong-import-position
from panos_xapi import PanosApp  # noqa: E402  pylint: disable=wrong-import-position

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
RULEBASE = VSYS + '/rulebase/security'
ADMIN = ('admin', 'zonewarden-lab')


class Client:
    """One kept-alive HTTPS connection to /api/ with an API key."""

    def __init__(self, port, ca_file):
        self.connection = http.client.HTTPSConnection('127.0.0.1', port, timeout=30,
                                                      context=ssl.create_default_context(cafile=ca_file))
        self.key = None
        self.key = self.call({'type': 'keygen', 'user': ADMIN[0], 'password': ADMIN[1]}).findtext('.//key')

    def call(self, params):
        if self.key:
            params = dict(params, key=self.key)
        self.connection.request('POST', '/api/', body=urlencode(params),
                                headers={'Content-Type': 'application/x-www-form-urlencoded'})
        answer = self.connection.getresponse()
        body = answer.read()
        root = ET.fromstring(body)
        if answer.status != 200 or root.get('status') != 'success':
            raise RuntimeError('%s -> %d %s' % (params.get('type'), answer.status, body[:200]))
        return root

    def close(self):
        self.connection.close()


def rate(client, count, params_of):
    started = time.perf_counter()
    for index in range(count):
        client.call(params_of(index))
    return count / (time.perf_counter() - started)


def rule_names(client):
    return [entry.get('name') for entry in client.call({'type': 'config', 'action': 'get', 'xpath': RULEBASE + '/rules'}).iter('entry')
            if entry.get('name')]


def rulebase_reads(handle, rules, count=300):
    """Rates against a running emulator whose rulebase is already loaded (``handle``: a LabHandle)."""
    client = Client(handle.port, handle.ca_file)
    try:
        names = rule_names(client)
        result = {
            'rules': len(names),
            'reads_per_s': rate(client, count, lambda i: {'type': 'config', 'action': 'get', 'xpath': RULEBASE}),
            'system_info_per_s': rate(client, count, lambda i: {'type': 'op', 'cmd': '<show><system><info/></system></show>'}),
        }
        if names:
            def edit(index):
                rule = names[index % len(names)]
                xpath = RULEBASE + "/rules/entry[@name='%s']" % rule
                element = '<multi-config><set id="1" xpath="%s"><description>bench %d</description></set></multi-config>' % (
                    xpath.replace("'", '&apos;'), index)
                return {'type': 'config', 'action': 'multi-config', 'element': element}
            result['multi_config_writes_per_s'] = rate(client, min(count, 200), edit)
    finally:
        client.close()
    result['expected_rules'] = rules
    return result


def config_with_rules(xml_text, rules):
    """The emulator's starting config with ``rules`` simple security rules added."""
    root = ET.fromstring(xml_text)
    vsys = root.find("./devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']")
    container = vsys
    for tag in ('rulebase', 'security', 'rules'):
        child = container.find(tag)
        # An element without children is falsy: test for None, never with "or".
        container = child if child is not None else ET.SubElement(container, tag)
    for index in range(rules):
        entry = ET.SubElement(container, 'entry', name='rule-%04d' % index)
        for tag, members in (('from', ['any']), ('to', ['any']), ('source', ['any']), ('destination', ['10.0.%d.%d' % (index // 250, index % 250)]),
                             ('application', ['ssl']), ('service', ['application-default'])):
            child = ET.SubElement(entry, tag)
            for member in members:
                ET.SubElement(child, 'member').text = member
        ET.SubElement(entry, 'action').text = 'allow'
        ET.SubElement(entry, 'description').text = 'rule %d' % index
    return ET.tostring(root, encoding='unicode')


def standalone(sizes, count):
    handle = start_thread(PanosApp(), workdir=tempfile.mkdtemp(prefix='zw-bench-panos-'))
    try:
        base = handle.side('GET', 'panos/config?which=running')['xml']
        results = {}
        for rules in sizes:
            handle.load({'config_xml': config_with_rules(base, rules)})
            results[str(rules)] = rulebase_reads(handle, rules, count)
    finally:
        handle.stop()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rules', default='50,200,500', help='rulebase sizes (default %(default)s)')
    parser.add_argument('--requests', type=int, default=300, help='requests per measurement (default %(default)s)')
    parser.add_argument('--json', help='also write the results to this JSON file')
    args = parser.parse_args(argv)
    results = standalone([int(size) for size in args.rules.split(',')], args.requests)
    print('%8s %12s %16s %18s' % ('rules', 'reads/s', 'system info/s', 'multi-config/s'))
    for size, values in results.items():
        row = (size, values['reads_per_s'], values['system_info_per_s'], values.get('multi_config_writes_per_s', 0))
        print('%8s %12.0f %16.0f %18.0f' % row)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump({'requests': args.requests, 'python': platform.python_version(), 'results': results}, handle, indent=1,
                      sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
