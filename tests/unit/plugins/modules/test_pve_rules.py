# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_rules end to end against the PVE emulator, whose list semantics are PVE's (POST at 0, moveto, digests)."""

import random

SSH = dict(type='in', action='ACCEPT', macro='ssh', source='192.0.2.0/24', comment='admins')
WEB = dict(type='in', action='ACCEPT', proto='tcp', dport='443,80')
DNS = dict(type='out', action='ACCEPT', proto='udp', dport='53')
DENY_TELNET = dict(type='in', action='DROP', proto='tcp', dport='23')


def identity(rules):
    return [(r['type'], r['action'], r.get('macro'), r.get('proto'), r.get('dport'), r.get('source')) for r in rules]


def test_overridden_builds_the_exact_order_and_is_idempotent(pve_lab):
    config = [SSH, WEB, DENY_TELNET, DNS]
    first = pve_lab.run('pve_rules', state='overridden', config=config)
    assert not first.failed, first
    assert first['changed'] is True
    gathered = pve_lab.run('pve_rules', state='gathered')['gathered']
    assert identity(gathered) == [('in', 'ACCEPT', 'SSH', None, None, '192.0.2.0/24'), ('in', 'ACCEPT', None, 'tcp', '443,80', None),
                                  ('in', 'DROP', None, 'tcp', '23', None), ('out', 'ACCEPT', None, 'udp', '53', None)]
    assert all(rule['enable'] for rule in gathered)
    # Normalised identity: macro case, port order, /32-less addresses all compare equal.
    second = pve_lab.run('pve_rules', state='overridden', config=[dict(SSH, macro='SSH'), dict(WEB, dport='80,443'), DENY_TELNET, DNS])
    assert second['changed'] is False and second['commands'] == []
    again = pve_lab.run('pve_rules', state='overridden', config=gathered)
    assert again['changed'] is False


def test_comment_change_is_one_put_in_place(pve_lab):
    pve_lab.run('pve_rules', state='overridden', config=[SSH, WEB])
    result = pve_lab.run('pve_rules', state='overridden', config=[dict(SSH, comment='jump hosts'), WEB])
    assert [(c['method'], c['path']) for c in result['commands']] == [('PUT', '/cluster/firewall/rules/0')]
    assert result['commands'][0]['params']['comment'] == 'jump hosts'


def test_reorder_uses_moves_not_delete_and_recreate(pve_lab):
    pve_lab.run('pve_rules', state='overridden', config=[SSH, WEB, DNS])
    result = pve_lab.run('pve_rules', state='overridden', config=[DNS, SSH, WEB])
    assert [c['method'] for c in result['commands']] == ['PUT']
    assert 'moveto' in result['commands'][0]['params']
    assert identity(pve_lab.run('pve_rules', state='gathered')['gathered'])[0][0] == 'out'


def test_check_mode_plans_the_same_calls_and_writes_nothing(pve_lab):
    pve_lab.run('pve_rules', state='overridden', config=[SSH, WEB])
    pve_lab.handle.clear_log()
    planned = pve_lab.run('pve_rules', check_mode=True, diff=True, state='overridden', config=[WEB, DENY_TELNET])
    assert planned['changed'] is True and planned['commands']
    assert identity(planned['diff']['after']) == identity([WEB, DENY_TELNET])
    assert pve_lab.writes() == 0
    real = pve_lab.run('pve_rules', state='overridden', config=[WEB, DENY_TELNET])
    assert [(c['method'], c['path']) for c in real['commands']] == [(c['method'], c['path']) for c in planned['commands']]


def test_random_lists_converge_exactly(pve_lab):
    pool = [dict(type='in', action=random.Random(i).choice(['ACCEPT', 'DROP']), proto='tcp', dport=str(1000 + i)) for i in range(12)]
    rng = random.Random(7)
    current = []
    for _round in range(6):
        target = rng.sample(pool, rng.randint(0, 8))
        result = pve_lab.run('pve_rules', state='overridden', config=target)
        assert not result.failed, result
        gathered = pve_lab.run('pve_rules', state='gathered')['gathered']
        assert [r['dport'] for r in gathered] == [r['dport'] for r in target]
        assert identity(result['after']) == identity(gathered)
        current = target
    assert pve_lab.run('pve_rules', state='overridden', config=current)['changed'] is False


def test_merged_never_removes_and_deleted_removes_by_identity(pve_lab):
    pve_lab.run('pve_rules', state='overridden', config=[SSH, WEB])
    merged = pve_lab.run('pve_rules', config=[DNS])
    assert merged['changed'] is True
    assert len(merged['after']) == 3
    deleted = pve_lab.run('pve_rules', state='deleted', config=[dict(WEB, dport='80,443')])
    assert identity(deleted['after']) == identity([dict(SSH, macro='SSH'), DNS])


def test_guest_level_and_many_guests(pve_lab):
    result = pve_lab.run('pve_rules', state='overridden', guests=[
        dict(vmid=100, config=[dict(SSH, iface='net0')]), dict(vmid=200, config=[DNS])])
    assert not result.failed, result
    assert [r['vmid'] for r in result['results']] == [100, 200]
    assert result['results'][1]['commands'][0]['path'] == '/nodes/pve1/lxc/200/firewall/rules'


def test_bad_input_names_the_rule_field_and_value_and_writes_nothing(pve_lab):
    cases = [
        ([dict(type='forward', action='ACCEPT')], 'vm', 'config[0]'),
        ([SSH, dict(type='in', action='ACCEPT', dport='22')], 'cluster', 'config[1]'),
        ([dict(type='in', action='ACCEPT', source='10.0.0.0/8,2001:db8::/32')], 'cluster', 'config[0]'),
        ([dict(type='in', action='ACCEPT', macro='NoSuchMacro')], 'cluster', 'NoSuchMacro'),
        ([dict(type='in', action='ACCEPT', source='+nosuchset')], 'cluster', 'nosuchset'),
        ([dict(type='group', action='nosuchgroup')], 'cluster', 'nosuchgroup'),
        ([dict(type='in', action='ACCEPT', proto='tcp', dport='70000')], 'cluster', '70000'),
    ]
    for config, level, fragment in cases:
        extra = dict(vmid=100) if level == 'vm' else {}
        result = pve_lab.run('pve_rules', state='overridden', level=level, config=config, **extra)
        assert result.failed, config
        assert fragment in result['msg'], (fragment, result['msg'])
    assert pve_lab.writes() == 0


def test_a_concurrent_insert_is_detected_and_replanned(pve_lab):
    pve_lab.run('pve_rules', state='overridden', config=[SSH, WEB, DNS])
    # Another admin's digest race: the first guarded write is refused once; the module re-reads and re-plans.
    pve_lab.handle.fault(status=500, reason='detected modified configuration - file changed by other user? Try again.',
                         method='PUT', path='/cluster/firewall/rules/', count=1)
    result = pve_lab.run('pve_rules', state='overridden', config=[DNS, SSH, WEB])
    assert not result.failed, result
    assert identity(pve_lab.run('pve_rules', state='gathered')['gathered'])[0][0] == 'out'


def test_rendered_and_parsed_round_trip_offline(module_runner):
    run_module = module_runner
    rendered = run_module('pve_rules', dict(state='rendered', config=[SSH, DENY_TELNET, dict(type='group', action='web', iface='net0')]))
    assert rendered['rendered'].startswith('[RULES]\n\n')
    assert 'IN ssh(ACCEPT) -source 192.0.2.0/24 # admins' in rendered['rendered'] or 'IN SSH(ACCEPT)' in rendered['rendered']
    parsed = run_module('pve_rules', dict(state='parsed', running_config=rendered['rendered']))
    assert identity(parsed['parsed']) == [('in', 'ACCEPT', 'ssh', None, None, '192.0.2.0/24'), ('in', 'DROP', None, 'tcp', '23', None),
                                          ('group', 'web', None, None, None, None)]


def test_security_groups_lifecycle(pve_lab):
    postgres = dict(type='in', action='ACCEPT', proto='tcp', dport='5432')
    groups = [dict(name='web', comment='web tier', rules=[WEB, dict(SSH)]), dict(name='db', rules=[postgres])]
    first = pve_lab.run('pve_security_groups', state='overridden', config=groups)
    assert not first.failed, first
    assert first['changed'] is True
    assert pve_lab.run('pve_security_groups', state='overridden', config=groups)['changed'] is False
    gathered = pve_lab.run('pve_security_groups', state='gathered')['gathered']
    assert [g['name'] for g in gathered] == ['db', 'web']
    assert pve_lab.run('pve_security_groups', state='overridden', config=gathered)['changed'] is False
    comment = pve_lab.run('pve_security_groups', config=[dict(name='web', comment='front end')])
    assert [(c['method'], c['params'].get('rename')) for c in comment['commands']] == [('POST', 'web')]
    # A group a guest still inserts is not deleted without force.
    pve_lab.run('pve_rules', level='vm', vmid=100, config=[dict(type='group', action='db', iface='net0')])
    refused = pve_lab.run('pve_security_groups', state='overridden', config=[groups[0]])
    assert refused.failed and 'db by VM 100 rule 0' in refused['msg']
    forced = pve_lab.run('pve_security_groups', state='overridden', config=[groups[0]], force=True)
    assert not forced.failed, forced
    assert [g['name'] for g in pve_lab.run('pve_security_groups', state='gathered')['gathered']] == ['web']


def test_security_group_rules_can_be_managed_through_pve_rules(pve_lab):
    pve_lab.run('pve_security_groups', config=[dict(name='app')])
    result = pve_lab.run('pve_rules', level='group', group='app', state='overridden', config=[WEB])
    assert result['commands'][0]['path'] == '/cluster/firewall/groups/app'
    missing = pve_lab.run('pve_rules', level='group', group='nosuch', config=[WEB])
    assert missing.failed and 'security group nosuch does not exist' in missing['msg']
    bad = pve_lab.run('pve_security_groups', config=[dict(name='web', rules=[dict(type='group', action='app')])])
    assert bad.failed and 'config[0].rules[0]' in bad['msg']


def test_check_mode_plans_rules_for_objects_an_earlier_task_would_create(pve_lab):
    config = [dict(type='in', action='ACCEPT', source='+not_yet', proto='tcp', dport='22'), dict(type='group', action='later')]
    planned = pve_lab.run('pve_rules', check_mode=True, state='overridden', config=config)
    assert not planned.failed, planned
    assert planned['changed'] is True and len(planned['commands']) >= 2
    assert 'not_yet' in str(planned['warnings']) and 'check mode' in str(planned['warnings'])
    assert pve_lab.writes() == 0
    real = pve_lab.run('pve_rules', state='overridden', config=config)
    assert real.failed and 'later' in real['msg']


def test_many_guests_read_cluster_lookups_once(pve_lab):
    pve_lab.run('pve_security_groups', config=[dict(name='web', rules=[WEB])])
    pve_lab.run('pve_ipsets', config=[dict(name='admins', members=[dict(cidr='192.0.2.0/24')])])
    guests = [dict(vmid=vmid, config=[dict(type='group', action='web', iface='net0'), dict(SSH, source='+admins')])
              for vmid in (100, 101, 110, 120)]
    pve_lab.run('pve_rules', state='overridden', guests=guests)
    pve_lab.handle.clear_log()
    again = pve_lab.run('pve_rules', state='overridden', guests=guests)
    assert again['changed'] is False
    # One cluster/resources read, the macro list, the group list and the datacenter refs once, then one read per guest.
    by_path = pve_lab.handle.log()['by_path']
    assert sum(n for key, n in by_path.items() if key.endswith('/cluster/firewall/groups')) == 1
    assert sum(n for key, n in by_path.items() if key.endswith('/refs')) == 1
    assert pve_lab.reads() == 4 + len(guests)
