# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Synthetic labs for the benchmarks: a PVE cluster fixture, the policy the playbooks enforce, drift.

Everything is derived from the size alone (deterministic), so two runs, ours and the baseline,
see exactly the same lab. The PVE part is a fixture for the emulator's side door (``/_lab/load``)
plus the variables the bench playbooks take (``-e @vars.json``); the PAN-OS part is variables for
the rulebase playbook. Drift is applied to a converged state dump, object by object, choosing
changes that one API write repairs, so that "writes == drifted objects" is the exact expectation.
"""

import copy
import ipaddress
import math
import re

TIERS = ('web', 'app', 'db', 'mgmt')
TIER_RULES = {
    'web': [{'type': 'in', 'action': 'ACCEPT', 'macro': 'HTTP', 'comment': 'web from anywhere'},
            {'type': 'in', 'action': 'ACCEPT', 'macro': 'HTTPS', 'comment': 'web from anywhere'}],
    'app': [{'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '8080', 'source': '+tier-web', 'comment': 'web to app'}],
    'db': [{'type': 'in', 'action': 'ACCEPT', 'macro': 'PostgreSQL', 'source': '+tier-app', 'comment': 'app to db'}],
    'mgmt': [{'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'source': '+management', 'comment': 'admins'}],
}
COMMON_GROUP_RULES = [
    {'type': 'in', 'action': 'ACCEPT', 'macro': 'Ping', 'source': '+management', 'comment': 'monitoring'},
    {'type': 'out', 'action': 'DROP', 'dest': '+blocklist', 'comment': 'no traffic to blocked networks'},
]
CLUSTER_RULES = [
    {'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'source': '+management', 'comment': 'admins'},
    {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '8006', 'source': '+management', 'comment': 'API and GUI'},
    {'type': 'in', 'action': 'DROP', 'source': '+blocklist', 'comment': 'blocked networks'},
]
MANAGEMENT = ['192.0.2.0/24', '198.51.100.10', '127.0.0.1']
GUEST_BASE = ipaddress.ip_address('10.1.0.1')
BLOCK_BASE = ipaddress.ip_network('100.64.0.0/24')
DRIFT_SHARE = 0.05


def node_count(guests):
    """Nodes of the lab: one per 100 guests, at least 1, at most 10."""
    return max(1, min(10, int(math.ceil(guests / 100.0))))


def blocklist_size(guests):
    """The big cluster IP set: 50 to 500 members, growing with the lab."""
    return max(50, min(500, guests // 2))


def guest_list(guests, nodes):
    """Deterministic guests: vmid, type, node, tier, name, address."""
    result = []
    for index in range(guests):
        tier = TIERS[index % len(TIERS)]
        kind = 'ct' if index % 5 == 4 else 'vm'
        result.append({'vmid': 1000 + index, 'type': kind, 'node': 'pve%d' % (index % nodes + 1), 'tier': tier,
                       'name': '%s-%04d' % (tier, index), 'ip': str(GUEST_BASE + index),
                       'mac': 'BC:24:11:%02X:%02X:%02X' % ((index >> 16) & 255, (index >> 8) & 255, index & 255)})
    return result


def _node_fixture(name, index):
    return {'node': name, 'ip': '192.0.2.%d' % (10 + index), 'status': 'online', 'maxcpu': 32, 'maxmem': 137438953472,
            'network': [{'iface': 'eno1', 'type': 'eth', 'method': 'manual', 'autostart': 1},
                        {'iface': 'vmbr0', 'type': 'bridge', 'bridge_ports': 'eno1', 'address': '192.0.2.%d' % (10 + index),
                         'netmask': '24', 'cidr': '192.0.2.%d/24' % (10 + index), 'gateway': '192.0.2.1', 'autostart': 1},
                        {'iface': 'vmbr1', 'type': 'bridge', 'bridge_ports': '', 'autostart': 1}]}


def _guest_fixture(guest):
    tags = 'bench;tier-%s' % guest['tier']
    if guest['type'] == 'vm':
        config = {'name': guest['name'], 'tags': tags, 'cores': '1', 'memory': '1024', 'ostype': 'l26',
                  'scsi0': 'local-lvm:vm-%d-disk-0,size=8G' % guest['vmid'],
                  'net0': 'virtio=%s,bridge=vmbr1,firewall=0' % guest['mac']}
        return {'vmid': guest['vmid'], 'type': 'qemu', 'node': guest['node'], 'status': 'running', 'config': config,
                'agent_ips': {'net0': ['%s/16' % guest['ip']]}}
    config = {'hostname': guest['name'], 'tags': tags, 'cores': '1', 'memory': '512', 'ostype': 'debian',
              'rootfs': 'local-lvm:subvol-%d-disk-0,size=4G' % guest['vmid'],
              'net0': 'name=eth0,bridge=vmbr1,firewall=0,hwaddr=%s,ip=%s/16,type=veth' % (guest['mac'], guest['ip'])}
    return {'vmid': guest['vmid'], 'type': 'lxc', 'node': guest['node'], 'status': 'running', 'config': config}


def pve_fixture(guests, nodes=None):
    """Emulator fixture: nodes and guests with their NICs, no firewall configuration (a fresh cluster)."""
    nodes = nodes or node_count(guests)
    names = ['pve%d' % (index + 1) for index in range(nodes)]
    return {'cluster_name': 'bench', 'nodes': [_node_fixture(name, index) for index, name in enumerate(names)],
            'storage': [{'storage': 'local-lvm', 'type': 'lvmthin', 'content': 'images,rootdir', 'shared': 0}],
            'guests': [_guest_fixture(guest) for guest in guest_list(guests, nodes)], 'fw_files': {}}


def _ipsets(members_by_tier, blocklist):
    sets = [{'name': 'management', 'comment': 'administrators', 'members': [{'cidr': cidr} for cidr in MANAGEMENT]},
            {'name': 'blocklist', 'comment': 'blocked networks', 'members': [{'cidr': cidr} for cidr in blocklist]}]
    for tier in TIERS:
        sets.append({'name': 'tier-%s' % tier, 'comment': 'guests of tier %s' % tier,
                     'members': [{'cidr': address} for address in members_by_tier[tier]]})
    return sets


def _guest_rules(guest):
    return [{'type': 'group', 'action': guest['tier'], 'iface': 'net0'},
            {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '9100', 'source': '+management',
             'comment': 'node exporter of %d' % guest['vmid']}]


def pve_policy(guests, nodes=None):
    """Variables of the bench playbooks: the declared policy in the modules' shapes."""
    nodes = nodes or node_count(guests)
    inventory = guest_list(guests, nodes)
    by_tier = dict((tier, []) for tier in TIERS)
    for guest in inventory:
        by_tier[guest['tier']].append(guest['ip'])
    blocklist = [str(ipaddress.ip_network('%s/24' % (BLOCK_BASE.network_address + 256 * index)))
                 for index in range(blocklist_size(guests))]
    groups = [{'name': tier, 'comment': 'tier %s' % tier, 'rules': copy.deepcopy(TIER_RULES[tier] + COMMON_GROUP_RULES)}
              for tier in TIERS]
    target = [dict(vmid=g['vmid'], node=g['node'], type=g['type']) for g in inventory]
    return {
        'bench_ipsets': _ipsets(by_tier, blocklist),
        'bench_groups': groups,
        'bench_cluster_rules': copy.deepcopy(CLUSTER_RULES),
        'bench_cluster_options': {'enable': True, 'policy_in': 'DROP', 'policy_out': 'ACCEPT'},
        'bench_guest_rules': [dict(t, config=_guest_rules(g)) for t, g in zip(target, inventory)],
        'bench_guest_options': [dict(t, config={'enable': True, 'policy_in': 'DROP', 'policy_out': 'ACCEPT'}) for t in target],
        'bench_guest_nics': [dict(t, nics=[{'name': 'net0', 'firewall': True}]) for t in target],
        'bench_tiers': list(TIERS),
    }


def baseline_vars(policy):
    """The same policy as a community.proxmox user writes it: rules carry their position, sets their cidrs."""
    def with_pos(rules):
        return [dict(rule, pos=index, enable=True) for index, rule in enumerate(rules)]
    return {
        'baseline_ipsets': [{'name': s['name'], 'comment': s['comment'], 'cidrs': s['members']} for s in policy['bench_ipsets']],
        'baseline_groups': [{'name': g['name'], 'comment': g['comment'], 'rules': with_pos(g['rules'])} for g in policy['bench_groups']],
        'baseline_cluster_rules': with_pos(policy['bench_cluster_rules']),
        'baseline_guest_rules': [{'vmid': g['vmid'], 'rules': with_pos(g['config'])} for g in policy['bench_guest_rules']],
    }


def collections_to_compare(guests, scope):
    """Object collections a no-change run must read at least once each: the read lower bound.

    Datacenter: the IP set list and each set, the group list and each group, the rule list, and
    (full scope) the options. Per guest: the rule list and (full scope) the options and the config
    that holds the NIC flags. Finding guests, version probes and logins are not counted.
    """
    sets = 2 + len(TIERS)
    cluster = (1 + sets) + (1 + len(TIERS)) + 1
    per_guest = 1
    if scope == 'full':
        cluster += 1
        per_guest += 2
    return cluster + per_guest * guests


# -- drift ---------------------------------------------------------------------------------------

def drift_count(total, share=DRIFT_SHARE):
    return max(1, int(math.ceil(total * share))) if total else 0


def _spread(items, count):
    """``count`` items evenly spread over ``items`` (deterministic)."""
    if count <= 0:
        return []
    step = len(items) / float(count)
    return [items[int(index * step)] for index in range(count)]


def _section_lines(text, header):
    """(start, end) line indexes of a .fw section body, header excluded."""
    lines = text.split('\n')
    start = None
    for index, line in enumerate(lines):
        if start is None and line.split('#', 1)[0].strip().lower() == header.lower():
            start = index + 1
        elif start is not None and line.startswith('['):
            return lines, start, index
    if start is None:
        raise ValueError('section %s not found' % header)
    return lines, start, len(lines)


def _set_option(text, key, value):
    lines, start, end = _section_lines(text, '[OPTIONS]')
    for index in range(start, end):
        if lines[index].split(':', 1)[0].strip() == key:
            lines[index] = '%s: %s' % (key, value)
            return '\n'.join(lines)
    lines.insert(start, '%s: %s' % (key, value))
    return '\n'.join(lines)


def _disable_rule(text, header, needle):
    """Turn the first rule line containing ``needle`` into a disabled one ('|' prefix, as PVE writes it)."""
    lines, start, end = _section_lines(text, header)
    for index in range(start, end):
        if needle in lines[index] and not lines[index].startswith('|'):
            lines[index] = '|' + lines[index]
            return '\n'.join(lines)
    raise ValueError('no rule with %r in %s' % (needle, header))


def _drop_member(text, header, member):
    lines, start, end = _section_lines(text, header)
    for index in range(start, end):
        if lines[index].split('#', 1)[0].strip() == member:
            del lines[index]
            return '\n'.join(lines)
    raise ValueError('no member %s in %s' % (member, header))


def apply_drift(state, policy, scope, share=DRIFT_SHARE):
    """Drift a converged state dump; returns (state, {kind: count}) with one repairing write per object.

    Kinds: guest options (policy_in flipped), guest rules (the exporter rule disabled), NIC flags
    (firewall=0), IP set members (removed), group rules (disabled). Only kinds inside ``scope``
    are drifted, so the expectation holds for both sides of a comparison.
    """
    state = copy.deepcopy(state)
    files = state['fw_files']
    guests = policy['bench_guest_rules']
    counts = {}
    chosen = _spread(guests, drift_count(len(guests), share))
    counts['guest_rules'] = len(chosen)
    for guest in chosen:
        path = 'firewall/%d.fw' % guest['vmid']
        files[path] = _disable_rule(files[path], '[RULES]', 'dport 9100')
    if scope == 'full':
        # Other guests than the ones whose rules drifted, so each drifted object is its own write.
        rest = [g for g in guests if g not in chosen]
        options = _spread(rest, drift_count(len(guests), share))
        counts['guest_options'] = len(options)
        for guest in options:
            path = 'firewall/%d.fw' % guest['vmid']
            files[path] = _set_option(files[path], 'policy_in', 'ACCEPT')
        nics = _spread([g for g in rest if g not in options], drift_count(len(guests), share))
        counts['guest_nics'] = len(nics)
        by_vmid = dict((g['vmid'], g) for g in state['guests'])
        for guest in nics:
            config = by_vmid[guest['vmid']]['config']
            config['net0'] = config['net0'].replace('firewall=1', 'firewall=0')
    members = [(s['name'], m['cidr']) for s in policy['bench_ipsets'] if s['name'] != 'management' for m in s['members']]
    dropped = _spread(members, drift_count(len(members), share))
    counts['ipset_members'] = len(dropped)
    cluster = files['firewall/cluster.fw']
    for name, cidr in dropped:
        cluster = _drop_member(cluster, '[IPSET %s]' % name, cidr)
    group_rules = [(g['name'], r) for g in policy['bench_groups'] for r in g['rules']]
    drifted_groups = _spread(group_rules, drift_count(len(group_rules), share))
    counts['group_rules'] = len(drifted_groups)
    for name, rule in drifted_groups:
        cluster = _disable_rule(cluster, '[group %s]' % name, _rule_needle(rule))
    files['firewall/cluster.fw'] = cluster
    return state, counts


def _rule_needle(rule):
    """A fragment of the rule's .fw line that identifies it within its group."""
    if rule.get('macro'):
        return '%s(ACCEPT)' % rule['macro'] if rule['action'] == 'ACCEPT' else rule['macro']
    if rule.get('dport'):
        return '-dport %s' % rule['dport']
    return '-dest %s' % rule['dest'] if rule.get('dest') else rule['action']


def fw_rule_lines(text, header):
    """Rule lines of a section (tests of the generator use it)."""
    lines, start, end = _section_lines(text, header)
    return [line for line in lines[start:end] if line.strip() and not re.match(r'^\s*#', line)]


# -- PAN-OS --------------------------------------------------------------------------------------

def panos_policy(rules):
    """Variables of the rulebase playbook: address objects, ``rules`` security rules, rules // 10 NAT rules."""
    objects = [{'name': 'srv-%04d' % index, 'ip_netmask': str(ipaddress.ip_address('10.0.2.10') + index),
                'description': 'server %d' % index} for index in range(max(10, rules // 2))]
    zones = (('trust', 'dmz'), ('trust', 'untrust'), ('dmz', 'untrust'), ('untrust', 'dmz'))
    security = []
    for index in range(rules):
        source, dest = zones[index % len(zones)]
        security.append({'name': 'rule-%04d' % index, 'from_zones': [source], 'to_zones': [dest],
                         'destination_addresses': [objects[index % len(objects)]['name']],
                         'applications': ['ssl', 'web-browsing'] if index % 3 else ['ssh'],
                         'description': 'generated rule %d' % index})
    nat = [{'name': 'nat-%04d' % index, 'from_zones': ['untrust'], 'to_zones': ['untrust'],
            'destination_addresses': ['203.0.113.%d' % (10 + index % 200)], 'service': 'service-https',
            'destination_translation': {'translated_address': objects[index % len(objects)]['ip_netmask']}}
           for index in range(max(1, rules // 10))]
    return {'bench_address_objects': objects, 'bench_security_rules': security, 'bench_nat_rules': nat}


def panos_drift(config_xml, policy, share=DRIFT_SHARE):
    """Change the description of a share of the security rules in a config; returns (xml, count)."""
    chosen = _spread(policy['bench_security_rules'], drift_count(len(policy['bench_security_rules']), share))
    for rule in chosen:
        pattern = re.compile(r'(<entry name="%s"[^>]*>.*?<description>)([^<]*)(</description>)' % re.escape(rule['name']), re.S)
        config_xml, found = pattern.subn(lambda m: m.group(1) + 'changed by hand' + m.group(3), config_xml, count=1)
        if not found:
            raise ValueError('rule %s not found in the configuration' % rule['name'])
    return config_xml, len(chosen)


def role_vars(guests):
    """Best-effort input of roles/microsegmented_host for the same lab (--use-role): tiers by tag, same flows."""
    blocklist = [str(ipaddress.ip_network('%s/24' % (BLOCK_BASE.network_address + 256 * index)))
                 for index in range(blocklist_size(guests))]
    return {
        'microsegmented_host_management_networks': list(MANAGEMENT),
        'microsegmented_host_ipsets': [{'name': 'blocklist', 'comment': 'blocked networks', 'members': blocklist}],
        'microsegmented_host_tiers': {
            'web': {'ingress': [{'from': 'any', 'service': 'web'}]},
            'app': {'ingress': [{'from': 'web', 'proto': 'tcp', 'dport': '8080'}]},
            'db': {'ingress': [{'from': 'app', 'service': 'postgres'}]},
            'mgmt': {'ingress': [{'from': 'management', 'service': 'ssh'}]},
        },
    }
