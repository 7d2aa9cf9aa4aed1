# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Semantics of the PVE evaluator that Proxmox's corpus does not cover, and verdict attribution."""

from __future__ import annotations

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve import (
    PveFirewall,
    parse_corosync_conf,
    parse_guest_net,
)

HOST_IP = '192.0.2.10'
LOCAL_NET = '192.0.2.0/24'
VMDATA = {
    'qemu': {
        '100': {'net0': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1',
                'net1': 'virtio=BC:24:11:00:00:02,bridge=vmbr1,firewall=1'},
        '101': {'net0': 'virtio=BC:24:11:00:00:03,bridge=vmbr0,firewall=0'},
    },
    'lxc': {
        '200': {'net0': 'name=eth0,hwaddr=BC:24:11:00:00:04,bridge=vmbr0,firewall=1,ip=10.0.0.20/24,'
                        'ip6=2001:db8::20/64'},
    },
}
# A test fixture in the shape of PVE's macro data (not the reference list).
MACROS = {'macros': {
    'SSH': [{'action': 'PARAM', 'proto': 'tcp', 'dport': '22'}],
    'Web': [{'action': 'PARAM', 'proto': 'tcp', 'dport': '80'}, {'action': 'PARAM', 'proto': 'tcp', 'dport': '443'}],
    'Ping': [{'action': 'PARAM', 'proto': 'icmp', 'dport': 'echo-request'}],
}}
ON = '[OPTIONS]\nenable: 1\n'


def make(cluster=ON, host='', guests=None, fidelity='kernel', **kwargs):
    kwargs.setdefault('macros', MACROS)
    return PveFirewall(cluster=cluster, host=host, guests=guests or {}, vmdata=VMDATA, host_ip=HOST_IP,
                       local_network=LOCAL_NET, fidelity=fidelity, **kwargs)


def verdict(firewall, **flow):
    return firewall.evaluate(flow)


def action(firewall, **flow):
    return firewall.evaluate(flow)['action']


def guest(rules='', options='enable: 1\n', extra=''):
    return '[OPTIONS]\n%s%s\n[RULES]\n%s' % (options, extra, rules)


# -- IP sets ---------------------------------------------------------------------------------------

NOMATCH_CLUSTER = ON + '[IPSET admins]\n10.0.0.0/8\n!10.1.0.0/16\n[RULES]\nIN ACCEPT -source +admins -p tcp -dport 443\n'


def test_ipset_nomatch_excludes_the_more_specific_network():
    firewall = make(NOMATCH_CLUSTER)
    accepted = verdict(firewall, **{'from': 'outside', 'to': 'host', 'source': '10.2.3.4', 'dport': 443})
    assert accepted['action'] == 'ACCEPT'
    assert accepted['decided_by']['level'] == 'cluster' and accepted['decided_by']['position'] == 0
    excluded = verdict(firewall, **{'from': 'outside', 'to': 'host', 'source': '10.1.2.3', 'dport': 443})
    assert excluded['action'] == 'DROP'
    assert excluded['decided_by']['kind'] == 'policy' and excluded['decided_by']['option'] == 'policy_in'


def test_simulator_fidelity_reproduces_first_overlap_lookup():
    # PVE's simulator takes the first overlapping entry in text order; the kernel honours nomatch.
    firewall = make(NOMATCH_CLUSTER, fidelity='simulator')
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'source': '10.1.2.3', 'dport': 443}) == 'ACCEPT'
    # where the nomatch entry comes first the simulator cannot answer: the kernel answer is used
    cluster = ON + '[IPSET s]\n!10.1.0.0/16\n192.168.0.0/16\n10.0.0.0/8\n[RULES]\nIN ACCEPT -source +s -p tcp -dport 1\n'
    firewall = make(cluster, fidelity='simulator')
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'source': '10.1.2.3', 'dport': 1}) == 'DROP'


def test_blacklist_drops_before_any_rule():
    cluster = ON + '[IPSET blacklist]\n198.51.100.0/24\n[RULES]\nIN ACCEPT -p tcp -dport 22\n'
    firewall = make(cluster, guests={100: guest('IN ACCEPT -p tcp -dport 22\n')})
    for target in ('host', 'vm100'):
        result = verdict(firewall, **{'from': 'outside', 'to': target, 'source': '198.51.100.9', 'dport': 22})
        assert result['action'] == 'DROP' and result['decided_by']['reason'] == 'cluster ipset blacklist'
        assert action(firewall, **{'from': 'outside', 'to': target, 'source': '203.0.113.9', 'dport': 22}) == 'ACCEPT'


# -- actions, policies, disabled rules -------------------------------------------------------------

def test_reject_drop_and_policies():
    rules = 'IN REJECT -p tcp -dport 23\nIN DROP -p tcp -dport 24\nIN REJECT -p icmp\n'
    firewall = make(guests={100: guest(rules)})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 23}) == 'REJECT'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 24}) == 'DROP'
    dropped = verdict(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 25})
    assert dropped['action'] == 'DROP' and dropped['decided_by']['reason'] == 'vm100 policy_in DROP (default)'
    # PVE's reject chain drops ICMP instead of answering it; its simulator reports REJECT
    icmp = {'from': 'outside', 'to': 'vm100', 'proto': 'icmp', 'dport': 'echo-request'}
    assert action(firewall, **icmp) == 'DROP'
    assert action(make(guests={100: guest(rules)}, fidelity='simulator'), **icmp) == 'REJECT'
    rejecting = make(guests={100: guest('', options='enable: 1\npolicy_in: REJECT\n')})
    result = verdict(rejecting, **{'from': 'outside', 'to': 'vm100', 'dport': 25})
    assert result['action'] == 'REJECT' and result['decided_by']['value'] == 'REJECT'


def test_disabled_rules_do_not_apply():
    firewall = make(guests={100: guest('|IN ACCEPT -p tcp -dport 22\nIN ACCEPT -p tcp -dport 80\n')})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 22}) == 'DROP'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 80}) == 'ACCEPT'


def test_critical_icmp_passes_the_drop_policy_in_kernel_fidelity():
    flow = {'from': 'outside', 'to': 'vm100', 'proto': 'icmp', 'dport': 'fragmentation-needed'}
    assert action(make(guests={100: guest()}), **flow) == 'ACCEPT'
    assert action(make(guests={100: guest()}, fidelity='simulator'), **flow) == 'DROP'


# -- the three switches ----------------------------------------------------------------------------

def test_cluster_switch_off_accepts_everything():
    firewall = make('[OPTIONS]\nenable: 0\n', guests={100: guest()})
    assert not firewall.cluster_enabled
    result = verdict(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 22})
    assert result['action'] == 'ACCEPT' and result['decided_by']['kind'] == 'switch'
    assert action(make(''), **{'from': 'outside', 'to': 'host', 'dport': 22}) == 'ACCEPT'


def test_guest_switch_and_nic_switch():
    disabled = make(guests={100: guest('IN DROP\n', options='enable: 0\n')})
    result = verdict(disabled, **{'from': 'outside', 'to': 'vm100', 'dport': 22})
    assert result['action'] == 'ACCEPT'
    assert result['hops'][-1]['decided_by']['reason'] == 'vm100 firewall disabled (option enable is 0)'
    # vm101 has firewall=0 on its NIC: its rules never apply, no fwbr hop exists
    nic_off = make(guests={101: guest('IN DROP\n')})
    result = verdict(nic_off, **{'from': 'outside', 'to': 'vm101', 'dport': 22})
    assert result['action'] == 'ACCEPT' and [hop['stage'] for hop in result['hops']] == ['bridge vmbr0']
    enabled = make(guests={100: guest()})
    assert action(enabled, **{'from': 'outside', 'to': 'vm100', 'dport': 22}) == 'DROP'
    no_file = make()
    reason = verdict(no_file, **{'from': 'outside', 'to': 'vm100'})['hops'][-1]['decided_by']['reason']
    assert reason == 'vm100 has no firewall configuration (100.fw)'


def test_host_switch_off_leaves_guests_filtered():
    firewall = make(host='[OPTIONS]\nenable: 0\n', guests={100: guest()})
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'dport': 12345}) == 'ACCEPT'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 12345}) == 'DROP'


def test_enable_timestamp_expires_after_sixty_seconds():
    cluster = '[OPTIONS]\nenable: 1700000000\n'
    assert make(cluster, now=1700000030).cluster_enabled
    assert not make(cluster, now=1700000120).cluster_enabled


# -- management and anti-lockout -------------------------------------------------------------------

def test_management_accepts_follow_user_rules():
    firewall = make(ON + '[IPSET management]\n198.51.100.7\n')
    mgmt = verdict(firewall, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.50', 'dport': 8006})
    assert mgmt['action'] == 'ACCEPT'
    assert mgmt['decided_by'] == {'kind': 'builtin', 'reason': 'management ipset: tcp/8006 (API/GUI)',
                                  'ipset': 'management', 'chain': 'PVEFW-HOST-IN', 'hop': 'host-in'}
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'source': '198.51.100.7', 'dport': 22}) == 'ACCEPT'
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'source': '198.51.100.8', 'dport': 22}) == 'DROP'
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.50', 'dport': 80}) == 'DROP'
    # a catch-all DROP rule runs before the management accepts and locks the administrators out
    locked = make(ON, host='[RULES]\nIN DROP\n')
    result = verdict(locked, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.50', 'dport': 8006})
    assert result['action'] == 'DROP' and result['decided_by']['level'] == 'host'


def test_outbound_local_network_and_alias_override():
    firewall = make(ON + 'policy_out: DROP\n')
    ssh_out = verdict(firewall, **{'from': 'host', 'to': 'outside', 'dest': '192.0.2.60', 'dport': 22})
    assert ssh_out['action'] == 'ACCEPT' and ssh_out['decided_by']['reason'] == 'local_network: tcp/22 (SSH)'
    assert action(firewall, **{'from': 'host', 'to': 'outside', 'dest': '192.0.2.60', 'dport': 80}) == 'DROP'
    aliased = make(ON + 'policy_out: DROP\n[ALIASES]\nlocal_network 203.0.113.0/24\n')
    assert action(aliased, **{'from': 'host', 'to': 'outside', 'dest': '192.0.2.60', 'dport': 22}) == 'DROP'
    assert action(aliased, **{'from': 'host', 'to': 'outside', 'dest': '203.0.113.5', 'dport': 22}) == 'ACCEPT'
    assert action(aliased, **{'from': 'outside', 'to': 'host', 'source': '203.0.113.5', 'dport': 22}) == 'ACCEPT'


# -- state -----------------------------------------------------------------------------------------

def test_stateful_return_traffic():
    firewall = make(guests={100: guest('IN ACCEPT -p tcp -dport 443\n', options='enable: 1\npolicy_out: DROP\n')})
    pair = firewall.evaluate_connection({'from': 'outside', 'to': 'vm100', 'dport': 443, 'sport': 40000})
    assert pair['request']['action'] == 'ACCEPT'
    reply = pair['reply']
    assert reply['action'] == 'ACCEPT' and reply['flow']['from'] == 'vm100' and reply['flow']['dport'] == 40000
    assert reply['decided_by']['reason'].startswith('conntrack state RELATED,ESTABLISHED')
    # a new connection from the guest is still refused by its policy_out
    assert action(firewall, **{'from': 'vm100', 'to': 'outside', 'dport': 443}) == 'DROP'
    refused = firewall.evaluate_connection({'from': 'outside', 'to': 'vm100', 'dport': 22})
    assert refused['request']['action'] == 'DROP' and refused['reply'] is None
    invalid = verdict(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 443, 'state': 'invalid'})
    assert invalid['action'] == 'DROP' and invalid['decided_by']['reason'] == 'conntrack state INVALID'


# -- attribution, groups, order --------------------------------------------------------------------

def test_group_verdict_names_the_group_rule_and_the_reference():
    cluster = ON + '[group web]\nIN ACCEPT -p tcp -dport 80\nIN REJECT -p tcp -dport 81\n'
    firewall = make(cluster, guests={100: guest('IN DROP -p tcp -dport 79\nGROUP web\n')})
    result = verdict(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 80})
    decided = result['decided_by']
    assert result['action'] == 'ACCEPT'
    assert (decided['level'], decided['group'], decided['position'], decided['rule'], decided['chain']) == (
        'group', 'web', 0, 'IN ACCEPT -p tcp -dport 80', 'GROUP-web-IN')
    assert (decided['via']['level'], decided['via']['vmid'], decided['via']['position'], decided['via']['rule']) == (
        'vm', 100, 1, 'GROUP web')
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 81}) == 'REJECT'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 82}) == 'DROP'


def test_missing_group_is_empty_and_group_names_are_case_sensitive():
    cluster = ON + '[group web]\nIN ACCEPT -p tcp -dport 80\n'
    firewall = make(cluster, guests={100: guest('GROUP Web\nGROUP nosuch\n')})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 80}) == 'DROP'
    assert "no such security group 'Web'" in firewall.warnings
    assert "no such security group 'nosuch'" in firewall.warnings


def test_host_rules_come_before_cluster_rules_and_cluster_rules_skip_guests():
    firewall = make(ON + '[RULES]\nIN ACCEPT -p tcp -dport 8080\nIN ACCEPT -p tcp -dport 9000\n',
                    host='[RULES]\nIN REJECT -p tcp -dport 8080\n', guests={100: guest()})
    first = verdict(firewall, **{'from': 'outside', 'to': 'host', 'dport': 8080})
    assert first['action'] == 'REJECT' and first['decided_by']['level'] == 'host'
    second = verdict(firewall, **{'from': 'outside', 'to': 'host', 'dport': 9000})
    assert second['decided_by']['level'] == 'cluster' and second['decided_by']['position'] == 1
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 9000}) == 'DROP'


def test_guest_out_then_in_hops():
    firewall = make(guests={100: guest('OUT REJECT -p tcp -dport 25\n'), 200: guest('IN ACCEPT -p tcp -dport 80\n')})
    result = verdict(firewall, **{'from': 'vm100', 'to': 'ct200', 'dport': 80})
    assert result['action'] == 'ACCEPT'
    assert [hop['stage'] for hop in result['hops']] == ['vm100 out (net0)', 'bridge vmbr0', 'ct200 in (net0)']
    assert result['decided_by']['vmid'] == 200
    blocked = verdict(firewall, **{'from': 'vm100', 'to': 'ct200', 'dport': 25})
    assert blocked['action'] == 'REJECT' and len(blocked['hops']) == 1 and blocked['decided_by']['vmid'] == 100


# -- aliases, macros, invalid rules ----------------------------------------------------------------

def test_alias_scopes():
    rules = ('IN ACCEPT -source SRV -p tcp -dport 1001\nIN ACCEPT -source dc/srv -p tcp -dport 1002\n'
             'IN ACCEPT -source guest/srv -p tcp -dport 1003\n')
    firewall = make(ON + '[ALIASES]\nsrv 10.5.0.1\n', guests={100: guest(rules, extra='[ALIASES]\nsrv 10.6.0.1\n')})
    cases = [(1001, '10.6.0.1', 'ACCEPT'), (1001, '10.5.0.1', 'DROP'), (1002, '10.5.0.1', 'ACCEPT'),
             (1002, '10.6.0.1', 'DROP'), (1003, '10.6.0.1', 'ACCEPT')]
    for port, source, expected in cases:
        assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'source': source, 'dport': port}) == expected


def test_macros_come_from_the_caller():
    rules = 'IN ssh(ACCEPT)\nIN Web(ACCEPT) -source 10.0.0.0/8\nIN Nope(ACCEPT)\nIN SSH(ACCEPT) -p tcp -dport 2222\n'
    firewall = make(guests={100: guest(rules)})
    ssh = verdict(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 22})
    assert ssh['action'] == 'ACCEPT' and ssh['decided_by']['rule'] == 'IN ssh(ACCEPT)'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'source': '10.1.1.1', 'dport': 443}) == 'ACCEPT'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'source': '11.1.1.1', 'dport': 443}) == 'DROP'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 2222}) == 'DROP'
    warnings = '\n'.join(firewall.warnings)
    assert "unknown macro 'Nope'" in warnings and "already define in macro" in warnings
    without = make(guests={100: guest(rules)}, macros=None)
    assert action(without, **{'from': 'outside', 'to': 'vm100', 'dport': 22}) == 'DROP'


def test_rules_with_errors_are_ignored_with_a_warning():
    rules = 'IN ACCEPT -dport 80\nIN ACCEPT -source +nosuchset\nIN ACCEPT -i vmbr0\nIN ACCEPT -source 10.0.0.5/24\n'
    firewall = make(guests={100: guest(rules)})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 80, 'source': '10.0.0.9'}) == 'DROP'
    warnings = '\n'.join(firewall.warnings)
    assert "missing property - 'dport' requires this property" in warnings
    assert "no such ipset 'nosuchset'" in warnings
    assert "value does not match the regex pattern 'net\\d+'" in warnings
    assert 'invalid IP address' in warnings


def test_compile_errors_skip_only_the_rule():
    # dc/ scope: the alias exists only at guest level, so PVE fails to generate this rule
    rules = 'IN ACCEPT -source dc/g1 -p tcp -dport 1\nIN ACCEPT -p tcp -dport 2\n'
    firewall = make(guests={100: guest(rules, extra='[ALIASES]\ng1 10.7.0.1\n')})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'source': '10.7.0.1', 'dport': 1}) == 'DROP'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 2}) == 'ACCEPT'
    assert any("no such alias 'dc/g1'" in warning for warning in firewall.warnings)


# -- interfaces, ipfilter, zones -------------------------------------------------------------------

def test_interface_bound_rules():
    firewall = make(host='[RULES]\nIN ACCEPT -i vmbr1 -p tcp -dport 6000\n',
                    guests={100: guest('IN ACCEPT -i net1 -p tcp -dport 5000\n')})
    assert action(firewall, **{'from': 'outside', 'to': 'vm100', 'dport': 5000}) == 'DROP'
    assert action(firewall, **{'from': 'outside', 'to': 'vm100i1', 'dport': 5000}) == 'ACCEPT'
    assert action(firewall, **{'from': 'vmbr1/eth1', 'to': 'host', 'dport': 6000}) == 'ACCEPT'
    assert action(firewall, **{'from': 'outside', 'to': 'host', 'dport': 6000}) == 'DROP'


def test_ipfilter_allows_only_the_guest_addresses():
    firewall = make(guests={200: guest(options='enable: 1\nipfilter: 1\n'),
                            100: guest(extra='[IPSET ipfilter-net1]\n10.9.0.5\n')})
    assert action(firewall, **{'from': 'ct200', 'to': 'outside', 'source': '10.0.0.20'}) == 'ACCEPT'
    spoofed = verdict(firewall, **{'from': 'ct200', 'to': 'outside', 'source': '10.0.0.99'})
    assert spoofed['action'] == 'DROP' and spoofed['decided_by']['ipset'] == 'ipfilter-net0'
    assert action(firewall, **{'from': 'vm100i1', 'to': 'outside', 'source': '10.9.0.5'}) == 'ACCEPT'
    assert action(firewall, **{'from': 'vm100i1', 'to': 'outside', 'source': '10.9.0.6'}) == 'DROP'
    assert action(firewall, **{'from': 'vm100', 'to': 'outside', 'source': '10.9.0.6'}) == 'ACCEPT'


def test_zones_resolved_from_addresses():
    firewall = make(guests={200: guest('IN ACCEPT -p tcp -dport 22\n')}, guest_ips={100: {'net1': ['10.9.0.5/24']}})
    assert firewall.resolve_zone('10.0.0.20') == 'ct200'
    assert firewall.resolve_zone('10.9.0.5') == 'vm100i1'
    assert firewall.resolve_zone(HOST_IP) == 'host'
    assert firewall.resolve_zone('8.8.8.8') == 'outside'
    result = firewall.evaluate({'from': '8.8.8.8', 'to': '10.0.0.20', 'dport': 22})
    assert result['action'] == 'ACCEPT'
    assert (result['flow']['from'], result['flow']['to'], result['flow']['dest']) == ('outside', 'ct200', '10.0.0.20')
    assert set(firewall.zones()) == {'host', 'outside', 'nfvm', 'vm100', 'vm100i1', 'vm101', 'ct200'}


def test_ipv6_flows_use_the_ipv6_ruleset():
    rules = 'IN ACCEPT -source 2001:db8:5::/64 -p tcp -dport 80\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 81\n'
    firewall = make(guests={200: guest(rules)})
    base = {'from': 'outside', 'to': 'ct200', 'dest': '2001:db8::20'}
    assert action(firewall, source='2001:db8:5::9', dport=80, **base) == 'ACCEPT'
    assert action(firewall, source='2001:db8:6::9', dport=80, **base) == 'DROP'
    assert action(firewall, source='2001:db8:5::9', dport=81, **base) == 'DROP'
    ndp = verdict(firewall, source='fe80::1', proto='icmpv6', dport='neighbor-solicitation', **base)
    assert ndp['action'] == 'ACCEPT' and ndp['decided_by']['reason'] == 'neighbor discovery (option ndp)'
    with pytest.raises(ValueError):
        firewall.evaluate({'from': 'outside', 'to': 'ct200', 'source': '2001:db8::1', 'dest': '10.0.0.20'})


def test_evaluate_many_keeps_order():
    firewall = make(guests={100: guest('IN ACCEPT -p tcp -dport 22\n')})
    flows = [{'from': 'outside', 'to': 'vm100', 'dport': port} for port in (22, 23, 22)]
    assert [v['action'] for v in firewall.evaluate_many(flows)] == ['ACCEPT', 'DROP', 'ACCEPT']


def test_bad_flows_and_options():
    firewall = make()
    for flow in ({'from': 'host', 'to': 'host'}, {'from': 'vm999', 'to': 'host'}, {'from': 'ct100', 'to': 'host'},
                 {'from': 'somewhere', 'to': 'host'}, {'to': 'host'}, {'from': 'outside', 'to': 'host', 'proto': 'xyz'},
                 {'from': 'outside', 'to': 'host', 'dport': 'nosuchservice'}):
        with pytest.raises(ValueError):
            firewall.evaluate(flow)
    with pytest.raises(ValueError):
        make(fidelity='exact')


def test_parse_warnings_are_reported_with_file_names():
    firewall = make(ON + 'bogus: 1\n', guests={100: '[OPTIONS]\nenable: 1 # no\n'})
    assert "cluster.fw (line 3): can't parse option 'bogus: 1'" in firewall.warnings
    assert "100.fw (line 2): can't parse option 'enable: 1 # no'" in firewall.warnings
    assert any('nftables' in warning for warning in make(host='[OPTIONS]\nnftables: 1\n').warnings)


def test_corosync_rules():
    conf = parse_corosync_conf("""
        totem {
          transport: udp  # multicast
        }
        nodelist {
          node {
            name: self
            ring0_addr: 192.0.2.10
          }
          node {
            name: peer
            ring0_addr: 192.0.2.11
            ring1_addr: peer.example
          }
        }
    """)
    assert conf['totem'] == {'transport': 'udp'}
    assert [node['name'] for node in conf['nodelist']['node']] == ['self', 'peer']
    firewall = make(ON + 'policy_out: DROP\n', corosync=conf, node='self')
    corosync = {'proto': 'udp', 'dport': 5405}
    peer_in = verdict(firewall, **dict(corosync, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.11'}))
    assert peer_in['action'] == 'ACCEPT' and peer_in['decided_by']['reason'] == 'corosync ring0_addr with node peer'
    assert action(firewall, **dict(corosync, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.12'})) == 'DROP'
    assert action(firewall, **dict(corosync, **{'from': 'host', 'to': 'outside', 'dest': '192.0.2.11'})) == 'ACCEPT'
    assert action(firewall, **dict(corosync, **{'from': 'outside', 'to': 'host', 'source': '198.51.100.1',
                                                'dest': '239.192.1.1'})) == 'ACCEPT'
    # without node, the local node is the one whose ring address is host_ip
    inferred = make(ON, corosync=conf)
    assert action(inferred, **dict(corosync, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.11'})) == 'ACCEPT'
    assert action(make(ON), **dict(corosync, **{'from': 'outside', 'to': 'host', 'source': '192.0.2.11'})) == 'DROP'


def test_parse_guest_net():
    assert parse_guest_net('virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=5') == {
        'mac': 'BC:24:11:00:00:01', 'bridge': 'vmbr0', 'firewall': True, 'ip': None, 'ip6': None}
    assert parse_guest_net('name=eth0,hwaddr=0E:18:24:41:2C:43,bridge=vmbr1,ip=dhcp,ip6=fd00::5/64') == {
        'mac': '0E:18:24:41:2C:43', 'bridge': 'vmbr1', 'firewall': False, 'ip': None, 'ip6': 'fd00::5'}
