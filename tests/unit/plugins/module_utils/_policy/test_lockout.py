# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The anti-lockout guard on planned configurations, in .fw-file form and in pve_firewall_info's data form."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lockout import (
    address_ranges,
    check_lockout,
    sample_addresses,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_macros import builtin_macros
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import FwState

NODES = [dict(name='pve1', address='192.0.2.10', local_network='192.0.2.0/24'),
         dict(name='pve2', address='192.0.2.11', local_network='192.0.2.0/24')]
CONTROLLER = '192.0.2.5'
MGMT_ACCEPTS = 'IN ACCEPT -source +admins -p tcp -dport 8006\nIN ACCEPT -source +admins -p tcp -dport 22\n'
ADMINS = '[IPSET admins]\n198.51.100.0/24\n\n'


def state_of(cluster, hosts=None):
    files = {'firewall/cluster.fw': cluster}
    for node, text in (hosts or {}).items():
        files['nodes/%s/host.fw' % node] = text
    return FwState.from_files(files)


def guard(state, **kwargs):
    kwargs.setdefault('controller', CONTROLLER)
    kwargs.setdefault('macros', builtin_macros())
    return check_lockout(state, kwargs.pop('nodes', NODES), **kwargs)


def test_catch_all_drop_above_the_management_accepts_is_refused_naming_the_rule():
    cluster = '[OPTIONS]\nenable: 1\n\n' + ADMINS + '[RULES]\nIN DROP\n' + MGMT_ACCEPTS
    report = guard(state_of(cluster), management_networks=['198.51.100.0/24'])
    assert report['ok'] is False
    assert report['checked'] == 2 * 2 * 2  # nodes x (controller, one piece of the admin network) x ports
    deciders = set((item['decided_by']['level'], item['decided_by']['position'], item['decided_by']['rule'])
                   for item in report['blocked'])
    assert deciders == {('cluster', 0, 'IN DROP')}
    assert set((item['node'], item['port']) for item in report['blocked']) == {(n, p) for n in ('pve1', 'pve2') for p in (8006, 22)}


def test_policy_in_drop_alone_is_fine_thanks_to_the_management_ipset():
    cluster = '[OPTIONS]\nenable: 1\npolicy_in: DROP\n'
    report = guard(state_of(cluster))
    assert report['ok'] is True and report['blocked'] == [] and report['checked'] == 4
    assert [node['firewall'] for node in report['nodes']] == ['on', 'on']
    # outside the local network, only an explicit management entry helps
    outsider = guard(state_of(cluster), controller='198.51.100.7')
    assert outsider['ok'] is False
    assert outsider['blocked'][0]['decided_by']['kind'] == 'policy'
    assert outsider['blocked'][0]['decided_by']['option'] == 'policy_in'
    listed = guard(state_of(cluster + '\n[IPSET management]\n198.51.100.0/24\n'), controller='198.51.100.7')
    assert listed['ok'] is True


def test_a_drop_after_the_management_rules_is_fine_a_drop_before_is_not():
    after = '[OPTIONS]\nenable: 1\n\n' + ADMINS + '[RULES]\n' + MGMT_ACCEPTS + 'IN DROP\n'
    assert guard(state_of(after), controller='198.51.100.9')['ok'] is True
    host_drop = {'pve2': '[RULES]\nIN REJECT -p tcp -dport 22\n'}
    report = guard(state_of(after, host_drop), controller='198.51.100.9')
    assert report['ok'] is False
    assert [(b['node'], b['port'], b['verdict'], b['decided_by']['level']) for b in report['blocked']] == [
        ('pve2', 22, 'REJECT', 'host')]
    assert 'node pve1 has no host.fw in the planned configuration: no host rules are assumed' in report['warnings']


def test_a_network_is_checked_as_a_whole_not_through_one_address():
    # only the lower half of the admin network is let in: the upper half is cut
    cluster = ('[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source 198.51.100.0/25 -p tcp -dport 8006\n'
               'IN ACCEPT -source 198.51.100.0/25 -p tcp -dport 22\n')
    report = guard(state_of(cluster), controller=None, management_networks=['198.51.100.0/24'], nodes=NODES[:1])
    assert report['ok'] is False
    sources = sorted(set(item['source'] for item in report['blocked']))
    assert sources == ['198.51.100.129']
    assert report['blocked'][0]['decided_by']['kind'] == 'policy'


def test_ipset_nomatch_and_aliases_are_honoured():
    cluster = ('[OPTIONS]\nenable: 1\n\n[ALIASES]\njump 203.0.113.7\n\n[IPSET admins]\n198.51.100.0/24\n!198.51.100.64/26\n\n'
               '[RULES]\nIN SSH(ACCEPT) -source +admins\nIN ACCEPT -source +admins -p tcp -dport 8006\n'
               'IN ACCEPT -source jump -p tcp\n')
    report = guard(state_of(cluster), controller='203.0.113.7', management_networks=['198.51.100.0/24'], nodes=NODES[:1])
    assert sorted(set(item['source'] for item in report['blocked'])) == ['198.51.100.65']
    assert sorted(set(item['port'] for item in report['blocked'])) == [22, 8006]


def test_switches_off_mean_nothing_is_filtered():
    closed = '[RULES]\nIN DROP\n'
    assert guard(state_of('[OPTIONS]\nenable: 0\n\n' + closed))['ok'] is True
    report = guard(state_of('[OPTIONS]\nenable: 1\n\n' + closed, {'pve1': '[OPTIONS]\nenable: 0\n'}))
    assert [node['firewall'] for node in report['nodes']] == ['off (host)', 'on']
    assert set(item['node'] for item in report['blocked']) == {'pve2'}


def test_gathered_data_form_with_planned_changes():
    current = {
        'cluster': {'options': {'enable': True, 'policy_in': 'ACCEPT'}, 'rules': [], 'aliases': [], 'groups': [],
                    'ipsets': [{'name': 'admins', 'comment': '', 'members': [{'cidr': '198.51.100.0/24', 'nomatch': False}]}]},
        'nodes': [{'name': 'pve1', 'options': {}, 'rules': []}],
    }
    state = FwState.from_gathered(current)
    assert guard(state, controller='198.51.100.7', nodes=NODES[:1])['ok'] is True
    state.apply_changes({'cluster': {'options': {'policy_in': 'DROP'},
                                     'rules': [{'type': 'in', 'action': 'REJECT', 'proto': 'tcp', 'dport': '8006'}]}})
    report = guard(state, controller='198.51.100.7', nodes=NODES[:1])
    assert report['ok'] is False
    by_port = dict((item['port'], item['decided_by']) for item in report['blocked'])
    assert by_port[8006]['kind'] == 'rule' and by_port[8006]['rule'] == 'IN REJECT -p tcp -dport 8006'
    assert by_port[22]['kind'] == 'policy'
    # the group a planned rule uses comes with the same changes
    state.apply_changes({'cluster': {'rules': [{'type': 'group', 'action': 'mgmt'}],
                                     'groups': [{'name': 'mgmt', 'rules': [{'type': 'in', 'action': 'ACCEPT', 'source': '+admins'}]}]}})
    assert guard(state, controller='198.51.100.7', nodes=NODES[:1])['ok'] is True


def test_enable_pending_confirmation_counts_as_on():
    state = FwState.from_gathered({'cluster': {'options': {'enable': 'pending-confirmation'}, 'rules': [
        {'type': 'in', 'action': 'DROP'}]}})
    assert guard(state, nodes=NODES[:1])['ok'] is False


def test_bad_input():
    state = state_of('[OPTIONS]\nenable: 1\n')
    cases = [
        (dict(nodes=[]), 'no nodes to check'),
        (dict(controller=None), 'nothing to protect'),
        (dict(controller='pve-admin'), "controller 'pve-admin' is not an IP address"),
        (dict(ports=[70000]), 'ports: 70000 is not a TCP port'),
        (dict(nodes=[dict(name='pve1')]), 'node pve1: its address is not known'),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as info:
            guard(state, **kwargs)
        assert message in str(info.value)


def test_other_ip_version_sources_are_reported_not_checked():
    report = guard(state_of('[OPTIONS]\nenable: 1\n'), controller='2001:db8::5', management_networks=['192.0.2.0/28'],
                   nodes=NODES[:1])
    assert report['checked'] == 2
    assert any('2001:db8::5 is of another IP version' in warning for warning in report['warnings'])


def test_sampling_cuts_at_every_boundary():
    ranges = [(4, 0xC0000280, 0xC00002BF), (6, 0, 5)]  # 192.0.2.128/26 and an IPv6 range that must be ignored
    samples, truncated = sample_addresses('192.0.2.0/24', ranges)
    assert samples == ['192.0.2.1', '192.0.2.129', '192.0.2.193'] and truncated is False
    assert sample_addresses('192.0.2.5', ranges) == (['192.0.2.5'], False)
    firewall = state_of('[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT -source 10.1.0.0/16\n').evaluator(
        'pve1', host_ip='192.0.2.10', local_network='192.0.2.0/24')
    found = address_ranges(firewall.model)
    assert (4, 0x0A010000, 0x0A01FFFF) in found and (4, 0xC0000200, 0xC00002FF) in found
