# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_bridges against the PVE emulator: staged writes, one apply, check mode, refusals."""

APPLY = ('PUT', '/nodes/pve1/network')


def calls(result):
    return [(c['method'], c['path']) for c in result['commands']]


def api_writes(pve_lab):
    return dict((key, count) for key, count in pve_lab.handle.log()['by_path'].items() if not key.startswith('GET '))


def gathered(pve_lab):
    return dict((b['iface'], b) for b in pve_lab.run('pve_bridges', node='pve1', state='gathered')['gathered'])


def test_gathered_is_the_config_shape_and_round_trips(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', state='gathered')
    assert result['changed'] is False and result['pending'] == []
    bridges = dict((b['iface'], b) for b in result['gathered'])
    assert sorted(bridges) == ['vmbr0', 'vmbr1', 'vmbr2']
    assert bridges['vmbr0'] == dict(iface='vmbr0', ports=['eno1'], vlan_aware=False, autostart=True, cidr='192.0.2.10/24',
                                    comments='management and untrust')
    assert bridges['vmbr2']['vids'] == ['2-4094'] and bridges['vmbr2']['vlan_aware'] is True
    pve_lab.handle.clear_log()
    again = pve_lab.run('pve_bridges', node='pve1', state='replaced', config=result['gathered'])
    assert not again.failed, again
    assert again['changed'] is False and again['commands'] == [] and again['applied'] is False
    assert pve_lab.writes() == 0


def test_create_writes_once_applies_once_and_reruns_clean(pve_lab):
    config = [dict(iface='vmbr3', ports=['eno3'], comments='lab'), dict(iface='vmbr1', comments='dmz')]
    first = pve_lab.run('pve_bridges', node='pve1', config=config)
    assert not first.failed, first
    assert calls(first) == [('POST', '/nodes/pve1/network'), APPLY]
    assert first['commands'][0]['params'] == dict(iface='vmbr3', type='bridge', bridge_ports='eno3', autostart=1, comments='lab')
    assert first['task']['exitstatus'] == 'OK'
    assert first['before'][0] is None and first['after'][0]['ports'] == ['eno3']
    assert api_writes(pve_lab) == {'POST /api2/json/nodes/pve1/network': 1, 'PUT /api2/json/nodes/pve1/network': 1}
    assert gathered(pve_lab)['vmbr3']['comments'] == 'lab'
    assert pve_lab.run('pve_bridges', node='pve1', state='gathered')['pending'] == []
    pve_lab.handle.clear_log()
    again = pve_lab.run('pve_bridges', node='pve1', config=config)
    assert again['changed'] is False and again['commands'] == []
    assert pve_lab.writes() == 0 and pve_lab.reads() == 1


def test_check_mode_plans_the_writes_and_the_apply_and_sends_nothing(pve_lab):
    planned = pve_lab.run('pve_bridges', check_mode=True, diff=True, node='pve1',
                          config=[dict(iface='vmbr1', vlan_aware=True, vids=['100-199', '10'])])
    assert planned['changed'] is True and planned['applied'] is True
    assert calls(planned) == [('PUT', '/nodes/pve1/network/vmbr1'), APPLY]
    assert planned['commands'][0]['params'] == dict(type='bridge', bridge_vlan_aware=1, bridge_vids='10 100-199')
    assert planned['diff']['after'][0]['vids'] == ['10', '100-199']
    assert pve_lab.writes() == 0
    assert gathered(pve_lab)['vmbr1']['vlan_aware'] is False


def test_replaced_clears_what_is_not_given(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', state='replaced', config=[dict(iface='vmbr2', ports=['eno2'])])
    assert not result.failed, result
    assert result['commands'][0]['params'] == dict(type='bridge', bridge_vlan_aware=0, delete='bridge_vids,comments')
    assert gathered(pve_lab)['vmbr2'] == dict(iface='vmbr2', ports=['eno2'], vlan_aware=False, autostart=True)


def test_merged_leaves_unlisted_keys_alone(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', config=[dict(iface='vmbr2', comments='trust zone')])
    assert result['commands'][0]['params'] == dict(type='bridge', comments='trust zone')
    bridge = gathered(pve_lab)['vmbr2']
    assert bridge['vlan_aware'] is True and bridge['ports'] == ['eno2']


def test_a_port_moves_between_bridges_release_first(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', config=[dict(iface='vmbr3', ports=['eno2']), dict(iface='vmbr2', ports=[])])
    assert not result.failed, result
    assert calls(result) == [('PUT', '/nodes/pve1/network/vmbr2'), ('POST', '/nodes/pve1/network'), APPLY]
    bridges = gathered(pve_lab)
    assert bridges['vmbr2']['ports'] == [] and bridges['vmbr3']['ports'] == ['eno2']


def test_a_port_of_another_bridge_is_refused_before_any_write(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', config=[dict(iface='vmbr1', comments='ok'), dict(iface='vmbr3', ports=['eno1'])])
    assert result.failed
    assert result['msg'] == 'bridge vmbr3: port eno1 is already used by vmbr0 on node pve1'
    assert pve_lab.writes() == 0


def test_bad_input_is_refused_offline(pve_lab):
    cases = [
        (dict(iface='vmbr1', vids=['10']), 'vids needs vlan_aware=true'),
        (dict(iface='vmbr1', vlan_aware=False, vids=['10']), 'vlan_aware is false'),
        (dict(iface='vmbr1', vlan_aware=True, vids=['1']), "config[0].vids='1' is not a VLAN id or range"),
        (dict(iface='vmbr1', cidr='10.0.0.300/24'), "config[0].cidr='10.0.0.300/24' is not an IPv4 address"),
        (dict(iface='vmbr1', cidr='10.0.0.1'), 'needs a prefix length'),
        (dict(iface='1bad'), "config[0].iface='1bad' is not a valid interface name"),
        (dict(iface='eno1'), 'eno1 on node pve1 is a eth, not a Linux bridge'),
    ]
    for item, message in cases:
        result = pve_lab.run('pve_bridges', node='pve1', config=[item])
        assert result.failed and message in result['msg'], (item, result.get('msg'))
    assert pve_lab.writes() == 0


def test_deleted_refuses_the_gateway_bridge_and_deletes_others(pve_lab):
    refused = pve_lab.run('pve_bridges', node='pve1', state='deleted', config=[dict(iface='vmbr1'), dict(iface='vmbr0')])
    assert refused.failed and 'carries the default gateway 192.0.2.1' in refused['msg']
    assert pve_lab.writes() == 0
    removed = pve_lab.run('pve_bridges', node='pve1', state='deleted', config=[dict(iface='vmbr1'), dict(iface='vmbr9')])
    assert calls(removed) == [('DELETE', '/nodes/pve1/network/vmbr1'), APPLY]
    assert 'vmbr1' not in gathered(pve_lab)
    assert pve_lab.run('pve_bridges', node='pve1', state='deleted', config=[dict(iface='vmbr1')])['changed'] is False


def test_replaced_refuses_to_take_the_address_off_the_gateway_bridge(pve_lab):
    result = pve_lab.run('pve_bridges', node='pve1', state='replaced', config=[dict(iface='vmbr0', ports=['eno1'])])
    assert result.failed and "the node's default gateway 192.0.2.1 is on it" in result['msg']
    assert pve_lab.writes() == 0


def test_staged_only_then_a_later_run_applies_what_it_left(pve_lab):
    config = [dict(iface='vmbr4', comments='staged')]
    staged = pve_lab.run('pve_bridges', node='pve1', apply=False, config=config)
    assert calls(staged) == [('POST', '/nodes/pve1/network')] and staged['applied'] is False
    assert pve_lab.run('pve_bridges', node='pve1', state='gathered')['pending'] == ['vmbr4']
    pve_lab.handle.clear_log()
    again = pve_lab.run('pve_bridges', node='pve1', config=config)
    assert again['changed'] is True and calls(again) == [APPLY] and again['staged_before'] == ['vmbr4']
    assert pve_lab.run('pve_bridges', node='pve1', state='gathered')['pending'] == []
    assert pve_lab.run('pve_bridges', node='pve1', config=config)['changed'] is False
