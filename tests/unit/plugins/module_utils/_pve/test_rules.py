# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PVE rule normalization, identity, payloads and validation.

The macro list is read from ``<repo>/../shared/reference/pve/macros.json`` (``ZONEWARDEN_REFERENCE``
replaces the reference root); missing data fails the tests.
"""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._plan.ordered import (
    ACCEPT, DENY, MIXED, UPDATE, apply_ops, plan_overridden,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import rules
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.rules import (
    compare_attributes, from_api, normalize, put_payload, rule_effect, rule_key, rule_model, to_api, validate_rule,
)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.realpath(__file__)))))))


def reference_root():
    return os.environ.get('ZONEWARDEN_REFERENCE') or os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'reference')


@pytest.fixture(scope='module')
def macros():
    path = os.path.join(reference_root(), 'pve', 'macros.json')
    if not os.path.exists(path):
        raise AssertionError('macros.json not found at %s (set ZONEWARDEN_REFERENCE)' % path)
    with open(path) as handle:
        names = sorted(json.load(handle)['macros'])
    assert len(names) > 50
    return names


def plain_int(value):
    """PVE wants 0/1: a Python bool would be sent as 'True'."""
    return isinstance(value, int) and not isinstance(value, bool)


def base(**fields):
    rule = {'type': 'in', 'action': 'ACCEPT'}
    rule.update(fields)
    return rule


# ------------------------------------------------------------------------------------------
# Identity
# ------------------------------------------------------------------------------------------

SAME_IDENTITY = [
    ('macro case', base(macro='ssh'), base(macro='SSH')),
    ('proto number', base(proto='6', dport='22'), base(proto='tcp', dport='22')),
    ('proto upper case', base(proto='UDP', dport='53'), base(proto='udp', dport='53')),
    ('icmpv6 spellings', base(proto='icmpv6'), base(proto='ipv6-icmp')),
    ('icmpv6 number', base(proto='58'), base(proto='ipv6-icmp')),
    ('gre number', base(proto='47'), base(proto='gre')),
    ('unknown proto case', base(proto='L2TP'), base(proto='l2tp')),
    ('port order', base(proto='tcp', dport='22,80'), base(proto='tcp', dport='80,22')),
    ('service name', base(proto='tcp', dport='ssh,https'), base(proto='tcp', dport='443,22')),
    ('service name case', base(proto='udp', sport='Domain'), base(proto='udp', sport='53')),
    ('adjacent ranges', base(proto='tcp', dport='80:85,86'), base(proto='tcp', dport='80:86')),
    ('overlapping ranges', base(proto='tcp', dport='80:90,85:95'), base(proto='tcp', dport='80:95')),
    ('single-port range', base(proto='tcp', dport='8080:8080'), base(proto='tcp', dport='8080')),
    ('duplicate ports', base(proto='tcp', dport='22,22,ssh'), base(proto='tcp', dport='22')),
    ('port spaces', base(proto='tcp', dport=' 22 , 80 '), base(proto='tcp', dport='22,80')),
    ('host /32', base(source='10.0.0.5/32'), base(source='10.0.0.5')),
    ('host /128', base(source='2001:db8::5/128'), base(source='2001:db8::5')),
    ('ipv6 spelling', base(dest='2001:0DB8:0000::1'), base(dest='2001:db8::1')),
    ('ipv6 network', base(dest='2001:0DB8::/64'), base(dest='2001:db8::/64')),
    ('host bits masked', base(source='10.0.0.5/24'), base(source='10.0.0.0/24')),
    ('address list order', base(source='10.0.0.1,10.0.1.0/24'), base(source='10.0.1.0/24,10.0.0.1')),
    ('address list duplicates', base(source='10.0.0.1,10.0.0.1/32'), base(source='10.0.0.1')),
    ('range spelling', base(source='10.0.0.1 - 10.0.0.9'), base(source='10.0.0.1-10.0.0.9')),
    ('ipset scope at cluster', base(source='+web'), base(source='+dc/web')),
    ('ipset name case', base(source='+WebServers'), base(source='+webservers')),
    ('alias scope at cluster', base(dest='mgmt'), base(dest='dc/mgmt')),
    ('alias name case', base(dest='dc/MGMT'), base(dest='dc/mgmt')),
    ('action case', base(action='accept'), base(action='ACCEPT')),
    ('type case', base(type='IN'), base(type='in')),
    ('group name case', {'type': 'group', 'action': 'WebTier'}, {'type': 'group', 'action': 'webtier'}),
    ('group ignores dropped fields', {'type': 'group', 'action': 'web', 'proto': 'tcp'}, {'type': 'group', 'action': 'web'}),
    ('icmp type case', base(proto='icmp', icmp_type='Echo-Request'), base(proto='icmp', icmp_type='echo-request')),
    ('icmp-type api name', base(proto='icmp', **{'icmp-type': 'echo-request'}), base(proto='icmp', icmp_type='echo-request')),
    ('neighbour spelling', base(proto='icmpv6', icmp_type='neighbour-solicitation'), base(proto='ipv6-icmp', icmp_type='neighbor-solicitation')),
    ('empty strings', base(source='', comment=' '), base()),
    ('attributes are not identity', base(comment='a', enable=0, log='info'), base(comment='b', enable=1)),
]


@pytest.mark.parametrize('left, right', [case[1:] for case in SAME_IDENTITY], ids=[case[0] for case in SAME_IDENTITY])
def test_same_identity(left, right):
    assert rule_key(left, level='cluster') == rule_key(right, level='cluster')


DIFFERENT_IDENTITY = [
    ('action', base(action='ACCEPT'), base(action='DROP')),
    ('drop vs reject', base(action='DROP'), base(action='REJECT')),
    ('type', base(type='in'), base(type='out')),
    ('port', base(proto='tcp', dport='22'), base(proto='tcp', dport='23')),
    ('dport vs sport', base(proto='tcp', dport='22'), base(proto='tcp', sport='22')),
    ('proto', base(proto='tcp'), base(proto='udp')),
    ('network', base(source='10.0.0.0/24'), base(source='10.0.0.0/25')),
    ('macro', base(macro='SSH'), base(macro='HTTP')),
    ('iface', base(iface='vmbr0'), base(iface='vmbr1')),
    ('ipset vs alias', base(source='+web'), base(source='web')),
    ('guest ipset', base(source='+guest/web'), base(source='+dc/web')),
    ('icmp type', base(proto='icmp', icmp_type='echo-request'), base(proto='icmp', icmp_type='echo-reply')),
    ('group name', {'type': 'group', 'action': 'web'}, {'type': 'group', 'action': 'db'}),
]


@pytest.mark.parametrize('left, right', [case[1:] for case in DIFFERENT_IDENTITY], ids=[case[0] for case in DIFFERENT_IDENTITY])
def test_different_identity(left, right):
    assert rule_key(left, level='cluster') != rule_key(right, level='cluster')


def test_unscoped_references_stay_distinct_at_guest_level():
    assert rule_key(base(source='+web'), level='vm') != rule_key(base(source='+dc/web'), level='vm')
    assert rule_key(base(source='mgmt'), level='ct') != rule_key(base(source='dc/mgmt'), level='ct')
    assert rule_key(base(source='+web'), level='host') == rule_key(base(source='+dc/web'), level='host')


def test_identity_tuple_follows_identity_fields():
    key = rule_key(base(macro='SSH', proto='6', source='10.0.0.5/32', iface='vmbr0'), level='cluster')
    assert dict(zip(rules.IDENTITY_FIELDS, key)) == {
        'type': 'in', 'action': 'ACCEPT', 'macro': 'ssh', 'proto': 'tcp', 'source': '10.0.0.5', 'dest': None,
        'sport': None, 'dport': None, 'iface': 'vmbr0', 'icmp_type': None}


def test_macro_gets_canonical_spelling_from_the_macro_list(macros):
    assert normalize(base(macro='ssh'), macros)['macro'] == 'SSH'
    assert normalize(base(macro='bittorrent32'), macros)['macro'] == 'BitTorrent32'
    assert normalize(base(macro='ssh'))['macro'] == 'ssh'
    assert to_api(base(macro='dhcpfwd'), macros)['macro'] == 'DHCPfwd'


def test_unreadable_values_compare_as_text_instead_of_failing():
    # Rules read back from PVE with 'errors' must still get an identity.
    assert normalize(base(proto='tcp', dport='bogus port'))['dport'] == 'bogus port'
    assert normalize(base(source='10.0.0.999'))['source'] == '10.0.0.999'


# ------------------------------------------------------------------------------------------
# Attributes and payloads
# ------------------------------------------------------------------------------------------

class TestAttributes:

    def test_defaults(self):
        norm = normalize(base())
        assert (norm['enable'], norm['log'], norm['comment']) == (True, 'nolog', None)

    def test_comment_trimmed_and_blank_is_none(self):
        assert normalize(base(comment='  web  '))['comment'] == 'web'
        assert normalize(base(comment=' \t '))['comment'] is None

    @pytest.mark.parametrize('value, expected', [(0, False), (1, True), (2, True), ('0', False), ('1', True), (True, True),
                                                 (False, False), ('no', False), (None, True)])
    def test_enable_forms(self, value, expected):
        assert normalize(base(enable=value))['enable'] is expected

    def test_equal_attributes(self):
        assert compare_attributes(base(comment=' x', log='nolog', enable=1), base(comment='x', enable=True)) is None

    def test_enable_change_is_an_integer(self):
        changes, deletes = compare_attributes(base(enable=1), base(enable=False))
        assert changes == {'enable': 0} and plain_int(changes['enable']) and deletes == ()

    def test_cleared_comment_and_log_are_deleted(self):
        assert compare_attributes(base(comment='old', log='info'), base(comment='  ')) == ({}, ('log', 'comment'))

    def test_new_comment_and_log(self):
        assert compare_attributes(base(), base(comment='new', log='Warning')) == ({'log': 'warning', 'comment': 'new'}, ())

    def test_group_rule_ignores_log(self):
        assert compare_attributes({'type': 'group', 'action': 'web', 'log': 'info'}, {'type': 'group', 'action': 'web'}) is None


class TestPayloads:

    def test_to_api_always_sends_enable_as_integer(self):
        for value, expected in ((True, 1), (False, 0), (None, 1), (1, 1), (0, 0)):
            payload = to_api(base(enable=value))
            assert payload['enable'] == expected and plain_int(payload['enable'])

    def test_to_api_field_names_and_cleanup(self):
        payload = to_api(base(action='drop', type='IN', proto='ICMP', icmp_type='echo-request', log='nolog', comment=' ', dest=None))
        assert payload == {'type': 'in', 'action': 'DROP', 'proto': 'icmp', 'icmp-type': 'echo-request', 'enable': 1}

    def test_to_api_keeps_group_name_lower_case(self):
        assert to_api({'type': 'group', 'action': 'WebTier'})['action'] == 'webtier'

    def test_from_api(self):
        raw = {'pos': 3, 'digest': 'abc', 'ipversion': 4, 'type': 'in', 'action': 'ACCEPT', 'icmp-type': 'echo-request',
               'proto': 'icmp', 'enable': 0, 'log': 'nolog'}
        assert from_api(raw) == {'type': 'in', 'action': 'ACCEPT', 'icmp_type': 'echo-request', 'proto': 'icmp',
                                 'enable': False, 'log': 'nolog'}

    def test_round_trip_keeps_identity(self):
        rule = base(proto='tcp', dport='22', icmp_type=None, comment='ssh', enable=False)
        assert rule_key(from_api(to_api(rule))) == rule_key(rule)
        assert compare_attributes(from_api(to_api(rule)), rule) is None

    def test_put_payload(self):
        payload = put_payload({'enable': True, 'log': 'info'}, ('comment',))
        assert payload == {'enable': 1, 'log': 'info', 'delete': 'comment'} and plain_int(payload['enable'])
        assert put_payload({}, ()) == {}


@pytest.mark.parametrize('rule, effect', [
    (base(), ACCEPT), (base(action='DROP'), DENY), (base(action='reject'), DENY), (base(enable=0), None),
    ({'type': 'group', 'action': 'web'}, MIXED), ({'type': 'group', 'action': 'web', 'enable': 0}, None)])
def test_rule_effect(rule, effect):
    assert rule_effect(rule) == effect


class TestModel:
    """The engine over API-shaped rules: equivalent spellings are not drift."""

    def test_equivalent_spellings_need_no_call(self, macros):
        model = rule_model(macros, 'cluster')
        have = [{'pos': 0, 'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'source': '+management', 'enable': 1},
                {'pos': 1, 'type': 'in', 'action': 'ACCEPT', 'proto': '6', 'dport': '443,80', 'dest': '10.0.0.5/32', 'enable': 1},
                {'pos': 2, 'type': 'in', 'action': 'DROP', 'log': 'nolog', 'enable': 1}]
        want = [to_api(base(macro='ssh', source='+dc/management'), macros),
                to_api(base(proto='tcp', dport='http,https', dest='10.0.0.5')),
                to_api(base(action='drop'))]
        assert plan_overridden(have, want, model) == []

    def test_comment_change_is_one_put_with_integer_flags(self):
        model = rule_model(level='host')
        have = [{'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '22', 'enable': 1, 'comment': 'old'}]
        want = [to_api(base(proto='tcp', dport='22', enable=False))]
        ops = plan_overridden(have, want, model)
        assert [op.kind for op in ops] == [UPDATE]
        assert put_payload(ops[0].changes, ops[0].deletes) == {'enable': 0, 'delete': 'comment'}
        assert compare_attributes(apply_ops(have, ops)[0], want[0]) is None

    def test_new_drop_below_accept_is_created_disabled(self):
        model = rule_model(level='cluster')
        have = [to_api(base(proto='tcp', dport='22'))]
        want = have + [to_api(base(action='DROP'))]
        ops = plan_overridden(have, want, model)
        assert ops[0].item['enable'] == 0
        assert [rule_key(r) for r in apply_ops(have, ops)] == [rule_key(r) for r in want]
        assert [normalize(r)['enable'] for r in apply_ops(have, ops)] == [True, True]

    def test_directions_are_scopes(self):
        model = rule_model(level='cluster')
        assert model.scope(to_api(base(type='out'))) == 'out'
        assert model.scope(to_api({'type': 'group', 'action': 'web'})) is None


# ------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------

VALID = [
    ('cluster', base(macro='SSH', source='+management')),
    ('cluster', base(type='forward', action='DROP', proto='tcp', dport='22')),
    ('cluster', base(proto='tcp', dport='80:90,443', sport='1024:65535', iface='vmbr0')),
    ('cluster', base(proto='icmp', icmp_type='echo-request', source='10.0.0.0/8')),
    ('cluster', base(proto='ipv6-icmp', icmp_type='neighbor-solicitation', dest='fe80::/10')),
    ('cluster', base(proto='icmp', dport='echo-request')),
    ('cluster', base(proto='icmp', dport='8')),
    ('cluster', base(proto='1')),
    ('cluster', {'type': 'group', 'action': 'web', 'log': 'nolog'}),
    ('cluster', base(source='10.0.0.1-10.0.0.20', dest='dc/mgmt')),
    ('cluster', {'type': 'group', 'action': 'webtier', 'enable': True, 'comment': 'tier'}),
    ('host', base(type='out', action='REJECT', iface='eth0.100', log='info')),
    ('vm', base(iface='net0', source='+guest/allowed', proto='udp', dport='53')),
    ('ct', {'type': 'group', 'action': 'db', 'iface': 'net1'}),
    ('group', base(type='forward', action='ACCEPT', proto='tcp', dport='5432')),
    ('vnet', base(type='forward', action='DROP', source='+sdn/vnet1-all')),
    ('vnet', {'type': 'group', 'action': 'web'}),
    ('cluster', base(proto='tcp', dport=','.join(str(p) for p in range(1, 16)))),
    ('cluster', base(enable=0, comment='disabled on purpose')),
]


@pytest.mark.parametrize('level, rule', VALID)
def test_valid_rules(level, rule):
    assert validate_rule(rule, level) is None


INVALID = [
    # (level, rule, field named, value named, reason fragment)
    ('cluster', {'action': 'ACCEPT'}, 'type', None, 'Missing'),
    ('cluster', {'type': 'in'}, 'action', None, 'Missing'),
    ('cluster', base(type='sideways'), 'type', 'sideways', 'can be of type'),
    ('vm', base(type='forward'), 'type', 'forward', 'vm level'),
    ('ct', base(type='forward'), 'type', 'forward', 'ct level'),
    ('group', {'type': 'group', 'action': 'web'}, 'type', 'group', 'group level'),
    ('vnet', base(type='in'), 'type', 'in', 'vnet level'),
    ('cluster', base(type='forward', action='REJECT'), 'action', 'REJECT', 'forward chain'),
    ('cluster', base(action='ALLOW'), 'action', 'ALLOW', 'ACCEPT, DROP or REJECT'),
    ('cluster', {'type': 'group', 'action': '1web'}, 'action', '1web', 'security group name'),
    ('cluster', {'type': 'group', 'action': 'a' * 19}, 'action', 'a' * 19, 'security group name'),
    ('cluster', {'type': 'group', 'action': 'web', 'dport': '22'}, 'dport', '22', 'only action, iface'),
    ('vm', base(iface='eth0'), 'iface', 'eth0', 'net0'),
    ('group', base(iface='vmbr0'), 'iface', 'vmbr0', 'cannot name an interface'),
    ('vnet', base(type='forward', iface='vmbr0'), 'iface', 'vmbr0', 'cannot name an interface'),
    ('host', base(iface='bad iface!'), 'iface', 'bad iface!', 'interface name'),
    ('cluster', base(dport='22'), 'dport', '22', 'need proto'),
    ('cluster', base(sport='22'), 'sport', '22', 'need proto'),
    ('cluster', base(proto='gre', dport='22'), 'dport', '22', 'does not support ports'),
    ('cluster', base(proto='tcp', dport='70000'), 'dport', '70000', 'out of range'),
    ('cluster', base(proto='tcp', dport='90:80'), 'dport', '90:80', 'backwards'),
    ('cluster', base(proto='tcp', dport='22,,80'), 'dport', '22,,80', 'empty entry'),
    ('cluster', base(proto='tcp', dport='1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16'), 'dport', '1:2', 'at most 15'),
    ('cluster', base(proto='tcp', dport='22/tcp'), 'dport', '22/tcp', 'neither a port'),
    ('cluster', base(icmp_type='echo-request'), 'icmp_type', 'echo-request', 'needs proto icmp'),
    ('cluster', base(proto='tcp', icmp_type='echo-request'), 'icmp_type', 'echo-request', 'needs proto icmp'),
    ('cluster', base(proto='icmp', icmp_type='echo-request', dport='8'), 'icmp_type', 'echo-request', 'cannot be combined'),
    ('cluster', base(proto='icmp', icmp_type='neighbor-solicitation'), 'icmp_type', 'neighbor-solicitation', "protocol 'icmp'"),
    ('cluster', base(proto='icmp', dport='bogus'), 'dport', 'bogus', 'not an ICMP type'),
    ('cluster', base(proto='icmp', dport='echo-request,8'), 'dport', 'echo-request,8', 'cannot be mixed'),
    ('cluster', base(proto='1', icmp_type='echo-request'), 'icmp_type', 'echo-request', 'by name'),
    ('cluster', {'type': 'group', 'action': 'web', 'log': 'info'}, 'log', 'info', 'only action, iface'),
    ('cluster', base(proto='300'), 'proto', '300', '0 to 255'),
    ('cluster', base(source='10.0.0.0/8,2001:db8::/32'), 'source', '10.0.0.0/8,2001:db8::/32', 'cannot be mixed'),
    ('cluster', base(source='10.0.0.0/8', dest='2001:db8::1'), 'dest', '2001:db8::1', 'IPv4 and IPv6'),
    ('cluster', base(proto='icmp', dest='2001:db8::1'), 'dest', '2001:db8::1', 'IPv4 and IPv6'),
    ('cluster', base(proto='ipv6-icmp', source='10.0.0.1'), 'source', '10.0.0.1', 'IPv4 and IPv6'),
    ('cluster', base(source='10.0.0.5/24'), 'source', '10.0.0.5/24', "write '10.0.0.0/24'"),
    ('cluster', base(source='10.0.0.1-10.0.0.5,10.0.1.1'), 'source', '10.0.0.1-10.0.0.5,10.0.1.1', 'range cannot be part'),
    ('cluster', base(source='10.0.0.9-10.0.0.1'), 'source', '10.0.0.9-10.0.0.1', 'backwards'),
    ('cluster', base(source='10.0.0.300'), 'source', '10.0.0.300', 'not an IP address'),
    ('cluster', base(source='+bad name'), 'source', '+bad name', 'IP set reference'),
    ('cluster', base(source='+guest/web'), 'source', '+guest/web', 'guest rules'),
    ('cluster', base(dest='10.0.0.1,'), 'dest', '10.0.0.1,', 'empty entry'),
    ('cluster', base(log='loud'), 'log', 'loud', 'expected one of'),
    ('cluster', base(enable='maybe'), 'enable', 'maybe', 'boolean'),
    ('cluster', base(enable=-1), 'enable', '-1', 'boolean'),
    ('cluster', base(comment='two\nlines'), 'comment', 'two', 'one line'),
    ('cluster', base(colour='red'), 'colour', 'red', 'not a rule field'),
    ('cluster', base(macro='bad macro!'), 'macro', 'bad macro!', 'not a macro name'),
]


@pytest.mark.parametrize('level, rule, field, value, reason', INVALID)
def test_invalid_rules_name_field_and_value(level, rule, field, value, reason):
    message = validate_rule(rule, level)
    assert message is not None
    assert "'%s'" % field in message
    if value is not None:
        assert value in message
    assert reason in message
    assert message.startswith(('Invalid value', 'Missing required')) and message.endswith('.')


def test_unknown_macro_with_macro_list(macros):
    assert validate_rule(base(macro='ssh'), 'cluster', macros) is None
    message = validate_rule(base(macro='Telnetish'), 'cluster', macros)
    assert "'macro'" in message and 'Telnetish' in message and 'unknown macro' in message


def test_unknown_level():
    assert 'orbit' in validate_rule(base(), 'orbit')


def test_rule_error_is_a_validation_error():
    from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
    with pytest.raises(ValidationError):
        rules.normalize_ports('99999', 'dport')
