# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_zones end to end against the PAN-OS emulator."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS

ZONES = [dict(name='untrust', interfaces=['ethernet1/1']), dict(name='dmz', interfaces=['ethernet1/3'])]


def zone_members(lab, name):
    node = lab.node("devices/entry/vsys/entry/zone/entry[@name='%s']/network/layer3" % name)
    return None if node is None else [m.text for m in node.findall('member')]


def test_merged_creates_then_is_idempotent(panos_lab):
    first = panos_lab.run('panos_zones', config=ZONES)
    assert not first.failed, first
    assert first['changed'] is True
    assert first['before'] == []
    assert [z['name'] for z in first['after']] == ['untrust', 'dmz']
    assert [c['action'] for c in first['commands']] == ['set', 'set']
    assert first['commands'][0]['xpath'] == VSYS + "/zone/entry[@name='untrust']"
    assert zone_members(panos_lab, 'dmz') == ['ethernet1/3']
    assert panos_lab.counts().get('config.multi-config') == 1
    panos_lab.clear()
    second = panos_lab.run('panos_zones', config=ZONES)
    assert second['changed'] is False and second['commands'] == []
    assert panos_lab.writes() == 0


def test_check_mode_plans_everything_and_writes_nothing(panos_lab):
    result = panos_lab.run('panos_zones', check_mode=True, diff=True, config=ZONES)
    assert result['changed'] is True
    assert len(result['commands']) == 2
    assert result['diff']['after'][1] == {'name': 'dmz', 'mode': 'layer3', 'interfaces': ['ethernet1/3']}
    assert panos_lab.writes() == 0
    assert panos_lab.node('devices/entry/vsys/entry/zone/entry') is None


def test_merged_adds_a_member_with_a_set_at_the_member_list(panos_lab):
    panos_lab.run('panos_zones', config=ZONES)
    result = panos_lab.run('panos_zones', config=[dict(name='dmz', interfaces=['ethernet1/3', 'ethernet1/4'])])
    assert result['commands'] == [{'type': 'config', 'action': 'set', 'element': '<member>ethernet1/4</member>',
                                   'xpath': VSYS + "/zone/entry[@name='dmz']/network/layer3"}]
    shrink = panos_lab.run('panos_zones', config=[dict(name='dmz', interfaces=['ethernet1/4'])])
    assert shrink['commands'][0]['action'] == 'edit'
    assert zone_members(panos_lab, 'dmz') == ['ethernet1/4']


def test_an_interface_moves_out_of_an_unlisted_zone(panos_lab):
    panos_lab.run('panos_zones', config=ZONES)
    result = panos_lab.run('panos_zones', config=[dict(name='dmz', interfaces=['ethernet1/3', 'ethernet1/1'])])
    deletes = [c for c in result['commands'] if c['action'] == 'delete']
    assert deletes == [{'type': 'config', 'action': 'delete',
                        'xpath': VSYS + "/zone/entry[@name='untrust']/network/layer3/member[text()='ethernet1/1']"}]
    assert zone_members(panos_lab, 'untrust') == []
    assert sorted(zone_members(panos_lab, 'dmz')) == ['ethernet1/1', 'ethernet1/3']


def test_settings_the_module_does_not_model_are_kept(panos_lab):
    panos_lab.run('panos_zones', config=ZONES)
    panos_lab.apply_as('admin', action='set', xpath=VSYS + "/zone/entry[@name='dmz']/network",
                       element='<zone-protection-profile>strict</zone-protection-profile><net-inspection>yes</net-inspection>')
    result = panos_lab.run('panos_zones', state='replaced', config=[dict(name='dmz', interfaces=['ethernet1/4'],
                                                                         zone_protection_profile='strict')])
    assert result['changed'] is True
    network = panos_lab.node("devices/entry/vsys/entry/zone/entry[@name='dmz']/network")
    assert network.findtext('net-inspection') == 'yes'
    assert network.findtext('zone-protection-profile') == 'strict'


def test_replaced_resets_unlisted_options_and_overridden_deletes_unlisted_zones(panos_lab):
    panos_lab.run('panos_zones', config=[dict(name='dmz', interfaces=['ethernet1/3'], enable_user_identification=True,
                                              log_setting='zone-logs'), dict(name='old')])
    replaced = panos_lab.run('panos_zones', state='replaced', config=[dict(name='dmz', interfaces=['ethernet1/3'])])
    assert sorted(c['xpath'].split('/')[-1] for c in replaced['commands']) == ['enable-user-identification', 'log-setting']
    assert set(c['action'] for c in replaced['commands']) == {'delete'}
    assert replaced['after'] == [{'name': 'dmz', 'mode': 'layer3', 'interfaces': ['ethernet1/3']}]
    overridden = panos_lab.run('panos_zones', state='overridden', config=[dict(name='dmz', interfaces=['ethernet1/3'])])
    assert overridden['commands'] == [{'type': 'config', 'action': 'delete', 'xpath': VSYS + "/zone/entry[@name='old']"}]
    assert [z['name'] for z in overridden['before']] == ['dmz', 'old']
    assert [z['name'] for z in overridden['after']] == ['dmz']


def test_gathered_fed_to_overridden_changes_nothing(panos_lab):
    panos_lab.run('panos_zones', config=ZONES + [dict(name='lab', mode='layer2', enable_user_identification=True)])
    gathered = panos_lab.run('panos_zones', state='gathered')
    assert [z['name'] for z in gathered['gathered']] == ['untrust', 'dmz', 'lab']
    panos_lab.clear()
    again = panos_lab.run('panos_zones', state='overridden', config=gathered['gathered'])
    assert again['changed'] is False, again['commands']
    assert panos_lab.writes() == 0


def test_deleted_removes_listed_zones_only(panos_lab):
    panos_lab.run('panos_zones', config=ZONES)
    result = panos_lab.run('panos_zones', state='deleted', config=[dict(name='dmz'), dict(name='never-there')])
    assert [c['xpath'] for c in result['commands']] == [VSYS + "/zone/entry[@name='dmz']"]
    assert result['after'] == []
    assert [z['name'] for z in panos_lab.run('panos_zones', state='gathered')['gathered']] == ['untrust']
    assert panos_lab.run('panos_zones', state='deleted', config=[dict(name='dmz')])['changed'] is False


def test_bad_names_and_interfaces_fail_before_any_write(panos_lab):
    cases = [
        (dict(name='x' * 32), "config[0].name='%s' is 32 characters long: PAN-OS allows at most 31" % ('x' * 32)),
        (dict(name='dmz/zone'), "config[0].name='dmz/zone' is not a valid zone name"),
        (dict(name='dmz', interfaces=['eth1']), "config[0].interfaces[0]='eth1' is not an interface name"),
    ]
    for item, message in cases:
        result = panos_lab.run('panos_zones', config=[item])
        assert result.failed and message in result['msg'], result
    twice = panos_lab.run('panos_zones', config=[dict(name='a', interfaces=['ethernet1/1']), dict(name='b', interfaces=['ethernet1/1'])])
    assert twice.failed and "'ethernet1/1' is also listed for zone 'a'" in twice['msg']
    dup = panos_lab.run('panos_zones', config=[dict(name='a'), dict(name='a')])
    assert dup.failed and "config[1].name='a' is listed twice" in dup['msg']
    assert panos_lab.writes() == 0


def test_deleting_a_zone_in_use_fails_cleanly(panos_lab):
    panos_lab.run('panos_zones', config=ZONES)
    panos_lab.run('panos_security_rules', config=[dict(name='r1', from_zones=['dmz'], to_zones=['untrust'])])
    result = panos_lab.run('panos_zones', state='deleted', config=[dict(name='dmz'), dict(name='untrust')])
    assert result.failed
    assert 'dmz cannot be deleted because of references' in result['msg']
    assert len(panos_lab.run('panos_zones', state='gathered')['gathered']) == 2
