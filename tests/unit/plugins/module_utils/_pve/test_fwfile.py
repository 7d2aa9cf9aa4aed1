# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing and rendering of PVE .fw files (grammar of API-FACTS section 11)."""

from __future__ import annotations

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import (
    FwParseError,
    parse_fw_file,
    parse_ip_or_cidr,
    parse_option_line,
    parse_rule_line,
    render_fw_file,
    render_rule,
)

CLUSTER = """\
# leading comment
[options]
policy_in: drop
enable: 1
ebtables: 0

[ALIASES]
web2 10.0.0.12 # second
Web1 10.0.0.11/32

[IPSET web] # web servers
10.0.0.12
!10.0.0.11 # not this one
dc/web1
10.0.0.0/24

[ipset BLACKLIST]
192.0.2.0/24

[RULES]
|IN SSH(ACCEPT) -i vmbr0 -source +web -log info # admin ssh
in accept -p tcp -dport 80
OUT DROP --dest 192.0.2.1 -p icmp -icmp-type echo-request
GROUP webtier -i vmbr0 # tier

[group webtier] # the web tier
IN ACCEPT -p tcp -dport 443
OUT REJECT -source web1

[group app]
"""

CLUSTER_WRITTEN = """\
[OPTIONS]

ebtables: 0
enable: 1
policy_in: DROP

[ALIASES]

Web1 10.0.0.11
web2 10.0.0.12 # second

[IPSET blacklist]

192.0.2.0/24

[IPSET web] # web servers

10.0.0.0/24
!10.0.0.11 # not this one
10.0.0.12
dc/web1

[RULES]

|IN SSH(ACCEPT) -i vmbr0 -source +web -log info # admin ssh
IN accept -p tcp -dport 80
OUT DROP -dest 192.0.2.1 -p icmp -icmp-type echo-request
GROUP webtier -i vmbr0 # tier

[group app]


[group webtier] # the web tier

IN ACCEPT -p tcp -dport 443
OUT REJECT -source web1

"""


def without_warnings(conf):
    return dict((key, value) for key, value in conf.items() if key != 'warnings')


def test_parse_cluster_file_sections():
    conf = parse_fw_file(CLUSTER, 'cluster')
    assert conf['warnings'] == []
    assert conf['options'] == {'policy_in': 'DROP', 'enable': 1, 'ebtables': 0}
    assert conf['aliases'] == {
        'web2': {'name': 'web2', 'cidr': '10.0.0.12', 'ipversion': 4, 'comment': 'second'},
        'web1': {'name': 'Web1', 'cidr': '10.0.0.11', 'ipversion': 4},
    }
    assert conf['ipset']['web'] == [
        {'cidr': '10.0.0.12'}, {'cidr': '10.0.0.11', 'nomatch': 1, 'comment': 'not this one'},
        {'cidr': 'dc/web1'}, {'cidr': '10.0.0.0/24'}]
    assert conf['ipset_comments'] == {'web': 'web servers'}
    assert 'blacklist' in conf['ipset']
    assert conf['rules'][0] == {'enable': 0, 'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'iface': 'vmbr0',
                                'source': '+web', 'log': 'info', 'comment': 'admin ssh'}
    assert conf['rules'][1] == {'enable': 1, 'type': 'in', 'action': 'accept', 'proto': 'tcp', 'dport': '80'}
    assert conf['rules'][2]['dest'] == '192.0.2.1' and conf['rules'][2]['icmp-type'] == 'echo-request'
    assert conf['rules'][3] == {'enable': 1, 'type': 'group', 'action': 'webtier', 'iface': 'vmbr0', 'comment': 'tier'}
    assert conf['groups'] == {
        'webtier': [{'enable': 1, 'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '443'},
                    {'enable': 1, 'type': 'out', 'action': 'REJECT', 'source': 'web1'}],
        'app': []}
    assert conf['group_comments'] == {'webtier': 'the web tier'}


def test_render_cluster_file_in_pve_written_form():
    assert render_fw_file(parse_fw_file(CLUSTER, 'cluster'), 'cluster') == CLUSTER_WRITTEN


def test_round_trip_is_stable():
    first = parse_fw_file(CLUSTER, 'cluster')
    second = parse_fw_file(render_fw_file(first, 'cluster'), 'cluster')
    assert second['warnings'] == []
    assert render_fw_file(second, 'cluster') == CLUSTER_WRITTEN
    assert first['rule_lines'] == [21, 22, 23, 24] and first['group_rule_lines'] == {'webtier': [27, 28], 'app': []}
    for key in ('options', 'aliases', 'rules', 'groups', 'group_comments', 'ipset_comments'):
        assert second[key] == first[key]
    assert sorted(e['cidr'] for e in second['ipset']['web']) == sorted(e['cidr'] for e in first['ipset']['web'])


def test_bad_lines_warn_and_are_skipped():
    text = """\
stray line before any section
[OPTIONS]
enable: 1 # a comment makes the line unreadable for PVE
policy_in: DROP
dafadfsdf: afda
[RULES]
IN ACCEPT -p tcp -dport 22
IN ACCEPT -log loud
GROUP g1 -p tcp
|
IN ACCEPT -p tcp -dport 80
[group bad!name]
IN ACCEPT
[group averyveryverylonggroupname]
IN ACCEPT
"""
    conf = parse_fw_file(text, 'cluster', filename='cluster.fw')
    assert conf['options'] == {'policy_in': 'DROP'}
    assert [rule.get('dport') for rule in conf['rules']] == ['22', '80']
    assert conf['groups'] == {}
    warnings = conf['warnings']
    assert warnings[0] == 'cluster.fw (line 1): skip line - no section'
    assert "cluster.fw (line 3): can't parse option 'enable: 1 # a comment makes the line unreadable for PVE'" in warnings
    assert "cluster.fw (line 5): can't parse option 'dafadfsdf: afda'" in warnings
    assert 'cluster.fw (line 8): unable to parse rule parameters: -log loud' in warnings
    assert 'cluster.fw (line 9): unable to parse rule parameters: -p tcp' in warnings
    assert any(w.startswith('cluster.fw (line 10): unable to parse rule') for w in warnings)
    assert "cluster.fw (line 12): invalid security group name 'bad!name'" in warnings
    assert 'cluster.fw (line 13): skip line - no section' in warnings
    assert 'cluster.fw (line 14): security group name too long' in warnings


def test_ipset_entry_errors_are_kept_with_errors():
    conf = parse_fw_file('[IPSET s1]\n10.0.0.0/0\nnot-an-ip!\n10.0.0.1\n10.0.0.1/32\n', 'vm')
    entries = conf['ipset']['s1']
    assert entries[0]['errors'] == {'cidr': 'a zero prefix is not allowed in ipset entries'}
    assert 'errors' in entries[1]
    assert entries[2] == {'cidr': '10.0.0.1'}
    assert entries[3]['cidr'] == '10.0.0.1' and 'duplicate' in entries[3]['errors']['cidr']
    assert len(conf['warnings']) == 3


def test_sections_not_allowed_in_host_file_are_read_as_content():
    conf = parse_fw_file('[RULES]\nIN ACCEPT -p tcp -dport 22\n[ALIASES]\nfoo 10.0.0.1\n', 'host')
    assert 'aliases' not in conf and 'ipset' not in conf
    assert conf['warnings'] == ['(line 3): unable to parse rule: [ALIASES]']
    # PVE reads the alias line as a rule (which later fails validation)
    assert conf['rules'][1] == {'enable': 1, 'type': 'foo', 'action': '10.0.0.1'}


@pytest.mark.parametrize('kind, line, expected', [
    ('cluster', 'policy_out: reject', ('policy_out', 'REJECT')),
    ('cluster', 'enable: 1700000000', ('enable', 1700000000)),
    ('cluster', 'log_ratelimit: enable=1,rate=10/second', ('log_ratelimit', 'enable=1,rate=10/second')),
    ('host', 'NOSMURFS: 0', ('nosmurfs', 0)),
    ('host', 'log_level_in:', ('log_level_in', '')),
    ('host', 'nf_conntrack_helpers: FTP,tftp', ('nf_conntrack_helpers', 'ftp,tftp')),
    ('host', 'nf_conntrack_max: 300000', ('nf_conntrack_max', 300000)),
    ('vm', 'ipfilter: 1', ('ipfilter', 1)),
    ('ct', 'policy_in: ACCEPT', ('policy_in', 'ACCEPT')),
    ('guest', 'ips_queues: 0:3', ('ips_queues', '0:3')),
    ('vnet', 'policy_forward: DROP', ('policy_forward', 'DROP')),
])
def test_option_lines(kind, line, expected):
    assert parse_option_line(line, kind) == expected


@pytest.mark.parametrize('kind, line', [
    ('cluster', 'policy_forward: maybe'),
    ('cluster', 'enable: yes'),
    ('cluster', 'nosmurfs: 1'),
    ('host', 'nf_conntrack_helpers: nosuch'),
    ('vm', 'policy_in: maybe'),
    ('vnet', 'policy_in: DROP'),
])
def test_option_lines_refused(kind, line):
    with pytest.raises(FwParseError):
        parse_option_line(line, kind)


def test_unknown_kind():
    with pytest.raises(ValueError):
        parse_fw_file('', 'datacenter')


def test_parse_rule_line_forms():
    assert parse_rule_line('|out Web(REJECT) --source 10.0.0.0/8 -dest dc/web1#x') == {
        'enable': 0, 'type': 'out', 'action': 'REJECT', 'macro': 'Web', 'source': '10.0.0.0/8', 'dest': 'dc/web1',
        'comment': 'x'}
    assert parse_rule_line('IN ACCEPT -proto udp --dport 53 -sport 1024:65535 -dport 54') == {
        'enable': 1, 'type': 'in', 'action': 'ACCEPT', 'proto': 'udp', 'sport': '1024:65535', 'dport': '54'}
    assert parse_rule_line('forward ACCEPT -i vmbr0') == {'enable': 1, 'type': 'forward', 'action': 'ACCEPT',
                                                          'iface': 'vmbr0'}
    # the macro form is only read for in/out/forward
    assert parse_rule_line('GROUP SSH(ACCEPT)')['action'] == 'SSH(ACCEPT)'


@pytest.mark.parametrize('line', ['IN', '| IN ACCEPT', 'IN ACCEPT -p  tcp', 'IN ACCEPT --i vmbr0', 'GROUP g1 -dport 22',
                                  'IN ACCEPT -log verbose'])
def test_parse_rule_line_refused(line):
    with pytest.raises(FwParseError):
        parse_rule_line(line)


def test_render_rule_option_order_and_perl_truthiness():
    rule = {'type': 'in', 'action': 'ACCEPT', 'comment': 'c', 'icmp-type': '0', 'log': 'nolog', 'sport': '0',
            'dport': '0', 'proto': 'icmp', 'dest': '10.0.0.1', 'source': '+s1', 'iface': 'vmbr0', 'enable': 1}
    assert render_rule(rule) == 'IN ACCEPT -i vmbr0 -source +s1 -dest 10.0.0.1 -p icmp -log nolog -icmp-type 0 # c'
    assert render_rule(rule, allow_iface=False).startswith('IN ACCEPT -source')
    assert render_rule({'type': 'group', 'action': 'g1', 'iface': 'net0', 'proto': 'tcp', 'enable': '0',
                        'comment': '   '}) == '|GROUP g1 -i net0'
    assert render_rule({'type': 'OUT', 'action': 'DROP', 'macro': 'DNS'}) == 'OUT DNS(DROP)'
    with pytest.raises(ValueError):
        render_rule({'type': 'sideways', 'action': 'ACCEPT'})


def test_render_rule_round_trips_through_parse():
    for line in ('IN SSH(ACCEPT) -i net0 -source 10.0.0.0/24 -log info # ssh',
                 '|OUT REJECT -dest +dc/web -p tcp -dport 80,443 -sport 1024:65535',
                 'GROUP webtier -i net1 # tier', 'IN ACCEPT -p icmp -icmp-type echo-request'):
        assert render_rule(parse_rule_line(line)) == line


def test_guest_and_vnet_files():
    guest = parse_fw_file('[OPTIONS]\nenable: 1\n[IPSET ipfilter-net0]\n10.0.0.5\n[RULES]\nIN ACCEPT -i net0\n', 'guest')
    assert guest['ipset'] == {'ipfilter-net0': [{'cidr': '10.0.0.5'}]} and 'groups' not in guest
    assert render_fw_file(guest, 'vm') == ('[OPTIONS]\n\nenable: 1\n\n[IPSET ipfilter-net0]\n\n10.0.0.5\n\n'
                                           '[RULES]\n\nIN ACCEPT -i net0\n\n')
    vnet = parse_fw_file('[OPTIONS]\nenable: 1\npolicy_forward: drop\n[RULES]\nFORWARD ACCEPT -p tcp\n', 'vnet')
    assert vnet['options'] == {'enable': 1, 'policy_forward': 'DROP'}
    assert render_fw_file(vnet, 'vnet') == '[OPTIONS]\n\nenable: 1\npolicy_forward: DROP\n\n[RULES]\n\nFORWARD ACCEPT -p tcp\n\n'
    assert render_fw_file(parse_fw_file('', 'host'), 'host') == ''


def test_parse_ip_or_cidr():
    assert parse_ip_or_cidr('10.0.0.5/32') == ('10.0.0.5', 4)
    assert parse_ip_or_cidr('10.0.0.5/24') == ('10.0.0.5/24', 4)
    assert parse_ip_or_cidr('2001:db8::1/128') == ('2001:db8::1', 6)
    for bad in ('10.0.0', 'web', '10.0.0.1/x', '010.0.0.1'):
        with pytest.raises(ValueError):
            parse_ip_or_cidr(bad)
