# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_security_rules end to end against the PAN-OS emulator."""

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS

RULES = VSYS + '/rulebase/security/rules'


def rule(name, **options):
    options.setdefault('from_zones', ['trust'])
    options.setdefault('to_zones', ['untrust'])
    return dict(name=name, **options)


@pytest.fixture
def lab(panos_lab):
    result = panos_lab.run('panos_zones', config=[dict(name=z) for z in ('trust', 'untrust', 'dmz')])
    assert not result.failed, result
    panos_lab.run('panos_address_objects', config=[dict(name='dmz-web', ip_netmask='10.0.2.10')])
    panos_lab.clear()
    return panos_lab


def order(lab):
    return [r['name'] for r in lab.run('panos_security_rules', state='gathered')['gathered']]


def entry(lab, name):
    return lab.node("devices/entry/vsys/entry/rulebase/security/rules/entry[@name='%s']" % name)


def test_merged_creates_in_order_with_defaults_then_is_idempotent(lab):
    config = [rule('a'), rule('b', action='deny'), rule('c', to_zones=['dmz'], destination_addresses=['dmz-web'])]
    first = lab.run('panos_security_rules', config=config)
    assert not first.failed, first
    assert [c['action'] for c in first['commands']] == ['set', 'set', 'set']
    assert first['commands'][0]['xpath'] == RULES + "/entry[@name='a']"
    assert order(lab) == ['a', 'b', 'c']
    a, b = entry(lab, 'a'), entry(lab, 'b')
    assert [m.text for m in a.findall('service/member')] == ['application-default']
    assert [m.text for m in b.findall('service/member')] == ['any']  # deny rules match every port
    assert a.findtext('action') == 'allow' and a.find('source-user/member').text == 'any'
    lab.clear()
    second = lab.run('panos_security_rules', config=config)
    assert second['changed'] is False and lab.writes() == 0


def test_check_mode_places_rules_that_do_not_exist_yet(lab):
    lab.run('panos_security_rules', config=[rule('a'), rule('z')])
    lab.clear()
    result = lab.run('panos_security_rules', check_mode=True, config=[rule('a'), rule('new'), rule('z')])
    assert result['changed'] is True
    assert [(c['action'], c.get('where'), c.get('dst')) for c in result['commands']] == [('set', None, None), ('move', 'after', 'a')]
    assert [r['name'] for r in result['after']] == ['a', 'new', 'z']
    assert lab.writes() == 0
    assert order(lab) == ['a', 'z']
    lab.run('panos_security_rules', config=[rule('a'), rule('new'), rule('z')])
    assert order(lab) == ['a', 'new', 'z']


def test_overridden_reaches_the_order_with_the_fewest_moves(lab):
    names = ['r%d' % i for i in range(8)]
    lab.run('panos_security_rules', state='overridden', config=[rule(n) for n in names])
    wanted = ['r0', 'r2', 'r3', 'r1', 'r4', 'r5', 'r7', 'r6', 'new']
    result = lab.run('panos_security_rules', state='overridden', config=[rule(n) for n in wanted])
    moves = [c for c in result['commands'] if c['action'] == 'move']
    assert len(moves) == 2  # r1 and r7 (or r6) move; the longest ordered run stays put
    assert order(lab) == wanted
    assert [r['name'] for r in result['after']] == wanted
    shrink = lab.run('panos_security_rules', state='overridden', config=[rule('new'), rule('r0')])
    assert sorted(c['action'] for c in shrink['commands']) == ['delete'] * 7 + ['move']
    assert order(lab) == ['new', 'r0']


def test_location_places_a_block_relative_to_an_existing_rule(lab):
    lab.run('panos_security_rules', config=[rule('a'), rule('deny-all', action='deny'), rule('z')])
    placed = lab.run('panos_security_rules', location='before', existing_rule='deny-all', config=[rule('x'), rule('y')])
    assert order(lab) == ['a', 'x', 'y', 'deny-all', 'z']
    assert [c['action'] for c in placed['commands']] == ['set', 'set', 'move', 'move']
    again = lab.run('panos_security_rules', location='before', existing_rule='deny-all', config=[rule('x'), rule('y')])
    assert again['changed'] is False
    top = lab.run('panos_security_rules', location='top', config=[rule('y'), rule('x')])
    assert order(lab) == ['y', 'x', 'a', 'deny-all', 'z'] and len(top['commands']) == 2
    missing = lab.run('panos_security_rules', location='after', existing_rule='nope', config=[rule('x')])
    assert missing.failed and "existing_rule='nope' does not exist in the rule rulebase" in missing['msg']
    listed = lab.run('panos_security_rules', location='after', existing_rule='x', config=[rule('x')])
    assert listed.failed and 'is one of the rules in config' in listed['msg']


def test_merged_without_location_keeps_unlisted_rules_in_place(lab):
    lab.run('panos_security_rules', config=[rule('a'), rule('b'), rule('c'), rule('d')])
    result = lab.run('panos_security_rules', config=[rule('d'), rule('b')])
    assert [c['xpath'].split("'")[-2] for c in result['commands']] == ['b']  # only a listed rule moves
    assert order(lab) == ['a', 'c', 'd', 'b']


def test_unmodelled_settings_survive_and_uuid_is_kept(lab):
    lab.run('panos_security_rules', config=[rule('a', profile_group='strict')])
    uuid = entry(lab, 'a').get('uuid')
    lab.apply_as('admin', action='set', xpath=RULES + "/entry[@name='a']",
                 element='<schedule>business-hours</schedule><qos><marking><ip-dscp>af11</ip-dscp></marking></qos>')
    result = lab.run('panos_security_rules', state='replaced', config=[rule('a', description='web', applications=['ssl'])])
    assert result['changed'] is True
    assert all(c['xpath'].startswith(RULES + "/entry[@name='a']/") for c in result['commands'])
    node = entry(lab, 'a')
    assert node.findtext('schedule') == 'business-hours' and node.findtext('qos/marking/ip-dscp') == 'af11'
    assert node.get('uuid') == uuid
    assert node.find('profile-setting/group') is None  # replaced: the group was not listed
    lab.apply_as('admin', action='set', xpath=RULES + "/entry[@name='a']/profile-setting",
                 element='<profiles><virus><member>default</member></virus></profiles>')
    lab.run('panos_security_rules', state='replaced', config=[rule('a', description='web', applications=['ssl'])])
    assert entry(lab, 'a').findtext('profile-setting/profiles/virus/member') == 'default'
    lab.run('panos_security_rules', config=[rule('a', profile_group='strict')])
    assert entry(lab, 'a').find('profile-setting/profiles') is None  # a group replaces individual profiles


def test_gathered_overridden_round_trip(lab):
    lab.run('panos_security_rules', config=[
        rule('a', source_addresses=['10.0.1.0/24'], log_start=True, log_end=False, tags=['t'], negate_destination=True),
        rule('b', action='drop', disabled=True, rule_type='interzone', source_users=['any'], categories=['any']),
    ])
    gathered = lab.run('panos_security_rules', state='gathered')['gathered']
    assert gathered[0]['log_end'] is False and gathered[1]['disabled'] is True
    lab.clear()
    again = lab.run('panos_security_rules', state='overridden', config=gathered)
    assert again['changed'] is False, again['commands']
    assert lab.writes() == 0


def test_deleted(lab):
    lab.run('panos_security_rules', config=[rule('a'), rule('b')])
    result = lab.run('panos_security_rules', state='deleted', config=[dict(name='a'), dict(name='gone')])
    assert result['commands'] == [{'type': 'config', 'action': 'delete', 'xpath': RULES + "/entry[@name='a']"}]
    assert order(lab) == ['b']


def test_rendered_and_parsed_are_offline(panos_lab):
    config = [rule('a', destination_addresses=['10.0.2.10'], description='x & y'), rule('b', action='deny')]
    rendered = panos_lab.run('panos_security_rules', state='rendered', config=config, host=None)
    assert not rendered.failed, rendered
    assert rendered['rendered'].startswith('<rules><entry name="a"><from><member>trust</member></from>')
    assert 'x &amp; y' in rendered['rendered']
    parsed = panos_lab.run('panos_security_rules', state='parsed', running_config=rendered['rendered'], host=None)
    assert parsed['parsed'][0]['description'] == 'x & y'
    assert parsed['parsed'][1]['services'] == ['any']
    assert panos_lab.total() == 0


def test_a_large_rulebase_costs_the_same_reads_as_a_small_one(lab):
    def reads_of_a_rerun(count):
        config = [rule('rule-%03d' % i, destination_addresses=['10.1.%d.%d' % (i // 250, i % 250)]) for i in range(count)]
        created = lab.run('panos_security_rules', state='overridden', config=config)
        assert not created.failed, created
        lab.clear()
        again = lab.run('panos_security_rules', state='overridden', config=config)
        assert again['changed'] is False
        assert lab.writes() == 0
        return lab.total()
    small = reads_of_a_rerun(5)
    large = reads_of_a_rerun(200)
    assert small == large == 2  # keygen and the rulebase: unchanged rules need no reference lookup


@pytest.mark.parametrize('config, message', [
    ([rule('r' * 64)], "config[0].name='%s' is 64 characters long: PAN-OS allows at most 63 for a rule name" % ('r' * 64)),
    ([rule('bad|name')], "config[0].name='bad|name' is not a valid rule name"),
    ([rule('a'), rule('a')], "config[1].name='a' is listed twice (also config[0].name)"),
    ([rule('a', from_zones=['nowhere'])], "config[0].from_zones[0]='nowhere' is not a zone defined in this task or on the device"),
    ([rule('a', destination_addresses=['web-srv'])], "config[0].destination_addresses[0]='web-srv' is not an address"),
    ([rule('a', services=['tcp-81'])], "config[0].services[0]='tcp-81' is not a service or service group"),
    ([rule('a', source_addresses=['any', '10.0.0.1'])], "config[0].source_addresses mixes 'any' with other values"),
])
def test_bad_input_fails_before_any_write(lab, config, message):
    result = lab.run('panos_security_rules', config=config)
    assert result.failed and message in result['msg'], result.get('msg')
    assert lab.writes() == 0


def test_keywords_and_literals_need_no_objects(lab):
    result = lab.run('panos_security_rules', config=[
        rule('a', source_addresses=['10.0.0.0/8', '192.0.2.1-192.0.2.9', 'DE'], destination_addresses=['panw-highrisk-ip-list'],
             services=['service-http', 'service-https'])])
    assert not result.failed, result
