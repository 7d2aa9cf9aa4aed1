# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_firewall_lint offline (files) and live against the PVE emulator."""

GUESTS = {'qemu': {'100': {'net0': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1'}}}
FILES = {
    'cluster.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN DROP -p tcp -dport 22\nIN SSH(ACCEPT) -source 10.0.0.0/8\n'
                  'IN ACCEPT -source +gone -p tcp -dport 443\n',
    '100.fw': '[OPTIONS]\nenable: 1\n\n[RULES]\nIN ACCEPT\n|IN DROP -p tcp -dport 25\n',
}


def test_offline_findings_name_rule_and_reason(module_runner):
    result = module_runner('pve_firewall_lint', dict(fw_files=FILES, guests=GUESTS))
    assert not result.failed, result.get('msg')
    found = [(item['kind'], item['level'], item['vmid'], item['position'], item['rule']) for item in result['findings']]
    assert found == [
        ('shadowed', 'cluster', None, 1, 'IN SSH(ACCEPT) -source 10.0.0.0/8'),
        ('missing_reference', 'cluster', None, 2, 'IN ACCEPT -source +gone -p tcp -dport 443'),
        ('allow_any', 'vm', 100, 0, 'IN ACCEPT'),
        ('disabled', 'vm', 100, 1, '|IN DROP -p tcp -dport 25'),
    ]
    assert result['summary']['shadowed'] == 1 and result['summary']['redundant'] == 0
    assert result['changed'] is False


def test_kinds_filter_and_fail_on(module_runner):
    only = module_runner('pve_firewall_lint', dict(fw_files=FILES, guests=GUESTS, kinds=['disabled']))
    assert [item['kind'] for item in only['findings']] == ['disabled']
    failed = module_runner('pve_firewall_lint', dict(fw_files=FILES, guests=GUESTS, fail_on=['missing_reference']))
    assert failed.failed and failed['msg'].startswith('1 finding(s) of kind missing_reference:')
    assert "no such ipset 'gone'" in failed['msg'] and len(failed['findings']) == 4
    assert not module_runner('pve_firewall_lint', dict(fw_files=FILES, guests=GUESTS, fail_on=['redundant'])).failed


def test_live_lint_of_rules_written_by_the_modules(pve_lab):
    assert not pve_lab.run('pve_options', config=dict(enable=True)).failed
    assert not pve_lab.run('pve_options', guests=[dict(vmid=100, config=dict(enable=True))]).failed
    assert not pve_lab.run('pve_security_groups', config=[dict(name='web', rules=[
        dict(type='in', action='ACCEPT', proto='tcp', dport='443'), dict(type='in', action='ACCEPT', proto='tcp', dport='443',
                                                                         source='10.0.0.0/8')])]).failed
    assert not pve_lab.run('pve_rules', level='vm', vmid=100, state='overridden', config=[dict(type='group', action='web')]).failed
    assert not pve_lab.run('pve_rules', level='vm', vmid=101, state='overridden',
                           config=[dict(type='in', action='ACCEPT', proto='tcp', dport='22')]).failed
    assert not pve_lab.run('pve_rules', level='node', node='pve1', state='overridden',
                           config=[dict(type='in', action='REJECT', proto='tcp', dport='9000:9100'),
                                   dict(type='in', action='ACCEPT', proto='tcp', dport='9050')]).failed
    pve_lab.handle.clear_log()
    result = pve_lab.run('pve_firewall_lint')
    assert not result.failed, result.get('msg')
    found = [(item['kind'], item['level'], item['node'], item['vmid'], item['group'], item['position']) for item in result['findings']]
    assert found == [
        ('shadowed', 'host', 'pve1', None, None, 1),
        ('redundant', 'group', None, None, 'web', 1),
        ('unfiltered_guest', 'vm', None, 101, None, None),
    ]
    assert 'vm101 firewall disabled (option enable is 0)' in result['findings'][2]['reason']
    assert pve_lab.writes() == 0 and result['api_reads'] == pve_lab.reads()
