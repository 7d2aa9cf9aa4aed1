# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_reachability live against the PVE emulator: rules set with the resource modules, then verdicts checked.

The emulator's default lab: node pve1 (192.0.2.10/24 on vmbr0), VMs 100/101 on vmbr1, 110/120 on vmbr2,
containers 200 (192.0.2.50, vmbr0) and 201 (192.0.2.51, vmbr2), every NIC with firewall=1.
"""

GUEST_ON = dict(enable=True, policy_in='DROP')
SSH_FROM_ADMINS = dict(type='in', action='ACCEPT', macro='SSH', source='+admins')
HTTPS = dict(type='in', action='ACCEPT', proto='tcp', dport='443')


def build_lab(pve_lab):
    assert not pve_lab.run('pve_ipsets', config=[dict(name='admins', members=[dict(cidr='198.51.100.0/24')])]).failed
    assert not pve_lab.run('pve_security_groups', config=[dict(name='web', rules=[HTTPS, SSH_FROM_ADMINS])]).failed
    assert not pve_lab.run('pve_options', guests=[dict(vmid=100, config=GUEST_ON), dict(vmid=200, config=GUEST_ON)]).failed
    assert not pve_lab.run('pve_rules', level='vm', vmid=100, state='overridden',
                           config=[dict(type='group', action='web', iface='net0')]).failed
    assert not pve_lab.run('pve_rules', level='ct', vmid=200, state='overridden',
                           config=[dict(type='in', action='ACCEPT', source='192.0.2.0/24', proto='tcp', dport='22')]).failed
    assert not pve_lab.run('pve_options', config=dict(enable=True, policy_in='DROP')).failed


FLOWS = [
    {'id': 'https', 'from': 'outside', 'to': 'vm100', 'dport': '443', 'expect': 'allow'},
    {'id': 'ssh-admin', 'source': '198.51.100.9', 'to': 'vm100', 'dport': '22', 'expect': 'allow'},
    {'id': 'ssh-other', 'source': '203.0.113.9', 'to': 'vm100', 'dport': '22', 'expect': 'deny'},
    {'id': 'ct-ssh-lan', 'source': '192.0.2.77', 'to': '192.0.2.50', 'dport': '22', 'expect': 'allow'},
    {'id': 'ct-ssh-wan', 'source': '203.0.113.9', 'to': 'ct200', 'dport': '22', 'expect': 'deny'},
    {'id': 'gui-lan', 'source': '192.0.2.77', 'to': 'host', 'dport': '8006', 'expect': 'allow'},
    {'id': 'gui-wan', 'source': '203.0.113.9', 'to': 'host', 'dport': '8006', 'expect': 'deny'},
    {'id': 'vm101-open', 'from': 'outside', 'to': 'vm101', 'dport': '3306', 'expect': 'allow'},
]


def test_live_verdicts_after_the_modules_wrote_the_rules(pve_lab):
    build_lab(pve_lab)
    pve_lab.handle.clear_log()
    result = pve_lab.run('pve_reachability', flows=FLOWS)
    assert not result.failed, result.get('msg')
    assert result['node'] == 'pve1' and result['host_ip'] == '192.0.2.10' and result['local_network'] == '192.0.2.0/24'
    by_id = dict((item['id'], item) for item in result['results'])
    assert by_id['https']['rule'] == 'group web rule 0: IN ACCEPT -p tcp -dport 443 (via vm100 rule 0: GROUP web -i net0)'
    assert by_id['ct-ssh-lan']['resolved']['to'] == 'ct200'
    assert by_id['gui-lan']['rule'] == 'built-in rule: management ipset: tcp/8006 (API/GUI)'
    assert pve_lab.writes() == 0
    assert result['api_reads'] == pve_lab.reads()


def test_live_and_offline_files_agree(pve_lab):
    build_lab(pve_lab)
    pve_lab.run('pve_rules', state='overridden', config=[dict(type='in', action='DROP', proto='tcp', dport='8006',
                                                              source='192.0.2.128/25')])
    live = pve_lab.run('pve_reachability', flows=FLOWS + [{'source': '192.0.2.200', 'to': 'host', 'dport': '8006'}])
    files = pve_lab.handle.side('GET', 'fw-files')
    info = pve_lab.run('pve_firewall_info', gather=['guests'])
    guests = {'qemu': {}, 'lxc': {}}
    for item in info['firewall']['guests']:
        guests['qemu' if item['type'] == 'vm' else 'lxc'][str(item['vmid'])] = dict(
            (key, nic['raw']) for key, nic in item['nics'].items())
    offline = pve_lab.run('pve_reachability', fw_files=files, guests=guests, node='pve1', host_ip='192.0.2.10',
                          local_network='192.0.2.0/24', flows=FLOWS + [{'source': '192.0.2.200', 'to': 'host', 'dport': '8006'}])
    assert not live.failed and not offline.failed, (live.get('msg'), offline.get('msg'))
    assert [(r['verdict'], r['rule']) for r in live['results']] == [(r['verdict'], r['rule']) for r in offline['results']]
    assert live['results'][-1]['verdict'] == 'DROP' and live['results'][-1]['decided_by']['level'] == 'cluster'


def test_live_failure_and_check_mode(pve_lab):
    build_lab(pve_lab)
    pve_lab.handle.clear_log()
    flows = [{'from': 'outside', 'to': 'vm100', 'dport': '22', 'expect': 'allow'}]
    result = pve_lab.run('pve_reachability', check_mode=True, flows=flows)
    assert result.failed and '1 of 1 flow expectations do not hold' in result['msg']
    assert result['failures'][0]['rule'] == 'policy vm100 policy_in DROP (default)'
    assert pve_lab.writes() == 0


def test_live_guest_switch_and_nic_flag(pve_lab):
    build_lab(pve_lab)
    flows = [{'from': 'outside', 'to': 'vm100', 'dport': '22'}]
    assert pve_lab.run('pve_reachability', flows=flows)['results'][0]['verdict'] == 'DROP'
    assert not pve_lab.run('pve_guest_nics', guests=[dict(vmid=100, nics=[dict(name='net0', firewall=False)])]).failed
    assert pve_lab.run('pve_reachability', flows=flows)['results'][0]['verdict'] == 'ACCEPT'


def test_live_unknown_node_and_reads_stay_few(pve_lab):
    bad = pve_lab.run('pve_reachability', node='pve9', flows=[{'from': 'outside', 'to': 'host'}])
    assert bad.failed and "node 'pve9' is not a node of this cluster" in bad['msg']
    pve_lab.handle.clear_log()
    result = pve_lab.run('pve_reachability', node='pve1', flows=[{'from': 'outside', 'to': 'host'}])
    assert not result.failed, result.get('msg')
    # node list, cluster (options, rules, aliases, ipsets, groups), node (options, rules), guests (list + 5 per guest),
    # node network, corosync node list
    assert result['api_reads'] <= 6 + 2 + 1 + 6 * 5 + 3
    assert any('corosync links not known' in warning for warning in result['config_warnings'])
