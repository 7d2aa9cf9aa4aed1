# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Indexes, refs, macros, logs, and which levels and objects exist (API-FACTS section 2)."""

import json

import pytest

from labcore.reference import reference_path


@pytest.mark.parametrize('path, names', [
    ('/cluster/firewall', ['aliases', 'rules', 'options', 'groups', 'ipset', 'macros', 'refs']),
    ('/nodes/pve1/firewall', ['rules', 'options', 'log']),
    ('/nodes/pve1/qemu/100/firewall', ['rules', 'aliases', 'ipset', 'refs', 'options']),
    ('/nodes/pve1/lxc/200/firewall', ['rules', 'aliases', 'ipset', 'refs', 'options']),
    ('/cluster/sdn/vnets/vnet10/firewall', ['rules', 'options']),
])
def test_indexes(pve, path, names):
    assert pve.data('GET', path) == [{'name': name} for name in names]


def test_macros_come_from_the_reference(pve):
    with open(reference_path('pve', 'macros.json'), encoding='utf-8') as handle:
        reference = json.load(handle)
    listed = pve.data('GET', '/cluster/firewall/macros')
    assert len(listed) == len(reference['macros']) == 86
    by_name = {entry['macro']: entry['descr'] for entry in listed}
    assert by_name['SSH'] == reference['descriptions']['SSH']
    assert set(by_name) == set(reference['macros'])


def test_refs_with_type_filter_and_scopes(pve):
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'web', 'comment': 'servers'})
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'GW', 'cidr': '10.0.0.1', 'comment': 'router'})
    pve.data('POST', '/nodes/pve1/qemu/100/firewall/ipset', {'name': 'local'})
    cluster = pve.data('GET', '/cluster/firewall/refs')
    assert {'type': 'ipset', 'name': 'web', 'ref': '+web', 'scope': 'dc', 'comment': 'servers'} in cluster
    assert {'type': 'alias', 'name': 'gw', 'ref': 'gw', 'scope': 'dc', 'comment': 'router'} in cluster
    assert {'type': 'ipset', 'name': 'vnet10-all', 'ref': '+vnet10-all', 'scope': 'sdn'} in cluster
    assert [ref['type'] for ref in pve.data('GET', '/cluster/firewall/refs', params={'type': 'alias'})] == ['alias']
    guest = pve.data('GET', '/nodes/pve1/qemu/100/firewall/refs', params={'type': 'ipset'})
    assert [(ref['scope'], ref['name']) for ref in guest][0] == ('dc', 'web')
    assert ('guest', 'local') in [(ref['scope'], ref['name']) for ref in guest]
    _status, _reason, body = pve.error('GET', '/cluster/firewall/refs', params={'type': 'group'})
    assert body['errors'] == {'type': "value 'group' does not have a value in the enumeration 'alias, ipset'"}


def test_sdn_ipsets_can_be_referenced(pve):
    pve.data('POST', '/cluster/sdn/vnets/vnet10/firewall/rules',
             {'type': 'forward', 'action': 'ACCEPT', 'source': '+sdn/vnet10-all', 'enable': '1'})
    assert pve.rules('/cluster/sdn/vnets/vnet10/firewall/rules')[0]['source'] == '+sdn/vnet10-all'


def test_node_log_paging(pve):
    lines = pve.data('GET', '/nodes/pve1/firewall/log')
    assert lines[0]['n'] == 1 and len(lines) >= 3
    answer = pve.raw('GET', '/nodes/pve1/firewall/log', params={'start': '1', 'limit': '2'})
    body = answer.json()
    assert [line['n'] for line in body['data']] == [2, 3]
    assert body['total'] == len(lines)


def test_guest_log_has_only_its_lines(pve):
    lines = pve.data('GET', '/nodes/pve1/qemu/101/firewall/log')
    assert lines and all(line['t'].startswith('101 ') for line in lines)


def test_log_from_fixture_and_empty_log(pve):
    state = pve.side('GET', 'state')
    state['firewall_log'] = {'pve1': ['100 6 tap100i0-IN 01/Jan/2026:00:00:00 +0000 DROP: one',
                                      '0 5 - 01/Jan/2026:00:00:01 +0000 two']}
    pve.side('POST', 'load', state)
    assert [line['t'][-3:] for line in pve.data('GET', '/nodes/pve1/firewall/log')] == ['one', 'two']
    assert pve.data('GET', '/nodes/pve1/lxc/200/firewall/log') == [{'n': 1, 't': 'no content'}]


def test_guest_endpoints_work_for_any_vmid_in_range(pve):
    pve.data('POST', '/nodes/pve1/qemu/4242/firewall/rules', {'type': 'in', 'action': 'ACCEPT'})
    assert len(pve.rules('/nodes/pve1/lxc/4242/firewall/rules')) == 1
    pve.data('PUT', '/nodes/pve1/qemu/4242/firewall/options', {'enable': '1'})
    assert 'firewall/4242.fw' in pve.fw_files()


def test_vm_and_ct_paths_share_one_file(pve):
    pve.data('POST', '/nodes/pve1/qemu/100/firewall/rules', {'type': 'in', 'action': 'ACCEPT', 'comment': 'x'})
    assert pve.rules('/nodes/pve1/lxc/100/firewall/rules')[0]['comment'] == 'x'


@pytest.mark.parametrize('path', ['/nodes/pve8/firewall/rules', '/nodes/pve8/qemu/100/firewall/rules',
                                  '/nodes/pve8/lxc/200/firewall/options', '/nodes/pve8/firewall/log'])
def test_node_must_exist(pve, path):
    status, reason, _body = pve.error('GET', path)
    assert status == 500
    assert reason == "hostname lookup 'pve8' failed - failed to get address info for: pve8: Name or service not known"


@pytest.mark.parametrize('method, path', [('GET', '/cluster/sdn/vnets/nope/firewall/rules'),
                                          ('POST', '/cluster/sdn/vnets/nope/firewall/rules'),
                                          ('GET', '/cluster/sdn/vnets/nope/firewall/rules/0'),
                                          ('PUT', '/cluster/sdn/vnets/nope/firewall/options')])
def test_unknown_vnet(pve, method, path):
    data = {'type': 'forward', 'action': 'ACCEPT'} if method == 'POST' else None
    status, reason, body = pve.error(method, path, data)
    assert status == 500
    assert reason.startswith('invalid vnet specified')
    assert body['message'].startswith('invalid vnet specified')


def test_proxmoxer_ipset_entry_path_with_a_slash(api):
    api.cluster.firewall.ipset.post(name='web')
    api.cluster.firewall.ipset('web').post(cidr='10.1.0.0/16')
    assert api.cluster.firewall.ipset('web')('10.1.0.0/16').get()['cidr'] == '10.1.0.0/16'
    api.cluster.firewall.ipset('web')('10.1.0.0/16').delete()
    assert api.cluster.firewall.ipset('web').get() == []
