# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_address_objects, panos_address_groups, panos_service_objects and panos_service_groups against the emulator."""

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS

ADDRESSES = [dict(name='dmz-web', ip_netmask='10.0.2.10', description='web', tags=['dmz']),
             dict(name='dmz-net', ip_netmask='10.0.2.0/24'), dict(name='pool', ip_range='198.51.100.10-198.51.100.20')]


def test_address_objects_lifecycle(panos_lab):
    first = panos_lab.run('panos_address_objects', config=ADDRESSES)
    assert first['changed'] is True and len(first['commands']) == 3
    assert first['commands'][0] == {'type': 'config', 'action': 'set', 'xpath': VSYS + "/address/entry[@name='dmz-web']",
                                    'element': '<ip-netmask>10.0.2.10</ip-netmask><description>web</description><tag><member>dmz</member></tag>'}
    panos_lab.clear()
    assert panos_lab.run('panos_address_objects', config=ADDRESSES)['changed'] is False
    # The same host written with /32 is the same address.
    assert panos_lab.run('panos_address_objects', config=[dict(name='dmz-web', ip_netmask='10.0.2.10/32')])['changed'] is False
    assert panos_lab.writes() == 0
    switched = panos_lab.run('panos_address_objects', config=[dict(name='dmz-web', fqdn='www.example.org')])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in switched['commands']) == [('delete', 'ip-netmask'), ('edit', 'fqdn')]
    assert switched['after'] == [{'name': 'dmz-web', 'fqdn': 'www.example.org', 'description': 'web', 'tags': ['dmz']}]
    replaced = panos_lab.run('panos_address_objects', state='replaced', config=[dict(name='dmz-web', fqdn='www.example.org')])
    assert sorted(c['xpath'].split('/')[-1] for c in replaced['commands']) == ['description', 'tag']
    gathered = panos_lab.run('panos_address_objects', state='gathered')['gathered']
    assert panos_lab.run('panos_address_objects', state='overridden', config=gathered)['changed'] is False
    overridden = panos_lab.run('panos_address_objects', state='overridden', config=gathered[:1])
    assert sorted(c['xpath'] for c in overridden['commands']) == [VSYS + "/address/entry[@name='dmz-net']", VSYS + "/address/entry[@name='pool']"]


@pytest.mark.parametrize('item, message', [
    (dict(name='a', ip_netmask='10.0.2.300'), "config[0].ip_netmask='10.0.2.300' is not an IP address or network"),
    (dict(name='a', ip_range='10.0.0.9-10.0.0.1'), "config[0].ip_range='10.0.0.9-10.0.0.1' is not an IP range"),
    (dict(name='a', fqdn='bad host'), "config[0].fqdn='bad host' is not a host name"),
    (dict(name='a', ip_netmask='10.0.0.1', fqdn='x.example'), 'takes one of ip_netmask, ip_range, fqdn, ip_wildcard, not ip_netmask and fqdn'),
    (dict(name='a'), 'address a needs one of ip_netmask'),
    (dict(name='a' * 64, ip_netmask='10.0.0.1'), 'PAN-OS allows at most 63 for an address name'),
])
def test_address_bad_input(panos_lab, item, message):
    result = panos_lab.run('panos_address_objects', config=[item])
    assert result.failed and message in result['msg'], result.get('msg')
    assert panos_lab.writes() == 0


def test_address_groups_check_members(panos_lab):
    panos_lab.run('panos_address_objects', config=ADDRESSES)
    panos_lab.clear()
    ok = panos_lab.run('panos_address_groups', config=[dict(name='dmz-all', static_members=['dmz-web', 'dmz-net']),
                                                       dict(name='everything', static_members=['dmz-all', 'pool'])])
    assert not ok.failed, ok
    assert panos_lab.counts()['config.get'] == 2  # the groups, then one union read of the address names
    missing = panos_lab.run('panos_address_groups', config=[dict(name='g', static_members=['dmz-web', 'nope'])])
    assert missing.failed
    assert "config[0].static_members[1]='nope' is not an address, address group or external list defined in this task or on the device" in missing['msg']
    dynamic = panos_lab.run('panos_address_groups', config=[dict(name='dmz-all', dynamic_filter="'dmz'")])
    assert sorted(c['action'] for c in dynamic['commands']) == ['delete', 'edit']
    gathered = panos_lab.run('panos_address_groups', state='gathered')['gathered']
    assert gathered[0] == {'name': 'dmz-all', 'dynamic_filter': "'dmz'"}
    assert panos_lab.run('panos_address_groups', state='overridden', config=gathered)['changed'] is False


def test_service_objects_and_groups(panos_lab):
    services = [dict(name='tcp-8443', protocol='tcp', destination_port='8443'),
                dict(name='syslog', protocol='udp', destination_port='514', source_port='1024-65535')]
    first = panos_lab.run('panos_service_objects', config=services)
    assert first['commands'][0]['element'] == '<protocol><tcp><port>8443</port></tcp></protocol>'
    assert panos_lab.run('panos_service_objects', config=services)['changed'] is False
    to_udp = panos_lab.run('panos_service_objects', config=[dict(name='tcp-8443', protocol='udp')])
    assert sorted((c['action'], c['xpath'].split('/')[-1]) for c in to_udp['commands']) == [('delete', 'tcp'), ('edit', 'udp')]
    assert to_udp['after'] == [{'name': 'tcp-8443', 'protocol': 'udp', 'destination_port': '8443'}]
    port_only = panos_lab.run('panos_service_objects', config=[dict(name='syslog', destination_port='6514')])
    assert port_only['commands'] == [{'type': 'config', 'action': 'edit', 'element': '<port>6514</port>',
                                      'xpath': VSYS + "/service/entry[@name='syslog']/protocol/udp/port"}]
    bad = panos_lab.run('panos_service_objects', config=[dict(name='x', protocol='tcp', destination_port='70000')])
    assert bad.failed and "holds port 70000, outside 0-65535" in bad['msg']
    incomplete = panos_lab.run('panos_service_objects', config=[dict(name='new', protocol='tcp')])
    assert incomplete.failed and 'service new needs protocol and destination_port' in incomplete['msg']

    group = panos_lab.run('panos_service_groups', config=[dict(name='web', members=['service-http', 'service-https', 'tcp-8443'])])
    assert not group.failed, group
    unknown = panos_lab.run('panos_service_groups', config=[dict(name='web', members=['tcp-9999'])])
    assert unknown.failed and "config[0].members[0]='tcp-9999' is not a service or service group" in unknown['msg']
    gathered = panos_lab.run('panos_service_objects', state='gathered')['gathered']
    assert panos_lab.run('panos_service_objects', state='overridden', config=gathered)['changed'] is False
    groups = panos_lab.run('panos_service_groups', state='gathered')['gathered']
    assert groups == [{'name': 'web', 'members': ['service-http', 'service-https', 'tcp-8443']}]
    assert panos_lab.run('panos_service_groups', state='overridden', config=groups)['changed'] is False
    in_use = panos_lab.run('panos_service_objects', state='deleted', config=[dict(name='tcp-8443')])
    assert in_use.failed and 'cannot be deleted because of references' in in_use['msg']
