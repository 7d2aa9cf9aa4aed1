# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_virtual_routers end to end against the PAN-OS emulator."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import DEVICE

VR = DEVICE + "/network/virtual-router/entry[@name='%s']"
DEFAULT_ROUTE = dict(name='default-route', destination='0.0.0.0/0', nexthop='203.0.113.1', interface='ethernet1/1')


def router(lab, name='default'):
    return lab.node("devices/entry/network/virtual-router/entry[@name='%s']" % name)


def test_default_router_keeps_its_protocols_and_gets_a_default_route(panos_lab):
    config = [dict(name='default', interfaces=['ethernet1/1', 'ethernet1/2'], static_routes=[DEFAULT_ROUTE])]
    first = panos_lab.run('panos_virtual_routers', config=config)
    assert not first.failed, first
    assert [c['xpath'] for c in first['commands']] == [
        VR % 'default' + '/interface', VR % 'default' + "/routing-table/ip/static-route/entry[@name='default-route']"]
    node = router(panos_lab)
    assert node.findtext('protocol/bgp/enable') == 'no'  # factory BGP settings untouched
    route = node.find("routing-table/ip/static-route/entry[@name='default-route']")
    assert route.findtext('nexthop/ip-address') == '203.0.113.1'
    assert route.find('metric') is None  # the PAN-OS default (10) is not written
    assert first['after'][0]['static_routes'] == [dict(DEFAULT_ROUTE, nexthop_type='ip_address')]
    panos_lab.clear()
    assert panos_lab.run('panos_virtual_routers', config=config)['changed'] is False
    assert panos_lab.writes() == 0


def test_routes_merge_by_name_and_replace_exactly(panos_lab):
    panos_lab.run('panos_virtual_routers', config=[dict(name='default', static_routes=[DEFAULT_ROUTE])])
    panos_lab.apply_as('admin', action='set', xpath=VR % 'default' + "/routing-table/ip/static-route/entry[@name='default-route']",
                       element='<bfd><profile>None</profile></bfd>')
    routes = [dict(name='lab', destination='10.9.0.0/16', nexthop='10.0.1.254'),
              dict(name='default-route', destination='0.0.0.0/0', nexthop='203.0.113.254')]
    merged = panos_lab.run('panos_virtual_routers', config=[dict(name='default', static_routes=routes)])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in merged['commands']) == [
        ('edit', 'ip-address'), ('set', "entry[@name='lab']")]
    assert [r['name'] for r in merged['after'][0]['static_routes']] == ['default-route', 'lab']
    route = router(panos_lab).find("routing-table/ip/static-route/entry[@name='default-route']")
    assert route.findtext('bfd/profile') == 'None' and route.findtext('interface') == 'ethernet1/1'
    replaced = panos_lab.run('panos_virtual_routers', state='replaced', config=[dict(name='default', static_routes=[
        dict(name='default-route', destination='0.0.0.0/0', nexthop_type='discard')])])
    actions = sorted((c['action'], c['xpath'].split('/')[-1]) for c in replaced['commands'])
    assert actions == sorted([('delete', 'interface'), ('delete', 'ip-address'), ('delete', "entry[@name='lab']"), ('edit', 'discard')])
    assert route.findtext('bfd/profile') == 'None'


def test_interfaces_move_between_routers(panos_lab):
    panos_lab.run('panos_virtual_routers', config=[dict(name='default', interfaces=['ethernet1/1', 'ethernet1/2'])])
    result = panos_lab.run('panos_virtual_routers', config=[dict(name='lab', interfaces=['ethernet1/2'])])
    assert result['commands'][-1] == {'type': 'config', 'action': 'delete',
                                      'xpath': VR % 'default' + "/interface/member[text()='ethernet1/2']"}
    assert [m.text for m in router(panos_lab).findall('interface/member')] == ['ethernet1/1']


def test_gathered_overridden_round_trip_and_delete(panos_lab):
    panos_lab.run('panos_virtual_routers', config=[dict(name='default', interfaces=['ethernet1/1'], static_routes=[DEFAULT_ROUTE]),
                                                   dict(name='lab', static_routes=[dict(name='blackhole', destination='192.0.2.0/24',
                                                                                        nexthop_type='discard', metric=200)])])
    gathered = panos_lab.run('panos_virtual_routers', state='gathered')['gathered']
    panos_lab.clear()
    assert panos_lab.run('panos_virtual_routers', state='overridden', config=gathered)['changed'] is False
    assert panos_lab.writes() == 0
    deleted = panos_lab.run('panos_virtual_routers', state='overridden', config=[gathered[0]])
    assert deleted['commands'] == [{'type': 'config', 'action': 'delete', 'xpath': VR % 'lab'}]


def test_bad_routes_fail_before_any_write(panos_lab):
    cases = [
        (dict(name='r', destination='0.0.0.0', nexthop='203.0.113.1'), "destination='0.0.0.0' is not a network in CIDR form"),
        (dict(name='r', destination='10.0.0.1/8', nexthop='203.0.113.1'), "destination='10.0.0.1/8' is not a network in CIDR form"),
        (dict(name='r', destination='0.0.0.0/0', nexthop='gateway'), "nexthop='gateway' is not an IP address"),
        (dict(name='r', destination='0.0.0.0/0', nexthop_type='discard', nexthop='10.0.0.1'), 'takes no next hop'),
        (dict(name='r', destination='0.0.0.0/0', interface='wan0'), "interface='wan0' is not an interface name"),
    ]
    for route, message in cases:
        result = panos_lab.run('panos_virtual_routers', config=[dict(name='default', static_routes=[route])])
        assert result.failed and message in result['msg'], (route, result.get('msg'))
    dup = panos_lab.run('panos_virtual_routers', config=[dict(name='default', static_routes=[DEFAULT_ROUTE, DEFAULT_ROUTE])])
    assert dup.failed and "config[0].static_routes[1].name='default-route' is listed twice" in dup['msg']
    assert panos_lab.writes() == 0
