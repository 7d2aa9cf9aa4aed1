# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of the verification layer over random Proxmox rule lists.

- A DROP rule added at the top never turns a refused flow into an accepted one.
- The lint is sound: removing every rule it reports as shadowed or redundant changes no verdict.
- The anti-lockout guard is exact: when it says a network keeps access, every address of it does,
  and any refused address makes it refuse.
"""

import ipaddress

from hypothesis import given, settings, strategies as st

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lint import lint
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lockout import check_lockout
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_macros import builtin_macros
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import FwState

MACROS = builtin_macros()
VMDATA = {'qemu': {'100': {'net0': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1'}}}
HOST_IP = '192.0.2.10'
SOURCES = [None, '10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '+admins', 'office', '2001:db8::/32', '10.1.0.0-10.1.0.255']
MATCHES = st.builds(
    lambda proto, port, source, macro: (proto, port, source, macro),
    st.sampled_from([None, 'tcp', 'udp']), st.sampled_from([None, '22', '53', '80:90']), st.sampled_from(SOURCES),
    st.sampled_from([None, None, None, 'SSH', 'DNS', 'HTTP']))
RULES = st.builds(lambda kind, action, match: (kind, action) + match, st.sampled_from(['IN', 'OUT']),
                  st.sampled_from(['ACCEPT', 'DROP', 'REJECT']), MATCHES)
LISTS = st.lists(RULES, max_size=7)
FLOW_SOURCES = ['10.1.2.3', '10.1.0.200', '10.2.0.1', '198.51.100.7', '2001:db8::1', '2001:db9::1']
CLUSTER_HEAD = ('[OPTIONS]\nenable: 1\npolicy_in: DROP\n\n[ALIASES]\noffice 10.1.0.0/16\n\n'
                '[IPSET admins]\n10.0.0.0/8\n!10.1.2.0/24\n\n')


def rule_text(rule):
    kind, action, proto, port, source, macro = rule
    text = '%s %s' % (kind, '%s(%s)' % (macro, action) if macro else action)
    if source:
        text += ' -source %s' % source
    if proto and not macro:
        text += ' -p %s' % proto
        if port:
            text += ' -dport %s' % port
    return text


def firewall(cluster_rules, guest_rules, host_ip=HOST_IP):
    files = {'cluster.fw': CLUSTER_HEAD + '[RULES]\n' + ''.join(rule_text(r) + '\n' for r in cluster_rules),
             '100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\n' + ''.join(rule_text(r) + '\n' for r in guest_rules)}
    state = FwState.from_files(files)
    state.add_vmdata(VMDATA)
    return state.evaluator(None, macros=MACROS, host_ip=host_ip, local_network='192.0.2.0/24')


def flows():
    for source in FLOW_SOURCES:
        for proto, port in (('tcp', '22'), ('udp', '53'), ('tcp', '53'), ('tcp', '85'), ('tcp', '80')):
            yield {'source': source, 'to': 'host', 'proto': proto, 'dport': port}
            yield {'source': source, 'to': 'vm100', 'proto': proto, 'dport': port}
            yield {'from': 'vm100', 'dest': source, 'to': 'outside', 'proto': proto, 'dport': port}
            yield {'from': 'host', 'dest': source, 'to': 'outside', 'proto': proto, 'dport': port}


def verdicts(fw):
    return [fw.evaluate(flow)['action'] for flow in flows()]


@settings(max_examples=120, deadline=None)
@given(LISTS, LISTS, MATCHES, st.booleans())
def test_a_drop_rule_on_top_never_turns_a_refusal_into_an_accept(cluster_rules, guest_rules, match, on_guest):
    before = verdicts(firewall(cluster_rules, guest_rules))
    top = ('IN', 'DROP') + match
    after_cluster, after_guest = ([top] + cluster_rules, guest_rules) if not on_guest else (cluster_rules, [top] + guest_rules)
    after = verdicts(firewall(after_cluster, after_guest))
    for flow, old, new in zip(flows(), before, after):
        assert not (old != 'ACCEPT' and new == 'ACCEPT'), (flow, old, new)


@settings(max_examples=300, deadline=None)
@given(LISTS, LISTS)
def test_removing_what_the_lint_calls_dead_changes_no_verdict(cluster_rules, guest_rules):
    fw = firewall(cluster_rules, guest_rules)
    dead = set((item['level'], item['position']) for item in lint({None: fw}) if item['kind'] in ('shadowed', 'redundant'))
    kept_cluster = [rule for pos, rule in enumerate(cluster_rules) if ('cluster', pos) not in dead]
    kept_guest = [rule for pos, rule in enumerate(guest_rules) if ('vm', pos) not in dead]
    assert verdicts(firewall(kept_cluster, kept_guest)) == verdicts(fw), sorted(dead)


@settings(max_examples=150, deadline=None)
@given(LISTS, st.sampled_from(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/23', '198.51.100.0/24']), st.randoms(use_true_random=False))
def test_the_guard_is_exact_for_whole_networks(cluster_rules, network, rng):
    state = FwState.from_files({'cluster.fw': CLUSTER_HEAD + '[RULES]\n' + ''.join(rule_text(r) + '\n' for r in cluster_rules)})
    node = dict(name='pve1', address=HOST_IP, local_network='192.0.2.0/24')
    report = check_lockout(state, [node], management_networks=[network], ports=[22], macros=MACROS)
    fw = state.evaluator('pve1', macros=MACROS, host_ip=HOST_IP, local_network='192.0.2.0/24')
    net = ipaddress.ip_network(network)
    edges = [addr for addr in ('10.1.2.3', '10.1.2.0', '10.1.2.255', '10.1.0.255', '10.1.1.0', '10.0.255.255', '10.1.3.0')
             if ipaddress.ip_address(addr) in net]
    for source in edges + [str(net[rng.randrange(net.num_addresses)]) for _count in range(40)]:
        accepted = fw.evaluate({'source': source, 'to': 'host', 'dport': '22'})['action'] == 'ACCEPT'
        assert accepted or not report['ok'], (source, report)
    for item in report['blocked']:
        assert fw.evaluate({'source': item['source'], 'to': 'host', 'dport': '22'})['action'] != 'ACCEPT'
