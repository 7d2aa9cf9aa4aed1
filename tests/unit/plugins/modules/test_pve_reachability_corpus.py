# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_reachability run offline over every folder of Proxmox's firewall test corpus.

Each folder goes through the module as a user would pass it: ``fw_dir`` (the folder), ``guests``
(fwtester_vmdata.json), ``host_ip`` 172.16.1.2, ``local_network`` 172.16.1.0/24 and ``corosync_conf``;
no macros file, no fidelity (the module's defaults). The flows are the packets of ``results.json``,
each expecting Proxmox's verdict; the module must not fail. The raw ``tests`` lines (with fwtester's
zone expansion) must give the same verdicts.

Corpus: ``<repo>/../shared/reference/pve/pve-firewall-tests``; ``ZONEWARDEN_REFERENCE`` replaces the
reference root, ``ZONEWARDEN_PVE_FW_TESTS`` the corpus folder. Missing data fails the tests.
"""

import json
import os
import re

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))))
HOST_IP = '172.16.1.2'
LOCAL_NETWORK = '172.16.1.0/24'
FWTESTER_ZONES = ['host', 'outside', 'nfvm', 'vm100', 'ct200']
_PAIR = re.compile(r"""(\w+)\s*=>\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,}\s]+)""")


def corpus_dir():
    reference = os.environ.get('ZONEWARDEN_REFERENCE') or os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'reference')
    return os.environ.get('ZONEWARDEN_PVE_FW_TESTS') or os.path.join(reference, 'pve', 'pve-firewall-tests')


def folders():
    root = corpus_dir()
    if not os.path.isdir(root):
        return []
    return sorted(name for name in os.listdir(root) if name.startswith('test-') and os.path.isdir(os.path.join(root, name)))


def read_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def module_args(name, flows):
    root = corpus_dir()
    vmdata = read_json(os.path.join(root, 'fwtester_vmdata.json'))
    return dict(fw_dir=os.path.join(root, name), guests=vmdata, host_ip=HOST_IP, local_network=LOCAL_NETWORK,
                corosync_conf=os.path.join(root, 'corosync.conf'), flows=flows)


def packets(name):
    """Proxmox's simulated packets of a folder, each expecting Proxmox's verdict."""
    path = os.path.join(corpus_dir(), name, 'results.json')
    assert os.path.isfile(path), '%s has no results.json' % name
    entries = read_json(path)
    flows = [dict(entry['packet'], expect=entry['expected']) for entry in entries]
    return entries, flows


def test_corpus_present():
    assert os.path.isdir(corpus_dir()), (
        'Proxmox firewall test corpus not found at %s (set ZONEWARDEN_PVE_FW_TESTS or ZONEWARDEN_REFERENCE)' % corpus_dir())
    assert folders(), 'no test-* folders in %s' % corpus_dir()


@pytest.mark.parametrize('name', folders())
def test_corpus_folder_through_the_module(name, module_runner):
    entries, flows = packets(name)
    result = module_runner('pve_reachability', module_args(name, flows))
    assert not result.failed, result.get('msg')
    assert [item['verdict'] for item in result['results']] == [entry['expected'] for entry in entries]
    assert result['summary']['expectations'] == len(entries) and result['summary']['failed'] == 0


def parse_test_line(line):
    test = {}
    for key, raw in _PAIR.findall(line):
        test[key] = re.sub(r'\\(.)', r'\1', raw[1:-1]) if raw[:1] in ('"', "'") else raw
    return test


@pytest.mark.parametrize('name', folders())
def test_corpus_test_lines_with_zone_expansion(name, module_runner):
    with open(os.path.join(corpus_dir(), name, 'tests'), encoding='utf-8') as handle:
        lines = [line for line in handle.read().split('\n') if line.strip() and not line.startswith('#')]
    flows = [parse_test_line(line) for line in lines]
    entries, _flows = packets(name)
    result = module_runner('pve_reachability', dict(module_args(name, flows), zones=FWTESTER_ZONES))
    assert not result.failed, result.get('msg')
    ours = [(item['from'], item['to'], item['verdict']) for item in result['results']]
    assert ours == [(entry['packet']['from'], entry['packet']['to'], entry['expected']) for entry in entries]


def test_corpus_total(module_runner, capsys):
    """Every packet of the corpus, through the module; reports 'pve_reachability corpus: N/N'."""
    total = passed = 0
    for name in folders():
        entries, flows = packets(name)
        result = module_runner('pve_reachability', module_args(name, flows))
        total += len(entries)
        passed += sum(1 for item in result.get('results') or [] if item['ok'])
    with capsys.disabled():
        print('\npve_reachability corpus: %d/%d' % (passed, total))
    assert total and passed == total
