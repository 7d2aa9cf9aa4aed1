# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_nat_rules end to end against the PAN-OS emulator."""

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS

NAT = VSYS + '/rulebase/nat/rules'
SNAT = dict(name='snat-outbound', from_zones=['trust', 'dmz'], to_zones=['untrust'],
            source_translation=dict(type='dynamic_ip_and_port', interface='ethernet1/1'))
DNAT = dict(name='dnat-web', from_zones=['untrust'], to_zones=['untrust'], destination_addresses=['203.0.113.10'],
            service='service-https', destination_translation=dict(translated_address='dmz-web', translated_port=8443))
STATIC = dict(name='static-mail', from_zones=['dmz'], to_zones=['untrust'], source_addresses=['10.0.2.25'],
              source_translation=dict(translated_address='203.0.113.25', bi_directional=True))


@pytest.fixture
def lab(panos_lab):
    panos_lab.run('panos_zones', config=[dict(name=z) for z in ('trust', 'untrust', 'dmz')])
    panos_lab.run('panos_address_objects', config=[dict(name='dmz-web', ip_netmask='10.0.2.10')])
    panos_lab.clear()
    return panos_lab


def entry(lab, name):
    return lab.node("devices/entry/vsys/entry/rulebase/nat/rules/entry[@name='%s']" % name)


def test_source_static_and_destination_nat(lab):
    first = lab.run('panos_nat_rules', config=[SNAT, DNAT, STATIC])
    assert not first.failed, first
    snat = entry(lab, 'snat-outbound')
    # The interface address type is written explicitly: the egress interface is never dropped.
    assert snat.findtext('source-translation/dynamic-ip-and-port/interface-address/interface') == 'ethernet1/1'
    assert snat.findtext('service') == 'any' and snat.findtext('nat-type') == 'ipv4'
    dnat = entry(lab, 'dnat-web')
    assert dnat.findtext('destination-translation/translated-address') == 'dmz-web'
    assert dnat.findtext('destination-translation/translated-port') == '8443'
    assert entry(lab, 'static-mail').findtext('source-translation/static-ip/bi-directional') == 'yes'
    assert first['after'][2]['source_translation'] == {'translated_address': '203.0.113.25', 'bi_directional': True, 'type': 'static_ip'}
    lab.clear()
    assert lab.run('panos_nat_rules', config=[SNAT, DNAT, STATIC])['changed'] is False
    assert lab.writes() == 0


def test_translation_changes_are_narrow(lab):
    lab.run('panos_nat_rules', config=[SNAT])
    lab.apply_as('admin', action='set', xpath=NAT + "/entry[@name='snat-outbound']/source-translation/dynamic-ip-and-port/interface-address",
                 element='<floating-ip>203.0.113.9</floating-ip>')
    with_ip = dict(interface='ethernet1/1', interface_ip='203.0.113.2/24')
    to_ip = lab.run('panos_nat_rules', config=[dict(name='snat-outbound', source_translation=with_ip)])
    assert to_ip['commands'] == [{'type': 'config', 'action': 'edit', 'element': '<ip>203.0.113.2/24</ip>',
                                  'xpath': NAT + "/entry[@name='snat-outbound']/source-translation/dynamic-ip-and-port/interface-address/ip"}]
    assert entry(lab, 'snat-outbound').findtext('source-translation/dynamic-ip-and-port/interface-address/floating-ip') == '203.0.113.9'
    to_pool = lab.run('panos_nat_rules', config=[dict(name='snat-outbound', source_translation=dict(translated_addresses=['203.0.113.20']))])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in to_pool['commands']) == [('delete', 'interface-address'),
                                                                                             ('edit', 'translated-address')]
    to_static = lab.run('panos_nat_rules', config=[dict(name='snat-outbound', source_translation=dict(translated_address='203.0.113.20'))])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in to_static['commands']) == [('delete', 'dynamic-ip-and-port'),
                                                                                               ('edit', 'static-ip')]
    cleared = lab.run('panos_nat_rules', state='replaced', config=[dict(name='snat-outbound', to_zones=['untrust'])])
    assert not cleared.failed, cleared
    assert ('delete', NAT + "/entry[@name='snat-outbound']/source-translation") in [(c['action'], c['xpath']) for c in cleared['commands']]


def test_order_gathered_round_trip_and_delete(lab):
    lab.run('panos_nat_rules', config=[SNAT, DNAT])
    lab.run('panos_nat_rules', location='top', config=[STATIC])
    gathered = lab.run('panos_nat_rules', state='gathered')['gathered']
    assert [r['name'] for r in gathered] == ['static-mail', 'snat-outbound', 'dnat-web']
    lab.clear()
    assert lab.run('panos_nat_rules', state='overridden', config=gathered)['changed'] is False
    assert lab.writes() == 0
    reordered = lab.run('panos_nat_rules', state='overridden', config=[gathered[1], gathered[2], gathered[0]])
    assert [c['action'] for c in reordered['commands']] == ['move']
    deleted = lab.run('panos_nat_rules', state='deleted', config=[dict(name='static-mail')])
    assert deleted['commands'] == [{'type': 'config', 'action': 'delete', 'xpath': NAT + "/entry[@name='static-mail']"}]


def test_rendered_parsed_round_trip(panos_lab):
    rendered = panos_lab.run('panos_nat_rules', state='rendered', host=None, config=[SNAT, DNAT])
    assert not rendered.failed, rendered
    parsed = panos_lab.run('panos_nat_rules', state='parsed', host=None,
                           running_config='<response><result>%s</result></response>' % rendered['rendered'])
    assert parsed['parsed'][0]['source_translation'] == {'type': 'dynamic_ip_and_port', 'interface': 'ethernet1/1'}
    assert parsed['parsed'][1]['destination_translation'] == {'translated_address': 'dmz-web', 'translated_port': 8443}
    assert panos_lab.total() == 0


@pytest.mark.parametrize('item, message', [
    (dict(SNAT, to_zones=['untrust', 'dmz']), "config[0].to_zones=['untrust', 'dmz']: a NAT rule has exactly one destination zone"),
    (dict(SNAT, source_translation=dict(type='dynamic_ip_and_port')), 'takes interface (the interface address) or translated_addresses'),
    (dict(SNAT, source_translation=dict(interface='eth1')), "config[0].source_translation.interface='eth1' is not an ethernet interface"),
    (dict(SNAT, to_interface='wan'), "config[0].to_interface='wan' is not an ethernet interface name"),
    (dict(SNAT, source_translation=dict(type='static_ip')), 'static_ip needs translated_address'),
    (dict(DNAT, destination_translation=dict(translated_address='web-srv')),
     "config[0].destination_translation.translated_address='web-srv' is not an address"),
    (dict(DNAT, service='tcp-443'), "config[0].service='tcp-443' is not a service"),
    (dict(SNAT, from_zones=['guest']), "config[0].from_zones[0]='guest' is not a zone"),
    (dict(name='new', source_translation=dict(interface='ethernet1/1')), 'config[0].to_zones is missing: NAT rule new needs its destination zone'),
])
def test_bad_input_fails_before_any_write(lab, item, message):
    result = lab.run('panos_nat_rules', config=[item])
    assert result.failed and message in result['msg'], result.get('msg')
    assert lab.writes() == 0
