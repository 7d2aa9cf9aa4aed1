# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_options and pve_rules with ``nodes`` and ``vnets`` lists: many targets in one task."""

import copy
import json
import os

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.module_runner import LAB_DIR

CONSOLES = dict(type='in', action='ACCEPT', proto='tcp', dport='5900:5999', source='192.0.2.0/24', comment='consoles')


@pytest.fixture
def two_nodes(pve_lab):
    """The default lab plus a second node pve2 (and a second VNet); the default lab is loaded back afterwards."""
    with open(os.path.join(LAB_DIR, 'pve_api', 'fixtures', 'default.json'), encoding='utf-8') as stream:
        default = json.load(stream)
    lab = copy.deepcopy(default)
    second = copy.deepcopy(lab['nodes'][0])
    second.update(node='pve2', ip='192.0.2.11')
    lab['nodes'].append(second)
    extra_vnet = copy.deepcopy(lab['vnets'][0])
    extra_vnet.update(vnet='vnet20', alias='second segment')
    extra_vnet['subnets'] = []
    lab['vnets'].append(extra_vnet)
    pve_lab.handle.load(lab)
    pve_lab.handle.clear_log()
    yield pve_lab
    pve_lab.handle.load(default)


def test_options_of_every_node_in_one_task(two_nodes):
    nodes = [dict(node='pve1', config=dict(nf_conntrack_max=131072, log_level_in='info')),
             dict(node='pve2', config=dict(nf_conntrack_max=131072, tcpflags=True))]
    result = two_nodes.run('pve_options', nodes=nodes)
    assert not result.failed, result
    assert result['changed'] is True
    assert [(item['node'], item['changed']) for item in result['results']] == [('pve1', True), ('pve2', True)]
    assert sorted(c['path'] for c in result['commands']) == ['/nodes/pve1/firewall/options', '/nodes/pve2/firewall/options']
    assert two_nodes.writes() == 2
    gathered = two_nodes.run('pve_options', state='gathered', nodes=[dict(node='pve2')])
    assert gathered['gathered'] == [dict(node='pve2', gathered=dict(nf_conntrack_max=131072, tcpflags=True))]
    again = two_nodes.run('pve_options', nodes=nodes)
    assert again['changed'] is False and again['commands'] == []


def test_node_batch_refuses_unknown_node_and_bad_value_before_any_write(two_nodes):
    unknown = two_nodes.run('pve_options', nodes=[dict(node='pve1', config=dict(tcpflags=True)), dict(node='pve9', config=dict(tcpflags=True))])
    assert unknown.failed and 'no such node in the cluster: pve9' in unknown['msg']
    bad = two_nodes.run('pve_options', nodes=[dict(node='pve1', config=dict(tcpflags=True)),
                                              dict(node='pve2', config=dict(nf_conntrack_max=10))])
    assert bad.failed and 'nodes[1].config.nf_conntrack_max=10 is below the minimum' in bad['msg']
    wrong_level = two_nodes.run('pve_options', nodes=[dict(node='pve1', config=dict(policy_in='DROP'))])
    assert wrong_level.failed
    twice = two_nodes.run('pve_options', nodes=[dict(node='pve1', config=dict(tcpflags=True)), dict(node='pve1', config=dict(ndp=False))])
    assert twice.failed and 'nodes[1].node=pve1 is listed twice' in twice['msg']
    assert two_nodes.writes() == 0


def test_vnet_options_in_one_task_and_unknown_vnet_refused(two_nodes):
    vnets = [dict(vnet='vnet10', config=dict(enable=True, policy_forward='DROP')), dict(vnet='vnet20', config=dict(enable=True))]
    result = two_nodes.run('pve_options', vnets=vnets)
    assert not result.failed, result
    assert [item['vnet'] for item in result['results']] == ['vnet10', 'vnet20']
    assert two_nodes.run('pve_options', vnets=vnets)['changed'] is False
    writes = two_nodes.writes()
    missing = two_nodes.run('pve_options', vnets=[dict(vnet='vnet99', config=dict(enable=True))])
    assert missing.failed and 'no such SDN VNet: vnet99' in missing['msg']
    assert two_nodes.writes() == writes


def test_check_mode_node_batch_writes_nothing(two_nodes):
    result = two_nodes.run('pve_options', check_mode=True, nodes=[dict(node='pve2', config=dict(nftables=True))])
    assert result['changed'] is True and result['results'][0]['after'] == dict(nftables=True)
    assert two_nodes.writes() == 0


def test_rules_of_every_node_and_vnet_in_one_task(two_nodes):
    nodes = [dict(node=name, config=[CONSOLES]) for name in ('pve1', 'pve2')]
    result = two_nodes.run('pve_rules', state='overridden', nodes=nodes)
    assert not result.failed, result
    assert [(item['node'], item['changed']) for item in result['results']] == [('pve1', True), ('pve2', True)]
    assert two_nodes.run('pve_rules', state='overridden', nodes=nodes)['changed'] is False
    gathered = two_nodes.run('pve_rules', state='gathered', nodes=[dict(node='pve2')])
    assert gathered['gathered'][0]['node'] == 'pve2'
    assert [rule['dport'] for rule in gathered['gathered'][0]['gathered']] == ['5900:5999']
    forward = dict(type='forward', action='ACCEPT', proto='tcp', dport='2049', dest='10.10.0.5', comment='nfs')
    vnets = two_nodes.run('pve_rules', state='overridden', vnets=[dict(vnet='vnet10', config=[forward]), dict(vnet='vnet20', config=[])])
    assert not vnets.failed, vnets
    assert [(item['vnet'], item['changed']) for item in vnets['results']] == [('vnet10', True), ('vnet20', False)]


def test_rule_batch_names_the_bad_entry_and_writes_nothing(two_nodes):
    bad = dict(CONSOLES, dport='5900:99999')
    result = two_nodes.run('pve_rules', nodes=[dict(node='pve1', config=[CONSOLES]), dict(node='pve2', config=[bad])])
    assert result.failed and result['msg'].startswith('nodes[1].config[0]')
    in_group_only = two_nodes.run('pve_rules', vnets=[dict(vnet='vnet10', config=[dict(CONSOLES, iface='net0')])])
    assert in_group_only.failed and 'vnets[0].config[0]' in in_group_only['msg']
    assert two_nodes.writes() == 0
