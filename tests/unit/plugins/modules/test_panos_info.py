# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""panos_info against the PAN-OS emulator."""

from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import DMZ, apply_dmz

MODULE_OF = {'management_profiles': 'panos_management_profiles', 'interfaces': 'panos_interfaces', 'zones': 'panos_zones',
             'virtual_routers': 'panos_virtual_routers', 'address_objects': 'panos_address_objects',
             'service_objects': 'panos_service_objects', 'security_rules': 'panos_security_rules', 'nat_rules': 'panos_nat_rules'}


def test_everything_in_the_modules_shapes_with_few_reads(panos_lab):
    apply_dmz(panos_lab, skip=('panos_commit',))
    panos_lab.clear()
    info = panos_lab.run('panos_info')
    assert not info.failed, info
    assert panos_lab.counts() == {'keygen': 1, 'config.get': 1, 'op.show.config.list.changes': 1, 'op.show.system.info': 1}
    assert info['system']['sw_version'] == '11.1.6' and info['system']['multi_vsys'] == 'off'
    assert [z['name'] for z in info['zones']] == ['untrust', 'trust', 'dmz']
    assert [r['name'] for r in info['security_rules']][-1] == 'deny-dmz-to-trust'
    assert info['pending_changes'] and all(c['owner'] == 'automation' for c in info['pending_changes'])
    # Every subset fed back to its module changes nothing.
    panos_lab.clear()
    for subset, module in MODULE_OF.items():
        state = 'replaced' if module == 'panos_interfaces' else 'overridden'
        result = panos_lab.run(module, state=state, config=info[subset])
        assert result['changed'] is False, (module, result)
    assert panos_lab.writes() == 0


def test_running_source_and_subsets(panos_lab):
    apply_dmz(panos_lab, skip=('panos_commit',))
    before_commit = panos_lab.run('panos_info', source='running', gather_subset=['zones', 'nat_rules'])
    assert before_commit['zones'] == [] and before_commit['nat_rules'] == []
    assert 'system' not in before_commit and 'pending_changes' not in before_commit
    panos_lab.run(DMZ[-1][0], **DMZ[-1][1])
    after_commit = panos_lab.run('panos_info', source='running', gather_subset=['zones', 'nat_rules'])
    assert [r['name'] for r in after_commit['nat_rules']] == ['snat-outbound', 'dnat-web']


def test_connection_options_come_from_the_environment(panos_lab, monkeypatch):
    lab = panos_lab.connection
    for name, value in (('PANOS_HOST', lab['host']), ('PANOS_PORT', str(lab['port'])), ('PANOS_USERNAME', lab['username']),
                        ('PANOS_PASSWORD', lab['password']), ('PANOS_CA_PATH', lab['ca_path']), ('PANOS_TIMEOUT', '15')):
        monkeypatch.setenv(name, value)
    panos_lab.connection = {}
    result = panos_lab.run('panos_info', gather_subset=['zones'])
    assert not result.failed, result
    assert result['zones'] == []
    monkeypatch.setenv('PANOS_VALIDATE_CERTS', 'false')
    monkeypatch.delenv('PANOS_CA_PATH')
    assert not panos_lab.run('panos_info', gather_subset=['zones']).failed
    monkeypatch.setenv('PANOS_VALIDATE_CERTS', 'true')
    refused = panos_lab.run('panos_info', gather_subset=['zones'])
    assert refused.failed and 'Failed to verify the TLS certificate' in refused['msg']
