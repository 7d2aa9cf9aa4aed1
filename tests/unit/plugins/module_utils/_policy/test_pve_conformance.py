# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance of the PVE evaluator with Proxmox's own firewall test corpus (pve-firewall test/).

Every ``test-*`` folder found in the corpus is loaded like ``fwtester.pl`` does (cluster.fw, host.fw,
``<vmid>.fw`` for the guests of ``fwtester_vmdata.json``, ``corosync.conf`` with the local node
``proxself``, host IP 172.16.1.2, local network 172.16.1.0/24) and every line of its ``tests`` file
is expanded exactly like fwtester expands it (a missing ``from``/``to`` runs against the zones
host, outside, nfvm, vm100 and ct200, skipping the other side's zone).

The evaluator runs with ``fidelity='simulator'`` and ``carry_mark=True``, packets in file order,
which is how Proxmox's verdicts were produced. The verdict to match is Proxmox's *expected* verdict
from ``results.json``: what the test author asserted and Proxmox's CI enforces. ``actual`` (the
simulator's output) and ``error`` (set when the simulator could not finish or disagreed) are shown
in the failure message but do not override ``expected``; folders without ``results.json`` use the
``action`` of the test line.
Configuration errors are handled as Proxmox handles them (bad lines and invalid rules are skipped
with warnings), and the warnings Proxmox printed (``compile_warnings.txt``) must be among ours.

Corpus: ``<repo>/../shared/reference/pve/pve-firewall-tests``; ``ZONEWARDEN_REFERENCE`` replaces the
reference root, ``ZONEWARDEN_PVE_FW_TESTS`` the corpus folder. Missing data fails the tests.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve import PveFirewall

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.realpath(__file__)))))))
DEFAULT_ZONES = ('host', 'outside', 'nfvm', 'vm100', 'ct200')
HOST_IP = '172.16.1.2'
LOCAL_NETWORK = '172.16.1.0/24'
LOCAL_NODE = 'proxself'
_PAIR = re.compile(r"""(\w+)\s*=>\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,}\s]+)""")


def reference_root():
    return os.environ.get('ZONEWARDEN_REFERENCE') or os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'reference')


def corpus_dir():
    return os.environ.get('ZONEWARDEN_PVE_FW_TESTS') or os.path.join(reference_root(), 'pve', 'pve-firewall-tests')


def macros_file():
    for candidate in (os.path.join(os.path.dirname(corpus_dir().rstrip(os.sep)), 'macros.json'),
                      os.path.join(reference_root(), 'pve', 'macros.json')):
        if os.path.isfile(candidate):
            return candidate
    raise AssertionError('macros.json not found next to the corpus nor in %s' % reference_root())


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def parse_test_line(line):
    """A fwtester test line (a Perl hash literal) as a dict."""
    test = {}
    for key, raw in _PAIR.findall(line):
        if raw[:1] in ('"', "'"):
            value = re.sub(r'\\(.)', r'\1', raw[1:-1])
        else:
            value = int(raw) if re.match(r'^-?\d+$', raw) else raw
        test[key] = value
    return test


def expand(test):
    """fwtester's zone expansion: one (from, to) pair per simulated packet."""
    if 'from' not in test and 'to' not in test:
        raise AssertionError('missing zone specification (from, to)')
    if 'to' not in test:
        return [(test['from'], zone) for zone in DEFAULT_ZONES if zone != test['from']]
    if 'from' not in test:
        return [(zone, test['to']) for zone in DEFAULT_ZONES if zone != test['to']]
    return [(test['from'], test['to'])]


def read_tests(folder):
    """[(line number, test dict)] of a tests file; a line fwtester cannot read fails."""
    tests = []
    for number, line in enumerate(read(os.path.join(folder, 'tests')).split('\n'), 1):
        if not line.strip() or line.startswith('#'):
            continue
        if not re.match(r'^\{.*\}\s*$', line):
            raise AssertionError('%s line %d: parse error' % (folder, number))
        tests.append((number, parse_test_line(line)))
    if not tests:
        raise AssertionError('%s: no tests found' % folder)
    return tests


def folders():
    root = corpus_dir()
    if not os.path.isdir(root):
        return []
    return sorted(name for name in os.listdir(root) if name.startswith('test-') and os.path.isdir(os.path.join(root, name)))


_FIREWALLS = {}


def firewall(name):
    """The evaluator for one corpus folder (built once)."""
    if name not in _FIREWALLS:
        root = corpus_dir()
        folder = os.path.join(root, name)
        vmdata = json.loads(read(os.path.join(root, 'fwtester_vmdata.json')))
        vmdata = {'qemu': vmdata.get('qemu') or {}, 'lxc': vmdata.get('lxc') or {}}

        def optional(filename):
            path = os.path.join(folder, filename)
            return read(path) if os.path.isfile(path) else None
        guests = {}
        for section in vmdata.values():
            for vmid in section:
                text = optional('%s.fw' % vmid)
                if text is not None:
                    guests[vmid] = text
        _FIREWALLS[name] = PveFirewall(
            cluster=optional('cluster.fw') or '', host=optional('host.fw') or '', guests=guests, vmdata=vmdata,
            macros=json.loads(read(macros_file())), host_ip=HOST_IP, local_network=LOCAL_NETWORK,
            corosync=read(os.path.join(root, 'corosync.conf')), node=LOCAL_NODE, fidelity='simulator',
            carry_mark=True)
    return _FIREWALLS[name]


_RESULTS = {}


def results_index(name):
    """Proxmox's results for a folder by (line, from, to); None when the folder has no results.json."""
    if name not in _RESULTS:
        path = os.path.join(corpus_dir(), name, 'results.json')
        index = None
        if os.path.isfile(path):
            index = {}
            for entry in json.loads(read(path)):
                index[(entry['line'], entry['packet']['from'], entry['packet']['to'])] = entry
        _RESULTS[name] = index
    return _RESULTS[name]


def cases():
    """(case id, folder, line number, test, from, to) for every simulated packet of the corpus."""
    found = []
    for name in folders():
        for number, test in read_tests(os.path.join(corpus_dir(), name)):
            for src, dst in expand(test):
                found.append(('%s:%d:%s->%s' % (name, number, src, dst), name, number, test, src, dst))
    return found


def flow_of(test, src, dst):
    flow = dict((key, value) for key, value in test.items() if key not in ('action', 'id'))
    flow.update({'from': src, 'to': dst})
    return flow


_VERDICTS = {}


def folder_verdicts(name):
    """Our verdicts for every packet of a folder, evaluated in the tests file's order.

    Order matters for fidelity: the simulator's firewall mark outlives a packet (see carry_mark).
    """
    if name not in _VERDICTS:
        evaluator = firewall(name)
        verdicts = {}
        for number, test in read_tests(os.path.join(corpus_dir(), name)):
            for src, dst in expand(test):
                try:
                    verdicts[(number, src, dst)] = evaluator.evaluate(flow_of(test, src, dst))
                except ValueError as exc:
                    verdicts[(number, src, dst)] = {'action': 'ERROR', 'decided_by': str(exc)}
        _VERDICTS[name] = verdicts
    return _VERDICTS[name]


def run_case(name, number, test, src, dst):
    """(ok, message) for one packet."""
    index = results_index(name)
    entry = None
    if index is not None:
        entry = index.get((number, src, dst))
        if entry is None:
            return False, 'results.json has no entry for line %d %s->%s' % (number, src, dst)
    expected = entry['expected'] if entry else test['action']
    verdict = folder_verdicts(name)[(number, src, dst)]
    if verdict['action'] == expected:
        return True, ''
    return False, '%s line %d %s: expected %s (proxmox actual %s, error %s), got %s decided by %s' % (
        name, number, flow_of(test, src, dst), expected, entry and entry.get('actual'), entry and entry.get('error'),
        verdict['action'], verdict['decided_by'])


CASES = cases()


def test_corpus_present():
    assert os.path.isdir(corpus_dir()), (
        'Proxmox firewall test corpus not found at %s (set ZONEWARDEN_PVE_FW_TESTS or ZONEWARDEN_REFERENCE)'
        % corpus_dir())
    assert folders(), 'no test-* folders in %s' % corpus_dir()
    assert CASES


@pytest.mark.parametrize('case_id, name, number, test, src, dst', CASES, ids=[case[0] for case in CASES])
def test_corpus_line(case_id, name, number, test, src, dst):
    ok, message = run_case(name, number, test, src, dst)
    assert ok, message


@pytest.mark.parametrize('name', folders())
def test_results_cover_expansion(name):
    """Our expansion of the tests file produces exactly the packets Proxmox simulated."""
    index = results_index(name)
    if index is None:
        return
    ours = set((case[2], case[4], case[5]) for case in CASES if case[1] == name)
    assert ours == set(index), 'expansion differs: only ours %s, only proxmox %s' % (
        sorted(ours - set(index)), sorted(set(index) - ours))


@pytest.mark.parametrize('name', folders())
def test_compile_warnings_reproduced(name):
    """Every config-line warning Proxmox printed while compiling is also reported by us."""
    path = os.path.join(corpus_dir(), name, 'compile_warnings.txt')
    expected = []
    if os.path.isfile(path):
        for line in read(path).splitlines():
            match = re.match(r'^(?:.*/)?([^/ ]+\.fw \(line \d+\): .*?)(?: at \S+ line \d+\.)?$', line)
            if match:
                expected.append(match.group(1))
    warnings = firewall(name).warnings
    missing = [line for line in expected if not any(warning.endswith(line) for warning in warnings)]
    assert not missing, 'warnings not reproduced: %s (ours: %s)' % (missing, warnings)


def test_conformance_total(capsys):
    """All packets of the corpus match; reports 'pve conformance: N/N'."""
    assert CASES, 'no corpus cases found in %s' % corpus_dir()
    failures = []
    for case in CASES:
        ok, message = run_case(*case[1:])
        if not ok:
            failures.append(message)
    total = len(CASES)
    with capsys.disabled():
        print('\npve conformance: %d/%d' % (total - len(failures), total))
    assert not failures, '%d of %d corpus packets differ:\n%s' % (len(failures), total, '\n'.join(failures))
