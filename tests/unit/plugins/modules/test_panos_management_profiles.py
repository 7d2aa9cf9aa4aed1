# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_management_profiles end to end against the PAN-OS emulator."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import DEVICE

PROFILE = DEVICE + "/network/profiles/interface-management-profile/entry[@name='%s']"


def test_lifecycle(panos_lab):
    created = panos_lab.run('panos_management_profiles', config=[dict(name='allow-ping', ping=True),
                                                                 dict(name='mgmt', https=True, ssh=True, permitted_ips=['192.0.2.0/24'])])
    assert created['changed'] is True
    assert created['commands'][1] == {'type': 'config', 'action': 'set', 'xpath': PROFILE % 'mgmt',
                                      'element': '<ssh>yes</ssh><https>yes</https><permitted-ip><entry name="192.0.2.0/24" /></permitted-ip>'}
    assert panos_lab.run('panos_management_profiles', config=[dict(name='allow-ping', ping=True)])['changed'] is False
    merged = panos_lab.run('panos_management_profiles', config=[dict(name='mgmt', ping=True)])
    assert merged['commands'] == [{'type': 'config', 'action': 'edit', 'xpath': PROFILE % 'mgmt' + '/ping', 'element': '<ping>yes</ping>'}]
    assert merged['after'] == [{'name': 'mgmt', 'ping': True, 'ssh': True, 'https': True, 'permitted_ips': ['192.0.2.0/24']}]
    replaced = panos_lab.run('panos_management_profiles', state='replaced', config=[dict(name='mgmt', https=True)])
    assert sorted(c['xpath'].split('/')[-1] for c in replaced['commands']) == ['permitted-ip', 'ping', 'ssh']
    check = panos_lab.run('panos_management_profiles', check_mode=True, state='overridden', config=[dict(name='mgmt', https=True)])
    assert check['commands'] == [{'type': 'config', 'action': 'delete', 'xpath': PROFILE % 'allow-ping'}]
    assert [p['name'] for p in panos_lab.run('panos_management_profiles', state='gathered')['gathered']] == ['allow-ping', 'mgmt']
    gathered = panos_lab.run('panos_management_profiles', state='gathered')['gathered']
    panos_lab.clear()
    assert panos_lab.run('panos_management_profiles', state='overridden', config=gathered)['changed'] is False
    assert panos_lab.writes() == 0


def test_bad_input(panos_lab):
    long_name = panos_lab.run('panos_management_profiles', config=[dict(name='p' * 40, ping=True)])
    assert long_name.failed and 'PAN-OS allows at most 31 for a management profile name' in long_name['msg']
    bad_ip = panos_lab.run('panos_management_profiles', config=[dict(name='p', permitted_ips=['192.0.2.0/33'])])
    assert bad_ip.failed and "config[0].permitted_ips[0]='192.0.2.0/33'" in bad_ip['msg']
    assert panos_lab.writes() == 0
