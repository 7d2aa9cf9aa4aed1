# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_interfaces end to end against the PAN-OS emulator."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import DEVICE, VSYS

ETH = DEVICE + "/network/interface/ethernet/entry[@name='%s']"
PORTS = [
    dict(name='ethernet1/1', ipv4_addresses=['203.0.113.2/24'], management_profile='allow-ping', comment='uplink'),
    dict(name='ethernet1/2', dhcp=True, dhcp_default_route=False),
]


def layer3(lab, name):
    return lab.node("devices/entry/network/interface/ethernet/entry[@name='%s']/layer3" % name)


def imported(lab):
    node = lab.node('devices/entry/vsys/entry/import/network/interface')
    return [] if node is None else [m.text for m in node.findall('member')]


def test_merged_creates_imports_and_is_idempotent(panos_lab):
    first = panos_lab.run('panos_interfaces', diff=True, config=PORTS)
    assert not first.failed, first
    assert first['changed'] is True
    assert first['commands'][0] == {
        'type': 'config', 'action': 'set', 'xpath': ETH % 'ethernet1/1',
        'element': '<layer3><ip><entry name="203.0.113.2/24" /></ip><interface-management-profile>allow-ping'
                   '</interface-management-profile></layer3><comment>uplink</comment>'}
    assert first['commands'][-1]['xpath'] == VSYS + '/import/network/interface'
    assert imported(panos_lab) == ['ethernet1/1', 'ethernet1/2']
    assert layer3(panos_lab, 'ethernet1/2').findtext('dhcp-client/create-default-route') == 'no'
    panos_lab.clear()
    second = panos_lab.run('panos_interfaces', config=PORTS)
    assert second['changed'] is False and panos_lab.writes() == 0


def test_static_and_dhcp_replace_each_other_even_when_merged(panos_lab):
    panos_lab.run('panos_interfaces', config=PORTS)
    to_static = panos_lab.run('panos_interfaces', config=[dict(name='ethernet1/2', ipv4_addresses=['10.0.1.1/24'])])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in to_static['commands']) == [('delete', 'dhcp-client'), ('edit', 'ip')]
    node = layer3(panos_lab, 'ethernet1/2')
    assert node.find('dhcp-client') is None and node.find("ip/entry[@name='10.0.1.1/24']") is not None
    to_dhcp = panos_lab.run('panos_interfaces', config=[dict(name='ethernet1/2', dhcp=True)])
    assert layer3(panos_lab, 'ethernet1/2').find('ip') is None
    assert to_dhcp['after'][0]['dhcp'] is True


def test_address_changes_are_entry_level_writes(panos_lab):
    panos_lab.run('panos_interfaces', config=PORTS)
    result = panos_lab.run('panos_interfaces', config=[dict(name='ethernet1/1', ipv4_addresses=['203.0.113.3/24'])])
    assert result['commands'] == [
        {'type': 'config', 'action': 'set', 'xpath': ETH % 'ethernet1/1' + '/layer3/ip', 'element': '<entry name="203.0.113.3/24" />'},
        {'type': 'config', 'action': 'delete', 'xpath': ETH % 'ethernet1/1' + "/layer3/ip/entry[@name='203.0.113.2/24']"}]


def test_unmodelled_children_survive_replaced(panos_lab):
    panos_lab.run('panos_interfaces', config=PORTS)
    panos_lab.apply_as('admin', action='set', xpath=ETH % 'ethernet1/1' + '/layer3',
                       element='<ipv6><enabled>yes</enabled></ipv6><lldp><enable>yes</enable></lldp><adjust-tcp-mss><enable>yes</enable></adjust-tcp-mss>')
    result = panos_lab.run('panos_interfaces', state='replaced', config=[dict(name='ethernet1/1', ipv4_addresses=['203.0.113.2/24'])])
    assert sorted(c['xpath'].split('/')[-1] for c in result['commands']) == ['comment', 'interface-management-profile']
    node = layer3(panos_lab, 'ethernet1/1')
    assert node.findtext('ipv6/enabled') == 'yes' and node.findtext('lldp/enable') == 'yes'
    assert node.findtext('adjust-tcp-mss/enable') == 'yes'
    assert node.find('interface-management-profile') is None


def test_subinterfaces(panos_lab):
    result = panos_lab.run('panos_interfaces', config=[dict(name='ethernet1/2.20', ipv4_addresses=['10.0.20.1/24']),
                                                       dict(name='ethernet1/2', ipv4_addresses=['10.0.1.1/24'])])
    assert not result.failed, result
    unit = panos_lab.node("devices/entry/network/interface/ethernet/entry[@name='ethernet1/2']/layer3/units/entry[@name='ethernet1/2.20']")
    assert unit.findtext('tag') == '20'
    assert unit.find("ip/entry[@name='10.0.20.1/24']") is not None
    assert imported(panos_lab) == ['ethernet1/2', 'ethernet1/2.20']
    gathered = panos_lab.run('panos_interfaces', state='gathered')['gathered']
    assert [i['name'] for i in gathered] == ['ethernet1/2', 'ethernet1/2.20']
    # The parent's replaced state does not touch its subinterfaces.
    panos_lab.run('panos_interfaces', state='replaced', config=[dict(name='ethernet1/2', ipv4_addresses=['10.0.1.1/24'])])
    assert [i['name'] for i in panos_lab.run('panos_interfaces', state='gathered')['gathered']] == ['ethernet1/2', 'ethernet1/2.20']
    deleted = panos_lab.run('panos_interfaces', state='deleted', config=[dict(name='ethernet1/2')])
    assert [c['action'] for c in deleted['commands']] == ['delete', 'delete', 'delete']
    assert imported(panos_lab) == []
    assert panos_lab.node("devices/entry/network/interface/ethernet/entry[@name='ethernet1/2']") is None


def test_gathered_then_replaced_changes_nothing(panos_lab):
    panos_lab.run('panos_interfaces', config=PORTS + [dict(name='ethernet1/3', ipv4_addresses=['10.0.2.1/24'], mtu=9000, link_state='up')])
    gathered = panos_lab.run('panos_interfaces', state='gathered')['gathered']
    panos_lab.clear()
    again = panos_lab.run('panos_interfaces', state='replaced', config=gathered)
    assert again['changed'] is False, again['commands']
    assert panos_lab.writes() == 0


def test_zone_and_router_membership_are_not_touched(panos_lab):
    panos_lab.run('panos_interfaces', config=PORTS)
    panos_lab.run('panos_zones', config=[dict(name='untrust', interfaces=['ethernet1/1'])])
    result = panos_lab.run('panos_interfaces', state='replaced', config=[dict(name='ethernet1/1', dhcp=True)])
    assert all('/zone/' not in c['xpath'] and 'virtual-router' not in c['xpath'] for c in result['commands'])
    assert panos_lab.run('panos_zones', state='gathered')['gathered'][0]['interfaces'] == ['ethernet1/1']
    in_use = panos_lab.run('panos_interfaces', state='deleted', config=[dict(name='ethernet1/1')])
    assert in_use.failed and 'cannot be deleted because of references' in in_use['msg']
    assert imported(panos_lab) == ['ethernet1/1', 'ethernet1/2']


def test_bad_input_fails_before_any_write(panos_lab):
    cases = [
        (dict(name='eth1/1'), "config[0].name='eth1/1' is not an ethernet interface name"),
        (dict(name='ethernet1/1', ipv4_addresses=['10.0.0.1']), "config[0].ipv4_addresses[0]='10.0.0.1' is not in CIDR form"),
        (dict(name='ethernet1/1', ipv4_addresses=['10.0.0.300/24']), "'10.0.0.300/24' is not in CIDR form"),
        (dict(name='ethernet1/1', ipv4_addresses=['10.0.0.1/24'], dhcp=True), 'has a static IP (ipv4_addresses) and dhcp=true'),
        (dict(name='ethernet1/1.5', link_state='up'), "link state belongs to the physical interface"),
        (dict(name='ethernet1/1', tag=5), 'only subinterfaces have a VLAN tag'),
        (dict(name='ethernet1/7.5', ipv4_addresses=['10.0.5.1/24']), 'ethernet1/7, is not a layer3 interface'),
    ]
    for item, message in cases:
        result = panos_lab.run('panos_interfaces', config=[item])
        assert result.failed and message in result['msg'], (item, result.get('msg'))
    assert panos_lab.writes() == 0


def test_an_interface_in_another_mode_is_refused(panos_lab):
    panos_lab.apply_as('admin', action='set', xpath=ETH % 'ethernet1/5', element='<virtual-wire/>')
    result = panos_lab.run('panos_interfaces', config=[dict(name='ethernet1/5', ipv4_addresses=['10.0.5.1/24'])])
    assert result.failed and "'ethernet1/5' is a virtual-wire interface on the device" in result['msg']
