# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_lockout_guard offline (files, data) and live against the PVE emulator (node pve1, 192.0.2.10/24 on vmbr0)."""

NODE = dict(name='pve1', address='192.0.2.10', local_network='192.0.2.0/24')
MGMT_RULES = [dict(type='in', action='ACCEPT', source='+admins', proto='tcp', dport='8006'),
              dict(type='in', action='ACCEPT', source='+admins', macro='SSH')]
ADMINS = [dict(name='admins', members=[dict(cidr='198.51.100.0/24')])]
CATCH_ALL = dict(type='in', action='DROP', comment='default deny')


def test_offline_files_refused_with_the_rule_named(module_runner):
    files = {'cluster.fw': '[OPTIONS]\nenable: 1\n\n[IPSET admins]\n198.51.100.0/24\n\n[RULES]\nIN DROP # default deny\n'
                           'IN ACCEPT -source +admins -p tcp -dport 8006\nIN SSH(ACCEPT) -source +admins\n'}
    result = module_runner('pve_lockout_guard', dict(fw_files=files, nodes=[NODE], controller='192.0.2.5',
                                                     management_networks=['198.51.100.0/24']))
    assert result.failed and result['ok'] is False
    assert result['msg'].splitlines()[0] == 'The planned firewall would cut management access:'
    assert result['msg'].splitlines()[1].startswith('- cluster rule 0: IN DROP # default deny cuts node pve1: controller 192.0.2.5 -> tcp/8006 DROP')
    assert set(item['rule'] for item in result['blocked']) == {'cluster rule 0: IN DROP # default deny'}
    assert result['checked'] == 4


def test_offline_policy_drop_is_fine_and_check_mode(module_runner):
    files = {'cluster.fw': '[OPTIONS]\nenable: 1\npolicy_in: DROP\n'}
    for check_mode in (False, True):
        result = module_runner('pve_lockout_guard', dict(fw_files=files, nodes=[NODE], controller='192.0.2.5'), check_mode=check_mode)
        assert not result.failed, result.get('msg')
        assert result['ok'] is True and result['blocked'] == [] and result['changed'] is False


def test_offline_data_with_changes(module_runner):
    firewall = {'cluster': {'options': {'enable': True}, 'rules': MGMT_RULES, 'ipsets': ADMINS, 'aliases': [], 'groups': []},
                'nodes': [{'name': 'pve1', 'options': {}, 'rules': []}]}
    fine = module_runner('pve_lockout_guard', dict(firewall=firewall, nodes=[NODE], management_networks=['198.51.100.0/24']))
    assert not fine.failed, fine.get('msg')
    refused = module_runner('pve_lockout_guard', dict(firewall=firewall, nodes=[NODE], management_networks=['198.51.100.0/24'],
                                                      changes={'nodes': [{'name': 'pve1', 'rules': [CATCH_ALL]}]}))
    assert refused.failed and 'host rule 0: IN DROP # default deny' in refused['msg']
    missing = module_runner('pve_lockout_guard', dict(firewall=firewall, controller='192.0.2.5'))
    assert missing.failed and 'no nodes to check' in missing['msg']


def setup_lab(pve_lab):
    assert not pve_lab.run('pve_ipsets', config=ADMINS).failed
    assert not pve_lab.run('pve_rules', state='overridden', config=MGMT_RULES).failed
    assert not pve_lab.run('pve_options', config=dict(enable=True, policy_in='DROP')).failed


def test_live_planned_catch_all_above_the_management_accepts_is_refused(pve_lab):
    setup_lab(pve_lab)
    pve_lab.handle.clear_log()
    planned = {'cluster': {'rules': [CATCH_ALL] + MGMT_RULES}}
    result = pve_lab.run('pve_lockout_guard', controller='192.0.2.5', management_networks=['198.51.100.0/24'], changes=planned)
    assert result.failed and result['ok'] is False
    assert set(item['rule'] for item in result['blocked']) == {'cluster rule 0: IN DROP # default deny'}
    assert result['nodes'][0]['address'] == '192.0.2.10' and result['nodes'][0]['local_network'] == '192.0.2.0/24'
    assert pve_lab.writes() == 0


def test_live_current_state_and_policy_only(pve_lab):
    setup_lab(pve_lab)
    result = pve_lab.run('pve_lockout_guard', controller='192.0.2.5', management_networks=['198.51.100.0/24'])
    assert not result.failed, result.get('msg')
    assert result['ok'] is True and result['checked'] == 4
    # the rules removed: policy_in DROP alone still lets the local network in, not the admins outside it
    result = pve_lab.run('pve_lockout_guard', controller='192.0.2.5', changes={'cluster': {'rules': []}})
    assert result['ok'] is True
    outside = pve_lab.run('pve_lockout_guard', management_networks=['198.51.100.0/24'], changes={'cluster': {'rules': []}})
    assert outside.failed and 'policy cluster policy_in DROP' in outside['msg']
    # over loopback the controller cannot be told: only the networks are checked, with a warning
    assert any('loopback' in warning for warning in outside['config_warnings']) and outside['controller'] is None


def test_live_nodes_option_restricts_and_overrides(pve_lab):
    setup_lab(pve_lab)
    unknown = pve_lab.run('pve_lockout_guard', controller='192.0.2.5', nodes=[dict(name='pve7')])
    assert unknown.failed and 'pve7 not in this cluster' in unknown['msg']
    assert pve_lab.run('pve_lockout_guard', controller='192.0.2.50')['ok'] is True
    moved = pve_lab.run('pve_lockout_guard', controller='192.0.2.50', nodes=[dict(name='pve1', local_network='192.0.2.0/28')])
    assert moved.failed and moved['nodes'][0]['local_network'] == '192.0.2.0/28'
    assert set(item['rule'] for item in moved['blocked']) == {'policy cluster policy_in DROP (default)'}
