# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rule lists at every level: create, move, edit, delete, digests and per-level validation
(API-FACTS sections 3 and 4)."""

import hashlib

import pytest

CLUSTER = '/cluster/firewall/rules'
LEVELS = {
    'cluster': '/cluster/firewall/rules',
    'host': '/nodes/pve1/firewall/rules',
    'vm': '/nodes/pve1/qemu/100/firewall/rules',
    'ct': '/nodes/pve1/lxc/200/firewall/rules',
    'group': '/cluster/firewall/groups/grp',
    'vnet': '/cluster/sdn/vnets/vnet10/firewall/rules',
}
MODIFIED = 'detected modified configuration - file changed by other user? Try again.'


@pytest.fixture
def lab(pve):
    pve.data('POST', '/cluster/firewall/groups', {'group': 'grp'})
    return pve


def post(pve, path, **fields):
    fields.setdefault('enable', '1')
    pve.data('POST', path, fields)


def comments(pve, path):
    return [rule.get('comment') for rule in pve.rules(path)]


def filled(pve, path, count):
    """A list whose comments read r0..r(count-1) from position 0."""
    for index in reversed(range(count)):
        post(pve, path, type='out' if path == LEVELS['group'] else 'group', action='ACCEPT' if path == LEVELS['group']
             else 'grp', comment='r%d' % index)
    assert comments(pve, path) == ['r%d' % index for index in range(count)]


def param_error(pve, method, path, data=None):
    status, reason, body = pve.error(method, path, data=data)
    assert (status, reason) == (400, 'Parameter verification failed.'), body
    return body['errors']


def plain_error(pve, method, path, data=None):
    status, reason, body = pve.error(method, path, data=data)
    assert status == 500, body
    assert body['message'] == reason + '\n'
    return reason


# -- create ------------------------------------------------------------------------------------

@pytest.mark.parametrize('level', sorted(LEVELS))
def test_post_prepends_and_ignores_pos(lab, level):
    path = LEVELS[level]
    kind = 'forward' if level == 'vnet' else 'in'
    post(lab, path, type=kind, action='ACCEPT', comment='first')
    post(lab, path, type=kind, action='DROP', comment='second', pos='1')
    post(lab, path, type=kind, action='DROP', comment='second', pos='5')
    assert comments(lab, path) == ['second', 'second', 'first']
    assert [rule['pos'] for rule in lab.rules(path)] == [0, 1, 2]


def test_omitted_enable_creates_a_disabled_rule(pve):
    pve.data('POST', CLUSTER, {'type': 'in', 'action': 'ACCEPT'})
    assert pve.rules(CLUSTER)[0]['enable'] == 0
    assert pve.fw_files()['firewall/cluster.fw'].split('[RULES]\n\n')[1].startswith('|IN ACCEPT')


def test_enable_above_one_reads_back_as_one(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', enable='5')
    assert pve.rules(CLUSTER)[0]['enable'] == 1


def test_post_does_not_check_the_digest(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', digest='0' * 40)
    assert len(pve.rules(CLUSTER)) == 1


def test_get_single_rule_and_out_of_range(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='tcp', dport='22', comment='ssh')
    rule = pve.data('GET', CLUSTER + '/0')
    assert rule['pos'] == 0 and rule['dport'] == '22'
    assert rule['digest'] == pve.rules(CLUSTER)[0]['digest']
    for method in ('GET', 'PUT', 'DELETE'):
        assert plain_error(pve, method, CLUSTER + '/1') == 'no rule at position 1'


# -- move --------------------------------------------------------------------------------------

@pytest.mark.parametrize('pos, moveto, expected', [
    (3, 1, ['r0', 'r3', 'r1', 'r2', 'r4']),    # up: lands at moveto
    (1, 3, ['r0', 'r2', 'r1', 'r3', 'r4']),    # down: lands at moveto - 1
    (1, 4, ['r0', 'r2', 'r3', 'r1', 'r4']),    # down to moveto - 1 = 3
    (1, 5, ['r0', 'r2', 'r3', 'r4', 'r1']),    # moveto >= n: appended
    (0, 99, ['r1', 'r2', 'r3', 'r4', 'r0']),
    (4, 0, ['r4', 'r0', 'r1', 'r2', 'r3']),
])
def test_moveto_semantics(lab, pos, moveto, expected):
    filled(lab, CLUSTER, 5)
    lab.data('PUT', '%s/%d' % (CLUSTER, pos), {'moveto': str(moveto)})
    assert comments(lab, CLUSTER) == expected


def test_moveto_ignores_other_parameters(lab):
    filled(lab, CLUSTER, 3)
    lab.data('PUT', CLUSTER + '/2', {'moveto': '0', 'comment': 'edited', 'enable': '0'})
    rules = lab.rules(CLUSTER)
    assert [rule['comment'] for rule in rules] == ['r2', 'r0', 'r1']
    assert rules[0]['enable'] == 1


def test_moveto_equal_to_pos_is_an_edit(lab):
    filled(lab, CLUSTER, 3)
    lab.data('PUT', CLUSTER + '/1', {'moveto': '1', 'comment': 'edited'})
    assert comments(lab, CLUSTER) == ['r0', 'edited', 'r2']


@pytest.mark.parametrize('level', ['host', 'vm', 'group', 'vnet'])
def test_moveto_at_other_levels(lab, level):
    filled(lab, LEVELS[level], 3)
    lab.data('PUT', LEVELS[level] + '/0', {'moveto': '3'})
    assert comments(lab, LEVELS[level]) == ['r1', 'r2', 'r0']


# -- edit --------------------------------------------------------------------------------------

def test_put_merges_given_fields_only(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='tcp', dport='22', source='10.0.0.0/8', comment='ssh')
    pve.data('PUT', CLUSTER + '/0', {'dport': '2222'})
    rule = pve.rules(CLUSTER)[0]
    assert (rule['proto'], rule['dport'], rule['source'], rule['comment'], rule['enable']) == (
        'tcp', '2222', '10.0.0.0/8', 'ssh', 1)


def test_delete_and_empty_values_clear_fields(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='tcp', dport='22', source='10.0.0.0/8', dest='10.1.0.0/16',
         comment='ssh', log='info')
    pve.data('PUT', CLUSTER + '/0', {'delete': 'dport,log', 'source': '', 'comment': '-'})
    rule = pve.rules(CLUSTER)[0]
    assert 'dport' not in rule and 'log' not in rule and 'source' not in rule and 'comment' not in rule
    assert rule['dest'] == '10.1.0.0/16'


def test_delete_errors(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT')
    assert param_error(pve, 'PUT', CLUSTER + '/0', {'delete': 'speed'}) == {'delete': "no such property ('speed')"}
    assert param_error(pve, 'PUT', CLUSTER + '/0', {'delete': 'type'}) == {
        'delete': "unable to delete required property 'type'"}
    assert param_error(pve, 'PUT', CLUSTER + '/0', {'delete': 'action'}) == {
        'delete': "unable to delete required property 'action'"}


def test_edit_is_revalidated_for_the_level(pve):
    post(pve, LEVELS['vm'], type='in', action='ACCEPT', iface='net0')
    assert param_error(pve, 'PUT', LEVELS['vm'] + '/0', {'type': 'forward'}) == {
        'type': "invalid rule type 'forward' for rule_env 'vm'"}


def test_put_check_order_digest_then_position(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT')
    assert plain_error(pve, 'PUT', CLUSTER + '/5', {'digest': 'f' * 40}) == MODIFIED
    assert plain_error(pve, 'PUT', CLUSTER + '/5', {}) == 'no rule at position 5'


# -- delete ------------------------------------------------------------------------------------

def test_delete_shifts_later_rules_up(lab):
    filled(lab, CLUSTER, 4)
    lab.data('DELETE', CLUSTER + '/1')
    assert comments(lab, CLUSTER) == ['r0', 'r2', 'r3']


# -- digests -----------------------------------------------------------------------------------

def expected_digest(rules):
    sha = hashlib.sha1()
    for rule in rules:
        for key in sorted(rule):
            if key not in ('pos', 'digest', 'errors'):
                sha.update(('%s:%s\n' % (key, rule[key])).encode('utf-8'))
    return sha.hexdigest()


def test_list_digest_is_sha1_over_sorted_pairs(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='tcp', dport='443', comment='caf\u00e9')
    post(pve, CLUSTER, type='out', action='DROP', dest='2001:db8::/64')
    rules = pve.rules(CLUSTER)
    assert len({rule['digest'] for rule in rules}) == 1
    assert rules[0]['digest'] == expected_digest(rules)
    assert len(rules[0]['digest']) == 40


def test_digest_changes_with_any_entry(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT')
    before = pve.rules(CLUSTER)[0]['digest']
    post(pve, CLUSTER, type='in', action='DROP')
    assert pve.rules(CLUSTER)[1]['digest'] != before


@pytest.mark.parametrize('method, data', [('PUT', {'comment': 'x'}), ('PUT', {'moveto': '1'}), ('DELETE', None)])
def test_stale_digest_is_refused_on_put_and_delete(pve, method, data):
    post(pve, CLUSTER, type='in', action='ACCEPT')
    stale = pve.rules(CLUSTER)[0]['digest']
    post(pve, CLUSTER, type='in', action='DROP')
    payload = dict(data or {}, digest=stale)
    answer = pve.raw(method, CLUSTER + '/0', data=payload if method == 'PUT' else None,
                     params=payload if method == 'DELETE' else None)
    assert (answer.status_code, answer.reason) == (500, MODIFIED)
    fresh = pve.rules(CLUSTER)[0]['digest']
    payload['digest'] = fresh
    answer = pve.raw(method, CLUSTER + '/0', data=payload if method == 'PUT' else None,
                     params=payload if method == 'DELETE' else None)
    assert answer.status_code == 200


# -- per-level validation ----------------------------------------------------------------------

@pytest.mark.parametrize('level, fields, errors', [
    ('vm', {'type': 'forward', 'action': 'ACCEPT'}, {'type': "invalid rule type 'forward' for rule_env 'vm'"}),
    ('ct', {'type': 'forward', 'action': 'ACCEPT'}, {'type': "invalid rule type 'forward' for rule_env 'ct'"}),
    ('group', {'type': 'group', 'action': 'grp'}, {'type': "invalid rule type 'group' for rule_env 'group'"}),
    ('vnet', {'type': 'in', 'action': 'ACCEPT'}, {'type': "invalid rule type 'in' for rule_env 'vnet'"}),
    ('vm', {'type': 'in', 'action': 'ACCEPT', 'iface': 'eth0'}, {'iface': "value does not match the regex pattern 'net\\d+'"}),
    ('group', {'type': 'in', 'action': 'ACCEPT', 'iface': 'net0'}, {'type': 'parameter -i not allowed for this rule type'}),
    ('vnet', {'type': 'forward', 'action': 'ACCEPT', 'iface': 'net0'},
     {'type': 'parameter -i not allowed for this rule type'}),
    ('cluster', {'type': 'forward', 'action': 'REJECT'}, {'action': 'cannot define REJECT rules on forward chain'}),
    ('vnet', {'type': 'forward', 'action': 'REJECT'}, {'action': 'cannot define REJECT rules on forward chain'}),
    ('host', {'type': 'in', 'action': 'accept'}, {'action': "unknown action 'accept'"}),
    ('cluster', {'type': 'group', 'action': 'web_1-x'}, None),
    ('host', {'type': 'in', 'action': 'ACCEPT', 'iface': 'vmbr0.10'}, None),
    ('cluster', {'type': 'forward', 'action': 'DROP'}, None),
    ('vnet', {'type': 'group', 'action': 'grp'}, None),
])
def test_rule_types_and_iface_per_level(lab, level, fields, errors):
    answer = lab.raw('POST', LEVELS[level], data=fields)
    if errors is None:
        assert answer.status_code == 200, answer.text
    else:
        assert (answer.status_code, answer.json()['errors']) == (400, errors)


@pytest.mark.parametrize('fields, errors', [
    ({'macro': 'NoSuchMacro'}, {'macro': "unknown macro 'NoSuchMacro'"}),
    ({'dport': '22'}, {'proto': "missing property - 'dport' requires this property"}),
    ({'sport': '22'}, {'proto': "missing property - 'sport' requires this property"}),
    ({'proto': 'icmp', 'sport': '22'}, {'sport': "protocol 'icmp' does not support ports"}),
    ({'proto': 'gre', 'dport': '22'}, {'dport': "protocol 'gre' does not support ports"}),
    ({'icmp-type': 'echo-request'}, {'proto': "missing property - 'icmp-type' requires this property"}),
    ({'proto': 'icmp', 'icmp-type': 'neighbor-solicitation'},
     {'icmp-type': "invalid icmp-type 'neighbor-solicitation' for proto 'icmp'"}),
    ({'proto': 'icmpv6', 'icmp-type': 'source-quench'}, {'icmp-type': "invalid icmp-type 'source-quench' for proto 'icmpv6'"}),
    ({'proto': 'icmp', 'dport': 'echo-request', 'icmp-type': 'echo-reply'},
     {'icmp-type': "'icmp-type' cannot be specified together with 'dport'"}),
    ({'source': 'missing_alias'}, {'source': "no such alias 'missing_alias'"}),
    ({'dest': '+missing'}, {'dest': "no such ipset 'missing'"}),
    ({'source': '+bad!name'}, {'source': "invalid ipset name '+bad!name'"}),
    ({'source': '10.0.0.1', 'dest': '2001:db8::1'}, {'dest': 'detected mixed ipv4/ipv6 addresses in rule'}),
    ({'proto': 'icmp', 'dest': '2001:db8::1'}, {'dest': 'detected mixed ipv4/ipv6 addresses in rule'}),
    ({'macro': 'HTTP', 'proto': 'udp'}, {'proto': "parameter 'proto' already define in macro (value = 'tcp')"}),
    ({'macro': 'SSH', 'dport': '2222', 'proto': 'tcp'}, {'dport': "parameter 'dport' already define in macro (value = '22')"}),
])
def test_validation_messages(pve, fields, errors):
    data = dict({'type': 'in', 'action': 'ACCEPT'}, **fields)
    assert param_error(pve, 'POST', CLUSTER, data) == errors


def test_mixed_versions_through_an_alias_is_a_plain_error(pve):
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'v6host', 'cidr': '2001:db8::5'})
    assert plain_error(pve, 'POST', CLUSTER, {'type': 'in', 'action': 'ACCEPT', 'source': '10.0.0.1',
                                              'dest': 'v6host'}) == 'detected mixed ipv4/ipv6 addresses in rule'


def test_group_references_are_not_checked(pve):
    post(pve, CLUSTER, type='group', action='nosuchgroup')
    assert pve.rules(CLUSTER)[0]['action'] == 'nosuchgroup'


# -- read-back normalisation -------------------------------------------------------------------

def test_macro_is_stored_in_canonical_spelling(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', macro='ssh')
    post(pve, CLUSTER, type='in', action='ACCEPT', macro='https')
    assert [rule['macro'] for rule in pve.rules(CLUSTER)] == ['HTTPS', 'SSH']
    assert 'IN SSH(ACCEPT)' in pve.fw_files()['firewall/cluster.fw']


def test_comments_are_trimmed_and_blank_ones_dropped(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', comment='  padded  ')
    post(pve, CLUSTER, type='in', action='ACCEPT', comment='   ')
    post(pve, CLUSTER, type='in', action='ACCEPT', comment='0')
    rules = pve.rules(CLUSTER)
    assert 'comment' not in rules[0] and 'comment' not in rules[1]
    assert rules[2]['comment'] == 'padded'


def test_comment_with_a_newline_becomes_a_second_line(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', comment='first\nOUT DROP')
    rules = pve.rules(CLUSTER)
    assert [(rule['type'], rule['action'], rule.get('comment')) for rule in rules] == [
        ('in', 'ACCEPT', 'first'), ('out', 'DROP', None)]


def test_group_rules_keep_only_action_iface_enable_comment(pve):
    pve.data('POST', '/cluster/firewall/groups', {'group': 'web'})
    post(pve, LEVELS['host'], type='group', action='web', iface='vmbr0', proto='tcp', dport='80', source='10.0.0.0/8',
         comment='assign')
    rule = pve.rules(LEVELS['host'])[0]
    assert {key: value for key, value in rule.items() if key not in ('pos', 'digest')} == {
        'type': 'group', 'action': 'web', 'iface': 'vmbr0', 'enable': 1, 'comment': 'assign'}


def test_log_nolog_is_kept(pve):
    post(pve, CLUSTER, type='in', action='ACCEPT', log='nolog')
    assert pve.rules(CLUSTER)[0]['log'] == 'nolog'


def test_ipversion_is_computed(pve):
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'v6net', 'cidr': '2001:db8::/64'})
    post(pve, CLUSTER, type='in', action='ACCEPT', source='10.0.0.0/8')
    post(pve, CLUSTER, type='in', action='ACCEPT', dest='v6net')
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='icmp')
    post(pve, CLUSTER, type='in', action='ACCEPT', proto='tcp')
    assert [rule.get('ipversion') for rule in pve.rules(CLUSTER)] == [None, 4, 6, 4]


def test_rules_whose_ipset_disappears_carry_errors(pve):
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'web'})
    post(pve, LEVELS['vm'], type='in', action='ACCEPT', source='+web')
    digest_before = pve.rules(LEVELS['vm'])[0]['digest']
    assert 'errors' not in pve.rules(LEVELS['vm'])[0]
    pve.data('DELETE', '/cluster/firewall/ipset/web')
    rule = pve.rules(LEVELS['vm'])[0]
    assert rule['errors'] == {'source': "no such ipset 'web'"}
    assert rule['digest'] == digest_before


def test_rule_dropped_by_the_parser_disappears(pve):
    pve.data('POST', '/cluster/firewall/aliases', {'name': 'flip', 'cidr': '10.9.9.9'})
    post(pve, CLUSTER, type='in', action='ACCEPT', source='10.0.0.1', dest='flip', comment='doomed')
    post(pve, CLUSTER, type='in', action='DROP', comment='stays')
    pve.data('PUT', '/cluster/firewall/aliases/flip', {'cidr': '2001:db8::9'})
    assert comments(pve, CLUSTER) == ['stays']
