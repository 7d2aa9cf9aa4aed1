# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_ipsets, pve_aliases, pve_guest_nics and pve_firewall_info against the PVE emulator."""

MGMT = [dict(name='management', comment='admins', members=[dict(cidr='192.0.2.0/24'), dict(cidr='192.0.2.66', nomatch=True)])]


def test_ipsets_merged_idempotent_and_round_trip(pve_lab):
    first = pve_lab.run('pve_ipsets', config=MGMT)
    assert not first.failed, first
    assert first['changed'] is True
    assert first['after'] == [dict(name='management', comment='admins', members=[
        dict(cidr='192.0.2.0/24', nomatch=False, comment=''), dict(cidr='192.0.2.66', nomatch=True, comment='')])]
    assert pve_lab.run('pve_ipsets', config=MGMT)['changed'] is False
    gathered = pve_lab.run('pve_ipsets', state='gathered')['gathered']
    again = pve_lab.run('pve_ipsets', state='overridden', config=gathered)
    assert again['changed'] is False and again['commands'] == []


def test_ipsets_changed_in_place_add_before_remove(pve_lab):
    pve_lab.run('pve_ipsets', config=MGMT)
    pve_lab.handle.clear_log()
    result = pve_lab.run('pve_ipsets', state='replaced', config=[dict(name='management', comment='admins', members=[
        dict(cidr='192.0.2.0/24'), dict(cidr='198.51.100.7/32')])])
    assert result['changed'] is True
    methods = [(c['method'], c['path']) for c in result['commands']]
    assert methods == [('POST', '/cluster/firewall/ipset/management'),
                       ('DELETE', '/cluster/firewall/ipset/management/192.0.2.66')]
    # Never a delete of the set itself.
    paths = pve_lab.handle.log()['by_path']
    assert not any(key.startswith('DELETE /api2/json/cluster/firewall/ipset/management ') or key == 'DELETE /api2/json/cluster/firewall/ipset/management'
                   for key in paths)


def test_ipsets_overridden_refuses_to_delete_a_referenced_set(pve_lab):
    pve_lab.run('pve_ipsets', config=[dict(name='web', members=[dict(cidr='10.0.0.0/24')])])
    api_rule = dict(type='in', action='ACCEPT', source='+web', enable='1')
    from proxmoxer import ProxmoxAPI  # pylint: disable=import-outside-toplevel
    api = ProxmoxAPI('127.0.0.1', port=pve_lab.handle.port, user='root@pam', token_name='zonewarden',
                     token_value='11111111-2222-3333-4444-555555555555', verify_ssl=pve_lab.handle.ca_file)
    api.nodes('pve1').qemu(100).firewall.rules.post(**api_rule)
    pve_lab.handle.clear_log()
    refused = pve_lab.run('pve_ipsets', state='overridden', config=[])
    assert refused.failed
    assert 'web by VM 100 rule 0' in refused['msg']
    assert pve_lab.writes() == 0
    forced = pve_lab.run('pve_ipsets', state='overridden', config=[], force=True)
    assert forced['changed'] is True


def test_ipsets_for_many_guests_in_one_task(pve_lab):
    guests = [dict(vmid=vmid, config=[dict(name='ipfilter-net0', members=[dict(cidr=ip)])])
              for vmid, ip in ((100, '192.0.2.100'), (101, '192.0.2.101'), (200, '192.0.2.50'))]
    result = pve_lab.run('pve_ipsets', state='replaced', guests=guests)
    assert not result.failed, result
    assert [r['vmid'] for r in result['results']] == [100, 101, 200]
    assert all(r['changed'] for r in result['results'])
    assert result['results'][2]['type'] == 'ct'
    assert pve_lab.run('pve_ipsets', state='replaced', guests=guests)['changed'] is False


def test_bad_member_in_one_guest_writes_nothing_anywhere(pve_lab):
    guests = [dict(vmid=100, config=[dict(name='ok', members=[dict(cidr='10.0.0.1')])]),
              dict(vmid=101, config=[dict(name='bad', members=[dict(cidr='10.0.0.999')])])]
    result = pve_lab.run('pve_ipsets', guests=guests)
    assert result.failed
    assert "guests[1].config[0].members[0].cidr='10.0.0.999'" in result['msg']
    assert pve_lab.writes() == 0


def test_aliases_case_insensitive_and_check_mode(pve_lab):
    config = [dict(name='MgmtNet', cidr='192.0.2.0/24', comment='admins')]
    assert pve_lab.run('pve_aliases', config=config)['changed'] is True
    assert pve_lab.run('pve_aliases', config=[dict(name='mgmtnet', cidr='192.0.2.0/24')])['changed'] is False
    pve_lab.handle.clear_log()
    planned = pve_lab.run('pve_aliases', check_mode=True, state='overridden', config=[dict(name='other', cidr='10.0.0.1/32')])
    assert planned['changed'] is True
    assert [c['method'] for c in planned['commands']] == ['POST', 'DELETE']
    assert pve_lab.writes() == 0


def test_guest_nics_change_only_the_flag(pve_lab):
    guests = [dict(vmid=100, nics=[dict(name='net0', firewall=False)]), dict(vmid=200, nics=[dict(name='net0', tag=20)])]
    result = pve_lab.run('pve_guest_nics', diff=True, guests=guests)
    assert not result.failed, result
    assert result['changed'] is True
    params = [c['params'] for c in result['commands']]
    assert params[0]['net0'] == 'virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=0'
    assert params[1]['net0'] == 'name=eth0,bridge=vmbr0,firewall=1,gw=192.0.2.1,hwaddr=BC:24:11:00:02:00,ip=192.0.2.50/24,type=veth,tag=20'
    assert 'link flap' in str(result['warnings'])
    assert pve_lab.run('pve_guest_nics', guests=[dict(vmid=100, nics=[dict(name='net0', firewall=False)])])['changed'] is False


def test_guest_nics_missing_nic_writes_nothing(pve_lab):
    result = pve_lab.run('pve_guest_nics', guests=[dict(vmid=100, nics=[dict(name='net0', firewall=False)]),
                                                   dict(vmid=101, nics=[dict(name='net3', firewall=True)])])
    assert result.failed and 'has no NIC net3' in result['msg']
    assert pve_lab.writes() == 0


def test_firewall_info_reads_every_level(pve_lab):
    pve_lab.run('pve_ipsets', config=MGMT)
    pve_lab.run('pve_options', config=dict(enable=True))
    pve_lab.handle.clear_log()
    info = pve_lab.run('pve_firewall_info')
    assert not info.failed, info
    firewall = info['firewall']
    assert firewall['cluster']['options'] == {'enable': True}
    assert firewall['cluster']['ipsets'][0]['name'] == 'management'
    assert [n['name'] for n in firewall['nodes']] == ['pve1']
    assert [g['vmid'] for g in firewall['guests']] == [100, 101, 110, 120, 200, 201]
    assert firewall['guests'][0]['nics']['net0']['firewall'] is True
    assert firewall['guests'][0]['tags'] == ['tier-web']
    assert [v['name'] for v in firewall['vnets']] == ['vnet10']
    assert info['api_reads'] == pve_lab.reads()


def test_firewall_info_output_feeds_the_modules_without_change(pve_lab):
    pve_lab.run('pve_ipsets', config=MGMT)
    pve_lab.run('pve_aliases', config=[dict(name='gw', cidr='192.0.2.1', comment='router')])
    pve_lab.run('pve_security_groups', config=[dict(name='web', comment='tier', rules=[dict(type='in', action='ACCEPT', macro='HTTPS')])])
    pve_lab.run('pve_rules', config=[dict(type='in', action='ACCEPT', macro='SSH', source='+management', log='info'),
                                     dict(type='group', action='web')])
    pve_lab.run('pve_rules', level='vm', vmid=100, config=[dict(type='group', action='web', iface='net0')])
    cluster = pve_lab.run('pve_firewall_info', gather=['cluster'])['firewall']['cluster']
    pve_lab.handle.clear_log()
    for module, config in (('pve_ipsets', cluster['ipsets']), ('pve_aliases', cluster['aliases']),
                           ('pve_security_groups', cluster['groups']), ('pve_rules', cluster['rules'])):
        result = pve_lab.run(module, state='overridden', config=config)
        assert result['changed'] is False, (module, result)
    guests = pve_lab.run('pve_firewall_info', gather=['guests'], tags=['tier-web'])['firewall']['guests']
    assert [g['vmid'] for g in guests] == [100, 101]
    result = pve_lab.run('pve_rules', state='overridden', guests=[dict(vmid=g['vmid'], config=g['rules']) for g in guests])
    assert result['changed'] is False
    assert pve_lab.writes() == 0


def test_guest_discovery_costs_one_read(pve_lab):
    result = pve_lab.run('pve_firewall_info', gather=['guests'], guest_details=False, tags=['tier-app'])
    assert [(g['vmid'], g['type'], g['tags']) for g in result['firewall']['guests']] == [(110, 'vm', ['tier-app']), (201, 'ct', ['tier-app'])]
    assert result['api_reads'] == 1


def test_ipset_members_naming_missing_aliases_are_refused_before_any_write(pve_lab):
    config = [dict(name='admins', members=[dict(cidr='192.0.2.0/24'), dict(cidr='dc/jump_host'), dict(cidr='nosuch')])]
    refused = pve_lab.run('pve_ipsets', config=config)
    assert refused.failed
    assert 'dc/jump_host (IP set admins)' in refused['msg'] and 'nosuch (IP set admins)' in refused['msg']
    assert pve_lab.writes() == 0
    planned = pve_lab.run('pve_ipsets', check_mode=True, config=config)
    assert not planned.failed and planned['changed'] is True
    pve_lab.run('pve_aliases', config=[dict(name='jump_host', cidr='192.0.2.7'), dict(name='nosuch', cidr='192.0.2.8')])
    created = pve_lab.run('pve_ipsets', config=config)
    assert not created.failed, created
    assert pve_lab.run('pve_ipsets', config=config)['changed'] is False
