# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab around the API: side door, fixtures, .fw rendering, persistence, process start."""

import json
import os
import subprocess
import sys
import time

import pytest
import requests
from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

from labcore.control import LAB_DIR, start_process, start_thread
from labcore.reference import reference_path
from pve_api import PveApp, load_default_fixture, render_fw_files

CORPUS = reference_path('pve', 'pve-firewall-tests')
CORPUS_DIRS = sorted(name for name in os.listdir(CORPUS) if name.startswith('test-'))


def corpus_files(name):
    files = {}
    for entry in sorted(os.listdir(os.path.join(CORPUS, name))):
        with open(os.path.join(CORPUS, name, entry), encoding='utf-8') as handle:
            text = handle.read()
        if entry == 'cluster.fw':
            files['firewall/cluster.fw'] = text
        elif entry == 'host.fw':
            files['nodes/pve1/host.fw'] = text
        elif entry.endswith('.fw'):
            files['firewall/%s' % entry] = text
    return files


# -- side door ---------------------------------------------------------------------------------

def test_reset_returns_to_the_default_fixture(pve):
    pve.data('POST', '/cluster/firewall/groups', {'group': 'web'})
    pve.data('PUT', '/nodes/pve1/qemu/100/config', {'name': 'changed'})
    pve.side('POST', 'reset')
    assert pve.data('GET', '/cluster/firewall/groups') == []
    assert pve.data('GET', '/nodes/pve1/qemu/100/config')['name'] == 'web01'
    assert pve.fw_files() == {}


def test_load_fixture_with_nodes_guests_vnets_and_fw_files(pve):
    fixture = {
        'nodes': [{'node': 'alpha', 'ip': '198.51.100.2', 'network': [{'iface': 'vmbr0', 'type': 'bridge'}]},
                  {'node': 'beta', 'ip': '198.51.100.3'}],
        'guests': [{'vmid': 500, 'type': 'qemu', 'node': 'beta', 'status': 'running',
                    'config': {'name': 'fw1', 'tags': 'edge', 'net0': 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1'}}],
        'zones': [{'zone': 'z1', 'type': 'vlan'}],
        'vnets': [{'vnet': 'blue', 'zone': 'z1', 'tag': 7}],
        'fw_files': {'firewall/cluster.fw': '[OPTIONS]\n\nenable: 1\n\n[group Web]\n\nIN HTTP(ACCEPT)\n',
                     'nodes/beta/host.fw': '[RULES]\n\nGROUP web -i vmbr0\n',
                     'firewall/500.fw': '[OPTIONS]\n\nenable: 1\n',
                     'sdn/firewall/blue.fw': '[RULES]\n\nFORWARD DROP\n'},
    }
    pve.side('POST', 'load', fixture)
    assert [node['node'] for node in pve.data('GET', '/nodes')] == ['alpha', 'beta']
    assert pve.data('GET', '/nodes/beta/qemu/500/config')['tags'] == 'edge'
    assert pve.data('GET', '/cluster/firewall/options')['enable'] == 1
    assert [group['group'] for group in pve.data('GET', '/cluster/firewall/groups')] == ['web']
    assert pve.rules('/nodes/beta/firewall/rules')[0]['iface'] == 'vmbr0'
    assert pve.rules('/cluster/sdn/vnets/blue/firewall/rules')[0]['type'] == 'forward'
    assert pve.data('GET', '/nodes/beta/qemu/500/firewall/options')['enable'] == 1


def test_fw_files_route_and_function_agree(pve):
    pve.data('POST', '/cluster/firewall/rules', {'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'enable': '1'})
    assert pve.fw_files() == render_fw_files(pve.app)


def test_written_form_of_a_cluster_file(pve):
    fw = '/cluster/firewall'
    pve.data('PUT', fw + '/options', {'policy_in': 'DROP'})
    pve.data('POST', fw + '/aliases', {'name': 'Zeta', 'cidr': '10.0.0.26'})
    pve.data('POST', fw + '/aliases', {'name': 'alpha', 'cidr': '10.0.0.1', 'comment': 'first'})
    pve.data('POST', fw + '/ipset', {'name': 'zz'})
    pve.data('POST', fw + '/ipset', {'name': 'aa', 'comment': 'set'})
    pve.data('POST', fw + '/groups', {'group': 'web', 'comment': 'tier'})
    pve.data('POST', fw + '/groups', {'group': 'app'})
    pve.data('POST', fw + '/groups/web', {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '443', 'enable': '1'})
    pve.data('POST', fw + '/rules', {'type': 'in', 'action': 'DROP', 'iface': 'vmbr0', 'source': '10.0.0.0/8',
                                     'dest': 'alpha', 'proto': 'tcp', 'dport': '22', 'sport': '1024:65535',
                                     'log': 'info', 'comment': 'no ssh'})
    pve.data('POST', fw + '/rules', {'type': 'out', 'action': 'ACCEPT', 'proto': 'icmp', 'icmp-type': 'echo-request',
                                     'enable': '1'})
    assert pve.fw_files()['firewall/cluster.fw'] == (
        '[OPTIONS]\n\npolicy_in: DROP\n\n'
        '[ALIASES]\n\nalpha 10.0.0.1 # first\nZeta 10.0.0.26\n\n'
        '[IPSET aa] # set\n\n\n[IPSET zz]\n\n\n'
        '[RULES]\n\nOUT ACCEPT -p icmp -icmp-type echo-request\n'
        '|IN DROP -i vmbr0 -source 10.0.0.0/8 -dest alpha -p tcp -dport 22 -sport 1024:65535 -log info # no ssh\n\n'
        '[group app]\n\n\n[group web] # tier\n\nIN ACCEPT -p tcp -dport 443\n\n')


def test_emptied_files_disappear(pve):
    pve.data('POST', '/cluster/firewall/groups', {'group': 'web'})
    assert 'firewall/cluster.fw' in pve.fw_files()
    pve.data('DELETE', '/cluster/firewall/groups/web')
    assert pve.fw_files() == {}


# -- the upstream test corpus ------------------------------------------------------------------

@pytest.mark.parametrize('name', CORPUS_DIRS)
def test_corpus_files_load_and_render_stably(pve, name):
    files = corpus_files(name)
    warnings = pve.side('POST', 'fw-files', {'files': files})['warnings']
    expected = []
    with open(os.path.join(CORPUS, name, 'compile_warnings.txt'), encoding='utf-8') as handle:
        for line in handle:
            if '(line ' in line:
                expected.append(line.split(': ', 1)[1].strip())
    assert [warning.split(': ', 1)[1] for warning in warnings] == expected
    rendered = pve.fw_files()
    pve.side('POST', 'fw-files', {'files': rendered})
    assert pve.fw_files() == rendered
    for path in rendered:
        if path.startswith('firewall/') and path != 'firewall/cluster.fw':
            vmid = path[len('firewall/'):-3]
            assert isinstance(pve.rules('/nodes/pve1/qemu/%s/firewall/rules' % vmid), list)


def test_corpus_rule_with_errors_is_kept(pve):
    pve.side('POST', 'fw-files', {'files': corpus_files('test-errors1')})
    rules = pve.rules('/nodes/pve1/qemu/100/firewall/rules')
    assert [rule['dport'] for rule in rules] == ['80', '82']
    assert rules[0]['errors'] == {'proto': "missing property - 'dport' requires this property",
                                  'dport': "protocol '' does not support ports"}
    assert 'errors' not in rules[1]


def test_corpus_groups_and_ipsets(pve):
    pve.side('POST', 'fw-files', {'files': corpus_files('test-group1')})
    assert [group['group'] for group in pve.data('GET', '/cluster/firewall/groups')] == ['group1', 'group2', 'group3']
    assert len(pve.data('GET', '/cluster/firewall/groups/group1')) == 4
    pve.side('POST', 'fw-files', {'files': corpus_files('test-ipset1')})
    entries = pve.data('GET', '/cluster/firewall/ipset/myipset')
    assert [entry['cidr'] for entry in entries] == ['172.16.0.10', '192.168.0.1', '192.168.1.0/24', 'mynetworkalias',
                                                    'myserveralias']
    assert all('errors' not in entry for entry in entries)


# -- faults, latency, log, clock ---------------------------------------------------------------

def test_fault_injection_answers_then_clears(pve, api):
    pve.side('POST', 'faults', {'status': 500, 'reason': "cfs-lock 'firewall-cluster' error: got lock request timeout",
                                'path': '/cluster/firewall/rules$', 'method': 'POST', 'count': 1})
    with pytest.raises(ResourceException) as caught:
        api.cluster.firewall.rules.post(type='in', action='ACCEPT')
    assert caught.value.content == "cfs-lock 'firewall-cluster' error: got lock request timeout"
    api.cluster.firewall.rules.post(type='in', action='ACCEPT')
    assert len(api.cluster.firewall.rules.get()) == 1


def test_dropped_connection(pve):
    pve.side('POST', 'faults', {'drop': True, 'path': '/version', 'count': 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(pve.base + '/version', headers=pve.token_header, verify=pve.ca, timeout=5)
    assert pve.raw('GET', '/version').status_code == 200


def test_latency_injection(pve):
    pve.side('POST', 'latency', {'ms': 200})
    started = time.monotonic()
    pve.raw('GET', '/version')
    assert time.monotonic() - started >= 0.2


def test_request_log_counts(pve, api):
    api.version.get()
    api.cluster.firewall.rules.post(type='in', action='ACCEPT')
    api.cluster.firewall.rules.get()
    api.cluster.firewall.rules.get()
    log = pve.side('GET', 'log')
    assert log['total'] == 4 and log['reads'] == 3 and log['writes'] == 1
    assert log['by_path']['GET /api2/json/cluster/firewall/rules'] == 2
    assert log['by_method'] == {'GET': 3, 'POST': 1}


def test_clock_control(pve):
    before = pve.side('GET', 'clock')
    after = pve.side('POST', 'clock', {'advance': 120})
    assert after['offset'] == before['offset'] + 120
    assert pve.side('POST', 'clock', {'offset': 0})['offset'] == 0


# -- persistence and processes -----------------------------------------------------------------

def test_state_dump_and_load_round_trip(pve):
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'web'})
    pve.data('POST', '/cluster/firewall/ipset/web', {'cidr': '10.0.0.0/24'})
    pve.data('PUT', '/nodes/pve1/qemu/100/config', {'tags': 'a;b'})
    state = pve.side('GET', 'state')
    pve.side('POST', 'reset')
    pve.side('POST', 'load', state)
    again = pve.side('GET', 'state')
    assert again == state


def test_state_file_survives_a_restart(tmp_path):
    state_file = str(tmp_path / 'state.json')
    handle = start_thread(PveApp(), workdir=str(tmp_path), state_file=state_file)
    try:
        api = ProxmoxAPI('127.0.0.1', port=handle.port, user='root@pam', password='zonewarden-lab',
                         verify_ssl=handle.ca_file)
        api.cluster.firewall.groups.post(group='persisted')
        ticket = api.get_tokens()[0]
    finally:
        handle.stop()
    with open(state_file, encoding='utf-8') as stream:
        assert '[group persisted]' in json.load(stream)['fw_files']['firewall/cluster.fw']
    handle = start_thread(PveApp(), workdir=str(tmp_path), state_file=state_file)
    try:
        answer = requests.get(handle.url + '/api2/json/cluster/firewall/groups', cookies={'PVEAuthCookie': ticket},
                              verify=handle.ca_file, timeout=5)
        assert [group['group'] for group in answer.json()['data']] == ['persisted']
    finally:
        handle.stop()


def test_runs_as_a_separate_process(tmp_path):
    fixture = load_default_fixture()
    fixture['guests'] = fixture['guests'][:1]
    fixture_file = tmp_path / 'fixture.json'
    fixture_file.write_text(json.dumps(fixture), encoding='utf-8')
    handle = start_process('pve_api', workdir=str(tmp_path),
                           args=['--fixture', str(fixture_file), '--state', str(tmp_path / 'state.json')])
    try:
        assert handle.info['name'] == 'pve_api' and handle.process.poll() is None
        api = ProxmoxAPI('127.0.0.1', port=handle.port, user='root@pam', token_name='zonewarden',
                         token_value='11111111-2222-3333-4444-555555555555', verify_ssl=handle.ca_file)
        assert [vm['vmid'] for vm in api.nodes('pve1').qemu.get()] == [100]
        api.cluster.firewall.rules.post(type='in', action='ACCEPT', enable=1)
        assert handle.side('GET', 'fw-files')['firewall/cluster.fw'] == '[RULES]\n\nIN ACCEPT\n\n'
    finally:
        handle.stop()
    assert handle.process.returncode is not None


@pytest.mark.parametrize('variable', ['ZONEWARDEN_PVE_SCHEMA', 'ZONEWARDEN_REFERENCE'])
def test_cli_refuses_to_start_without_reference_data(tmp_path, variable):
    env = dict(os.environ, PYTHONPATH=LAB_DIR)
    env[variable] = str(tmp_path / 'missing')
    result = subprocess.run([sys.executable, '-m', 'pve_api', '--port', '0'], env=env, cwd=str(tmp_path),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert 'not found' in result.stderr
