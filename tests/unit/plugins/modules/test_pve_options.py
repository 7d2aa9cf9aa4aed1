# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_options end to end against the PVE emulator."""


def test_merged_sets_named_keys_then_is_idempotent(pve_lab):
    first = pve_lab.run('pve_options', config=dict(enable=True, policy_in='DROP'))
    assert not first.failed, first
    assert first['changed'] is True
    assert first['after'] == {'enable': True}  # policy_in DROP is the effective default: not written
    assert [c['method'] for c in first['commands']] == ['PUT']
    second = pve_lab.run('pve_options', config=dict(enable=True, policy_in='DROP'))
    assert second['changed'] is False
    assert second['commands'] == []


def test_check_mode_plans_and_writes_nothing(pve_lab):
    result = pve_lab.run('pve_options', check_mode=True, diff=True, level='node', node='pve1',
                         config=dict(nftables=True, nf_conntrack_max=131072))
    assert result['changed'] is True
    assert result['commands'] == [{'method': 'PUT', 'path': '/nodes/pve1/firewall/options',
                                   'params': {'nftables': '1', 'nf_conntrack_max': '131072'}}]
    assert result['diff']['after'] == {'nftables': True, 'nf_conntrack_max': 131072}
    assert pve_lab.writes() == 0
    gathered = pve_lab.run('pve_options', level='node', node='pve1', state='gathered')
    assert gathered['gathered'] == {}


def test_replaced_resets_other_keys_and_merged_leaves_them(pve_lab):
    pve_lab.run('pve_options', level='node', node='pve1', config=dict(nftables=True, log_level_in='info'))
    merged = pve_lab.run('pve_options', level='node', node='pve1', config=dict(tcpflags=True))
    assert merged['after'] == {'nftables': True, 'log_level_in': 'info', 'tcpflags': True}
    replaced = pve_lab.run('pve_options', level='node', node='pve1', state='replaced', config=dict(tcpflags=True))
    assert replaced['changed'] is True
    assert replaced['commands'][0]['params']['delete'] == 'log_level_in,nftables'
    assert pve_lab.run('pve_options', level='node', node='pve1', state='gathered')['gathered'] == {'tcpflags': True}


def test_guest_level_finds_the_node_itself(pve_lab):
    result = pve_lab.run('pve_options', level='ct', vmid=200, config=dict(enable=True, policy_in='DROP', ipfilter=True))
    assert result['changed'] is True
    assert result['commands'][0]['path'] == '/nodes/pve1/lxc/200/firewall/options'


def test_wrong_guest_kind_and_unknown_key_fail_before_writing(pve_lab):
    wrong_kind = pve_lab.run('pve_options', level='vm', vmid=200, config=dict(enable=True))
    assert wrong_kind.failed and 'vmid 200 is a container, not a VM' in wrong_kind['msg']
    bad_key = pve_lab.run('pve_options', level='vm', vmid=100, config=dict(nftables=True))
    assert bad_key.failed and 'config.nftables is not a firewall option at level=vm' in bad_key['msg']
    assert pve_lab.writes() == 0


def test_digest_conflict_is_replanned_once(pve_lab):
    # The first PUT meets a stale digest (as if another admin wrote in between): read again, plan again, succeed.
    pve_lab.handle.fault(status=500, reason='detected modified configuration - file changed by other user? Try again.',
                         method='PUT', path='/cluster/firewall/options$', count=1)
    result = pve_lab.run('pve_options', config=dict(policy_out='REJECT'))
    assert not result.failed, result
    assert result['after'] == {'policy_out': 'REJECT'}
    pve_lab.handle.fault(status=500, reason='detected modified configuration - file changed by other user? Try again.',
                         method='PUT', path='/cluster/firewall/options$', count=2)
    result = pve_lab.run('pve_options', config=dict(policy_out='DROP'))
    assert result.failed and 'detected modified configuration' in result['msg']


def test_wrong_ca_fails_with_a_tls_message(pve_lab, tmp_path):
    other = tmp_path / 'other-ca.pem'
    from labcore.tls import make_certificates  # pylint: disable=import-outside-toplevel
    other.write_bytes(make_certificates('stranger')[0])
    result = pve_lab.run('pve_options', state='gathered', ca_path=str(other))
    assert result.failed
    assert 'Failed to verify the TLS certificate of 127.0.0.1' in result['msg']


def test_bad_token_fails_clearly(pve_lab):
    result = pve_lab.run('pve_options', state='gathered', api_token_secret='wrong')
    assert result.failed
    assert '401' in result['msg'] or 'check api_user' in result['msg']


def test_many_guests_in_one_task(pve_lab):
    guests = [dict(vmid=vmid, config=dict(enable=True, policy_in='DROP', ipfilter=True)) for vmid in (100, 101, 110, 200)]
    result = pve_lab.run('pve_options', guests=guests)
    assert not result.failed, result
    assert [r['vmid'] for r in result['results']] == [100, 101, 110, 200]
    assert all(r['after'] == {'enable': True, 'ipfilter': True} for r in result['results'])
    assert pve_lab.run('pve_options', guests=guests)['changed'] is False
    gathered = pve_lab.run('pve_options', state='gathered', guests=[dict(vmid=200)])
    assert gathered['gathered'][0]['gathered'] == {'enable': True, 'ipfilter': True}


def test_bad_option_for_one_guest_writes_nothing(pve_lab):
    guests = [dict(vmid=100, config=dict(enable=True)), dict(vmid=101, config=dict(policy_in='ALLOW'))]
    result = pve_lab.run('pve_options', guests=guests)
    assert result.failed and "guests[1].config.policy_in='ALLOW'" in result['msg']
    assert pve_lab.writes() == 0


def test_confirm_enable_switches_on_with_revert_then_confirms(pve_lab):
    result = pve_lab.run('pve_options', confirm_enable=True, confirm_wait=0, config=dict(enable=True, policy_in='DROP'))
    assert not result.failed, result
    assert result['confirmed'] is True
    assert [(c['method'], c['params'].get('enable')) for c in result['commands']] == [('PUT', '2'), ('PUT', '1')]
    puts = [entry for entry in pve_lab.handle.log()['entries'] if entry['method'] == 'PUT']
    assert len(puts) == 2
    # Confirmed: still on after the 60 s window of the automatic revert.
    pve_lab.handle.side('POST', 'clock', {'advance': 120})
    assert pve_lab.run('pve_options', state='gathered')['gathered']['enable'] is True
    again = pve_lab.run('pve_options', confirm_enable=True, confirm_wait=0, config=dict(enable=True))
    assert again['changed'] is False and 'confirmed' not in again


def test_confirm_enable_leaves_the_switch_unconfirmed_when_the_api_stops_answering(pve_lab):
    # The planning reads pass; the check over a new connection meets a dropped connection, as when the new
    # ruleset locked the controller out.
    pve_lab.handle.fault(drop=True, method='GET', path='/version$', count=5)
    result = pve_lab.run('pve_options', confirm_enable=True, confirm_wait=0, config=dict(enable=True))
    assert result.failed
    assert 'NOT confirmed' in result['msg'] and 'within 60 s' in result['msg']
    pve_lab.handle.clear_faults()
    assert pve_lab.run('pve_options', state='gathered')['gathered']['enable'] == 'pending-confirmation'
    pve_lab.handle.side('POST', 'clock', {'advance': 61})
    assert pve_lab.run('pve_options', state='gathered')['gathered'].get('enable') is False


def test_confirm_enable_in_check_mode_plans_both_writes_and_sends_none(pve_lab):
    result = pve_lab.run('pve_options', check_mode=True, confirm_enable=True, config=dict(enable=True))
    assert result['changed'] is True
    assert [c['params'] for c in result['commands']] == [{'enable': '2'}, {'enable': '1'}]
    assert pve_lab.writes() == 0


def test_confirm_enable_does_nothing_special_for_other_options(pve_lab):
    result = pve_lab.run('pve_options', confirm_enable=True, config=dict(policy_out='REJECT'))
    assert [c['params'] for c in result['commands']] == [{'policy_out': 'REJECT'}]
    assert 'confirmed' not in result
