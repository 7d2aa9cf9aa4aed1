# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lint findings on small hand-written configurations."""

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.lint import counts, lint
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_macros import builtin_macros
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import FwState

VMDATA = {'qemu': {'100': {'net0': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1'},
                   '101': {'net0': 'virtio=BC:24:11:00:00:02,bridge=vmbr0,firewall=0'}},
          'lxc': {'200': {'net0': 'name=eth0,hwaddr=BC:24:11:00:00:04,bridge=vmbr0,firewall=1,ip=10.0.0.20/24'}}}
ON = '[OPTIONS]\nenable: 1\n\n'


def findings(cluster=ON, hosts=None, guests=None, vmdata=None):
    files = {'firewall/cluster.fw': cluster}
    for node, text in (hosts or {}).items():
        files['nodes/%s/host.fw' % node] = text
    for vmid, text in (guests or {}).items():
        files['firewall/%s.fw' % vmid] = text
    state = FwState.from_files(files)
    state.add_vmdata(VMDATA if vmdata is None else vmdata)
    names = sorted(hosts) if hosts else [None]
    return lint(dict((name, state.evaluator(name, macros=builtin_macros())) for name in names))


def guest(rules, options='enable: 1\n', extra=''):
    return '[OPTIONS]\n%s\n%s\n[RULES]\n%s' % (options, extra, rules)


def brief(items, kinds=None):
    return [(item['kind'], item['level'], item['position']) for item in items if kinds is None or item['kind'] in kinds]


COVERAGE = ('shadowed', 'redundant')


def test_shadowed_and_redundant_with_the_covering_rule_named():
    items = findings(ON + '[RULES]\nIN DROP -p tcp -dport 22\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22\n'
                          'IN DROP -p tcp -dport 22 -source 10.1.0.0/16\n')
    assert brief(items, COVERAGE) == [('shadowed', 'cluster', 1), ('redundant', 'cluster', 2)]
    shadowed = items[0]
    assert shadowed['rule'] == 'IN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22' and shadowed['severity'] == 'warning'
    assert shadowed['related']['position'] == 0 and shadowed['related']['rule'] == 'IN DROP -p tcp -dport 22'
    assert 'cluster rule 0 (IN DROP -p tcp -dport 22) matches every packet it would match first, and drops them' in shadowed['reason']


def test_partial_cover_is_not_reported():
    rules = ('[RULES]\nIN DROP -source 10.0.0.0/9 -p tcp -dport 22\nIN ACCEPT -source 10.0.0.0/8 -p tcp -dport 22\n'
             'IN DROP -p tcp -dport 30:31\nIN REJECT -p tcp -dport 31:33\nIN ACCEPT -p tcp -dport 40 -i vmbr0\n'
             'IN DROP -p tcp -dport 40\nIN ACCEPT -p udp -dport 50 -i vmbr1\nIN REJECT -p udp -dport 50\n')
    assert brief(findings(ON + rules), COVERAGE) == []


def test_redundant_because_a_later_rule_covers_it_unless_something_in_between_decides():
    later = ON + '[RULES]\nIN ACCEPT -p tcp -dport 80 -source 10.0.0.1\nIN DROP -p tcp -dport 81\nIN ACCEPT -p tcp -dport 80\n'
    items = findings(later)
    assert brief(items, COVERAGE) == [('redundant', 'cluster', 0)]
    assert 'later in the same chain' in items[0]['reason'] and items[0]['related']['position'] == 2
    blocked = ON + '[RULES]\nIN ACCEPT -p tcp -dport 80 -source 10.0.0.1\nIN DROP -source 10.0.0.0/24\nIN ACCEPT -p tcp -dport 80\n'
    assert brief(findings(blocked), COVERAGE) == []
    # of two identical rules only the second goes: removing both would change the policy
    twins = ON + '[RULES]\nIN ACCEPT -p tcp -dport 80\nIN ACCEPT -p tcp -dport 80\n'
    assert brief(findings(twins), COVERAGE) == [('redundant', 'cluster', 1)]


def test_macros_are_expanded_and_every_piece_must_be_covered():
    rules = ('[RULES]\nIN ACCEPT -p tcp -dport 22\nIN SSH(ACCEPT)\nIN ACCEPT -p udp -dport 53\nIN DNS(ACCEPT)\n'
             'IN ACCEPT -p icmp\nIN Ping(DROP)\n')
    items = findings(ON + rules)
    # SSH is covered by rule 0; "udp 53" is covered by the later DNS macro, whose tcp part nothing covers
    assert brief(items, COVERAGE) == [('redundant', 'cluster', 1), ('redundant', 'cluster', 2)]
    assert 'later in the same chain' in items[1]['reason']
    # Ping has an IPv6 variant (icmpv6) that "IN ACCEPT -p icmp" does not cover: not dead
    assert not any(item['position'] == 5 for item in items if item['kind'] in COVERAGE)
    v4 = findings(ON + '[RULES]\nIN ACCEPT -p icmp\nIN ACCEPT -p icmpv6\nIN Ping(DROP)\nIN DROP -p icmp -icmp-type echo-request\n')
    assert brief(v4, COVERAGE) == [('shadowed', 'cluster', 2), ('shadowed', 'cluster', 3)]


def test_ip_versions_and_ipset_nomatch():
    # an IPv4-only catch-all leaves the IPv6 half of rule 1 alive, and rule 2 is IPv6 only
    rules = ('[RULES]\nIN DROP -source 0.0.0.0/0\nIN ACCEPT -p tcp -dport 22\nIN ACCEPT -source 2001:db8::/32\n'
             'IN ACCEPT -source 10.0.0.0/8 -p tcp\n')
    items = findings(ON + rules)
    assert brief(items, COVERAGE) == [('shadowed', 'cluster', 3)]
    nomatch = ('[IPSET office]\n10.0.0.0/8\n!10.9.0.0/16\n\n[RULES]\nIN DROP -source +office\nIN ACCEPT -source 10.9.1.0/24\n'
               'IN ACCEPT -source 10.1.0.0/16\n')
    assert brief(findings(ON + nomatch), COVERAGE) == [('shadowed', 'cluster', 2)]


def test_host_rules_come_first_and_a_cluster_rule_must_be_dead_on_every_node():
    hosts = {'pve1': '[RULES]\nIN DROP -p tcp -dport 8080\n', 'pve2': ''}
    items = findings(ON + '[RULES]\nIN ACCEPT -p tcp -dport 8080\n', hosts)
    assert brief(items, COVERAGE) == []
    both = {'pve1': '[RULES]\nIN DROP -p tcp -dport 8080\n', 'pve2': '[RULES]\nIN DROP -p tcp\n'}
    items = findings(ON + '[RULES]\nIN ACCEPT -p tcp -dport 8080\n', both)
    assert brief(items, COVERAGE) == [('shadowed', 'cluster', 0)]
    assert items[0]['related']['level'] == 'host' and items[0]['related']['node'] in ('pve1', 'pve2')


def test_security_groups_are_inlined_where_they_are_used():
    cluster = ON + '[group web]\nIN ACCEPT -p tcp -dport 443\nIN ACCEPT -p tcp -dport 80\n'
    items = findings(cluster, guests={100: guest('IN DROP -p tcp -dport 443\nGROUP web\n'), 200: guest('GROUP web\n')})
    assert brief(items, COVERAGE) == []  # dead in vm100, alive in ct200
    items = findings(cluster, guests={100: guest('IN DROP -p tcp -dport 443\nGROUP web\n')})
    assert brief(items, COVERAGE) == [('shadowed', 'group', 0)]
    assert items[0]['group'] == 'web' and 'which vm100 rule 1 uses' in items[0]['reason']
    unused = findings(ON + '[group spare]\nIN ACCEPT -p tcp\nIN ACCEPT -p tcp -dport 5\n')
    assert brief(unused, COVERAGE) == [('redundant', 'group', 1)]


def test_references_that_do_not_exist_and_invalid_rules():
    rules = ('[RULES]\nIN ACCEPT -source +nosuchset\nIN ACCEPT -source nosuchalias -p tcp -dport 1\nGROUP nosuchgroup\n'
             'IN ACCEPT -dport 80\nIN Nope(ACCEPT)\n')
    items = findings(ON + rules)
    assert brief(items, ('missing_reference', 'invalid')) == [
        ('missing_reference', 'cluster', 0), ('missing_reference', 'cluster', 1), ('missing_reference', 'cluster', 2),
        ('invalid', 'cluster', 3), ('invalid', 'cluster', 4)]
    reasons = [item['reason'] for item in items]
    assert "no such ipset 'nosuchset': Proxmox skips this rule" in reasons
    assert "security group 'nosuchgroup' does not exist: Proxmox skips this rule" in reasons
    assert all(item['severity'] == 'error' for item in items if item['kind'] in ('missing_reference', 'invalid'))


def test_allow_any_disabled_and_matches_nothing():
    rules = '[IPSET empty]\n\n[RULES]\nIN ACCEPT -i vmbr1\n|IN ACCEPT -p tcp -dport 22\nIN ACCEPT -source +empty -p tcp\nOUT ACCEPT\n'
    items = findings(ON + rules)
    assert brief(items, ('allow_any', 'disabled', 'matches_nothing')) == [
        ('allow_any', 'cluster', 0), ('disabled', 'cluster', 1), ('matches_nothing', 'cluster', 2), ('allow_any', 'cluster', 3)]
    assert items[0]['reason'] == 'accepts every incoming packet on vmbr1 (no source, destination, protocol or macro)'


def test_unfiltered_guests_and_unmatched_interfaces():
    guests = {100: guest('IN ACCEPT -p tcp -dport 22 -i net5\nIN ACCEPT -p tcp -dport 80\n'),
              101: guest('IN ACCEPT -p tcp -dport 22\n'),
              200: guest('IN ACCEPT -p tcp -dport 22\n', options='enable: 0\n')}
    items = findings(ON, guests=guests)
    assert [(item['kind'], item['vmid'], item.get('nic')) for item in items if item['kind'] in ('unfiltered_guest', 'unmatched_iface')] == [
        ('unmatched_iface', 100, None), ('unfiltered_guest', 101, 'net0'), ('unfiltered_guest', 200, 'net0')]
    assert 'vm101 net0 has firewall=0' in items[[i['vmid'] for i in items].index(101)]['reason']
    off = findings('[OPTIONS]\nenable: 0\n\n[RULES]\nIN DROP\n', guests={100: guest('IN ACCEPT\n')})
    kinds = counts(off)
    assert kinds['firewall_disabled'] == 1 and kinds['unfiltered_guest'] == 1
    no_nics = findings(ON, guests={300: guest('IN ACCEPT -p tcp\n')}, vmdata={'qemu': {'300': {}}})
    assert [item['kind'] for item in no_nics] == ['unfiltered_guest']


def test_clean_configuration_has_no_findings():
    cluster = ON + ('[IPSET admins]\n198.51.100.0/24\n\n[RULES]\nIN SSH(ACCEPT) -source +admins\n'
                    'IN ACCEPT -source +admins -p tcp -dport 8006\n\n[group web]\nIN HTTPS(ACCEPT)\nIN HTTP(ACCEPT)\n')
    assert findings(cluster, guests={100: guest('GROUP web\nIN DROP -p tcp -dport 25\n')}) == []
