# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_reachability offline: one small hand-written configuration per semantic feature, with expected verdicts."""

import json

HOST_IP = '192.0.2.10'
LOCAL_NET = '192.0.2.0/24'
GUESTS = {
    'qemu': {
        '100': {'net0': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1',
                'net1': 'virtio=BC:24:11:00:00:02,bridge=vmbr1,firewall=1'},
        '101': {'net0': 'virtio=BC:24:11:00:00:03,bridge=vmbr0,firewall=0'},
    },
    'lxc': {
        '200': {'net0': 'name=eth0,hwaddr=BC:24:11:00:00:04,bridge=vmbr0,firewall=1,ip=10.0.0.20/24'},
    },
}
ON = '[OPTIONS]\nenable: 1\n\n'


def files(cluster=ON, host=None, **guests):
    result = {'cluster.fw': cluster}
    if host is not None:
        result['host.fw'] = host
    for name, text in guests.items():
        result['%s.fw' % name.lstrip('g')] = text
    return result


def guest(rules, options='enable: 1\n', extra=''):
    return '[OPTIONS]\n%s\n%s\n[RULES]\n%s' % (options, extra, rules)


def run(module_runner, fw_files, flows, check_mode=False, **extra):
    args = dict(fw_files=fw_files, guests=GUESTS, host_ip=HOST_IP, local_network=LOCAL_NET, flows=flows)
    args.update(extra)
    return module_runner('pve_reachability', args, check_mode=check_mode)


def verdicts(result):
    assert 'results' in result, result
    return [item['verdict'] for item in result['results']]


def test_expectations_and_deciding_rules(module_runner):
    web = guest('IN ACCEPT -p tcp -dport 443\nIN REJECT -p tcp -dport 25\n')
    result = run(module_runner, files(g100=web), [
        dict(id='https', **{'from': 'outside', 'to': 'vm100', 'dport': '443', 'expect': 'allow'}),
        dict(id='smtp', **{'from': 'outside', 'to': 'vm100', 'dport': '25', 'expect': 'deny'}),
        dict(id='smtp-exact', **{'from': 'outside', 'to': 'vm100', 'dport': '25', 'expect': 'REJECT'}),
        {'from': 'outside', 'to': 'vm100', 'dport': '80'},
    ])
    assert not result.failed, result
    assert verdicts(result) == ['ACCEPT', 'REJECT', 'REJECT', 'DROP']
    first, second, _third, fourth = result['results']
    assert first['rule'] == 'vm100 rule 0: IN ACCEPT -p tcp -dport 443' and first['ok'] is True and first['id'] == 'https'
    assert second['decided_by']['position'] == 1 and second['ok'] is True
    assert fourth['ok'] is None and fourth['decided_by']['kind'] == 'policy'
    assert fourth['rule'] == 'policy vm100 policy_in DROP (default)'
    assert result['summary'] == dict(flows=4, accepted=1, dropped=1, rejected=2, expectations=3, failed=0)
    assert result['changed'] is False


def test_failed_expectations_fail_with_a_table(module_runner):
    web = guest('IN ACCEPT -p tcp -dport 443\n')
    result = run(module_runner, files(g100=web), [
        {'id': 'db', 'from': 'outside', 'to': 'vm100', 'dport': '5432', 'expect': 'allow'},
        {'from': 'outside', 'to': 'vm100', 'dport': '443', 'expect': 'DROP'},
        {'from': 'outside', 'to': 'vm100', 'dport': '443', 'expect': 'accept'},
    ])
    assert result.failed
    assert result['summary']['failed'] == 2 and len(result['failures']) == 2
    lines = result['msg'].splitlines()
    assert lines[0] == '2 of 3 flow expectations do not hold:'
    assert lines[1].split() == ['#', 'flow', 'expected', 'verdict', 'decided', 'by']
    assert lines[2].startswith('0 (db)') and 'tcp/5432' in lines[2] and 'policy vm100 policy_in DROP' in lines[2]
    assert lines[3].split()[:7] == ['1', 'outside', '->', 'vm100', 'tcp/443', 'DROP', 'ACCEPT']
    assert lines[3].endswith('vm100 rule 0: IN ACCEPT -p tcp -dport 443')


def test_check_mode_gives_the_same_answer(module_runner):
    flows = [{'from': 'outside', 'to': 'vm100', 'dport': '22', 'expect': 'deny'}]
    normal = run(module_runner, files(g100=guest('')), flows)
    checked = run(module_runner, files(g100=guest('')), flows, check_mode=True)
    assert verdicts(normal) == verdicts(checked) == ['DROP']


def test_guest_switches_leave_guests_unfiltered(module_runner):
    disabled = guest('', options='enable: 0\n')
    result = run(module_runner, files(g100=disabled, g101=guest('')), [
        {'from': 'outside', 'to': 'vm100', 'dport': '22'},
        {'from': 'outside', 'to': 'vm101', 'dport': '22'},
    ])
    assert verdicts(result) == ['ACCEPT', 'ACCEPT']
    assert result['results'][0]['rule'] == ('no filter applies between these bridge ports; '
                                            'vm100 firewall disabled (option enable is 0)')
    assert result['results'][1]['rule'] == 'no filter applies between these bridge ports'
    off = run(module_runner, files('[OPTIONS]\nenable: 0\n', g100=guest('')), [{'from': 'outside', 'to': 'vm100', 'dport': '22'}])
    assert verdicts(off) == ['ACCEPT'] and 'cluster firewall disabled' in off['results'][0]['rule']


def test_management_and_policy_on_the_host(module_runner):
    cluster = ON + 'policy_in: DROP\n'
    result = run(module_runner, files(cluster), [
        {'source': '192.0.2.50', 'to': 'host', 'dport': '8006', 'expect': 'allow'},
        {'source': '192.0.2.50', 'to': 'host', 'dport': '22', 'expect': 'allow'},
        {'source': '198.51.100.7', 'to': 'host', 'dport': '8006', 'expect': 'deny'},
    ])
    assert not result.failed, result['msg'] if result.failed else None
    assert result['results'][0]['rule'] == 'built-in rule: management ipset: tcp/8006 (API/GUI)'
    assert result['results'][0]['resolved']['from'] == 'outside'
    assert result['results'][2]['rule'] == 'policy cluster policy_in DROP'


def test_host_rules_come_before_cluster_rules(module_runner):
    cluster = ON + '[RULES]\nIN DROP -p tcp -dport 8006\n'
    host = '[RULES]\nIN ACCEPT -source 192.0.2.50 -p tcp -dport 8006\n'
    result = run(module_runner, files(cluster, host), [
        {'source': '192.0.2.50', 'to': 'host', 'dport': '8006', 'expect': 'allow'},
        {'source': '192.0.2.51', 'to': 'host', 'dport': '8006', 'expect': 'deny'},
    ])
    assert not result.failed
    assert [item['decided_by']['level'] for item in result['results']] == ['host', 'cluster']


def test_security_groups_ipsets_and_aliases(module_runner):
    cluster = ON + ('[ALIASES]\nadmin 198.51.100.7\n\n[IPSET web]\n10.0.0.0/8\n!10.1.0.0/16\n\n'
                    '[group webtier]\nIN ACCEPT -source +web -p tcp -dport 443\nIN ACCEPT -source admin -p tcp -dport 22\n')
    result = run(module_runner, files(cluster, g100=guest('GROUP webtier\n')), [
        {'source': '10.2.0.1', 'to': 'vm100', 'dport': '443', 'expect': 'allow'},
        {'source': '10.1.0.1', 'to': 'vm100', 'dport': '443', 'expect': 'deny'},
        {'source': '198.51.100.7', 'to': 'vm100', 'dport': '22', 'expect': 'allow'},
        {'source': '198.51.100.8', 'to': 'vm100', 'dport': '22', 'expect': 'deny'},
    ])
    assert not result.failed, result.get('msg')
    via = result['results'][0]['decided_by']
    assert via['group'] == 'webtier' and via['via']['rule'] == 'GROUP webtier'
    assert result['results'][0]['rule'] == 'group webtier rule 0: IN ACCEPT -source +web -p tcp -dport 443 (via vm100 rule 0: GROUP webtier)'


def test_builtin_macros_offline_without_a_macros_file(module_runner):
    rules = 'IN SSH(ACCEPT)\nIN Ping(ACCEPT)\nIN DNS(ACCEPT) -source 10.0.0.0/8\n'
    result = run(module_runner, files(g200=guest(rules)), [
        {'from': 'outside', 'to': 'ct200', 'dport': '22', 'expect': 'allow'},
        {'from': 'outside', 'to': 'ct200', 'proto': 'icmp', 'dport': 'echo-request', 'expect': 'allow'},
        {'from': 'outside', 'to': 'ct200', 'proto': 'icmp', 'icmp_type': 'echo-request', 'expect': 'allow'},
        {'from': 'outside', 'to': 'ct200', 'source': '10.9.9.9', 'proto': 'udp', 'dport': '53', 'expect': 'allow'},
        {'from': 'outside', 'to': 'ct200', 'source': '11.9.9.9', 'proto': 'tcp', 'dport': '53', 'expect': 'deny'},
    ])
    assert not result.failed, result.get('msg')
    assert result['config_warnings'] == []


def test_macros_file_restricts_or_defines(module_runner, tmp_path):
    names = tmp_path / 'names.json'
    names.write_text(json.dumps([{'macro': 'HTTP', 'descr': 'web'}, {'macro': 'Custom', 'descr': 'unknown here'}]))
    rules = 'IN SSH(ACCEPT)\nIN HTTP(ACCEPT)\n'
    flows = [{'from': 'outside', 'to': 'ct200', 'dport': '22'}, {'from': 'outside', 'to': 'ct200', 'dport': '80'}]
    restricted = run(module_runner, files(g200=guest(rules)), flows, macros_file=str(names))
    assert verdicts(restricted) == ['DROP', 'ACCEPT']
    warnings = '\n'.join(restricted['config_warnings'])
    assert "macro 'Custom' has no known definition" in warnings and "unknown macro 'SSH'" in warnings
    defined = tmp_path / 'defs.json'
    defined.write_text(json.dumps({'macros': {'SSH': [{'action': 'PARAM', 'proto': 'tcp', 'dport': '2222'}]}}))
    redefined = run(module_runner, files(g200=guest(rules)), flows + [{'from': 'outside', 'to': 'ct200', 'dport': '2222'}],
                    macros_file=str(defined))
    assert verdicts(redefined) == ['DROP', 'ACCEPT', 'ACCEPT']
    broken = tmp_path / 'broken.json'
    broken.write_text('{nope')
    failed = run(module_runner, files(g200=guest(rules)), flows, macros_file=str(broken))
    assert failed.failed and 'is not JSON' in failed['msg']


def test_addresses_instead_of_zones(module_runner):
    ipfilter = guest('IN ACCEPT -p tcp -dport 22\n', extra='[IPSET ipfilter-net1]\n10.9.0.5\n10.8.0.0/16\n')
    result = run(module_runner, files(g100=ipfilter, g200=guest('IN ACCEPT -p tcp -dport 22\n')), [
        {'from': '203.0.113.9', 'to': '10.0.0.20', 'dport': '22'},
        {'from': '203.0.113.9', 'to': '10.9.0.5', 'dport': '22'},
        {'source': '10.0.0.20', 'to': HOST_IP, 'dport': '8006'},
    ])
    resolved = [(item['resolved']['from'], item['resolved']['to']) for item in result['results']]
    assert resolved == [('outside', 'ct200'), ('outside', 'vm100i1'), ('ct200', 'host')]
    assert verdicts(result) == ['ACCEPT', 'ACCEPT', 'DROP']


def test_flows_without_a_side_are_expanded_like_the_simulator(module_runner):
    result = run(module_runner, files(g100=guest('')), [{'to': 'vm100', 'expect': 'deny'}],
                 zones=['host', 'outside', 'nfvm', 'vm100', 'ct200'])
    assert [item['from'] for item in result['results']] == ['host', 'outside', 'nfvm', 'ct200']
    assert set(verdicts(result)) == {'DROP'}
    default = run(module_runner, files(g100=guest('')), [{'from': 'outside'}])
    assert [item['to'] for item in default['results']] == ['host', 'nfvm', 'vm100', 'vm100i1', 'vm101', 'ct200']


def test_corpus_style_flow_keys(module_runner):
    # results.json packets carry dsttype and id, test lines carry action: all are accepted
    corosync = ('nodelist {\n  node {\n    name: self\n    ring0_addr: 192.0.2.10\n  }\n  node {\n    name: peer\n'
                '    ring0_addr: 192.0.2.11\n  }\n}\ntotem {\n  transport: udp\n}\n')
    path_flows = [
        {'from': 'outside', 'to': 'host', 'dest': '239.192.158.83', 'proto': 'udp', 'dport': 5404, 'dsttype': 'MULTICAST',
         'action': 'ACCEPT', 'id': 'mcast'},
        {'from': 'outside', 'to': 'host', 'dest': '239.192.158.83', 'proto': 'udp', 'dport': 5404, 'dsttype': 'UNICAST',
         'action': 'DROP'},
        {'from': 'outside', 'to': 'host', 'source': '192.0.2.11', 'proto': 'udp', 'dport': 5405, 'expect': 'ACCEPT'},
    ]
    import tempfile  # pylint: disable=import-outside-toplevel
    with tempfile.NamedTemporaryFile('w', suffix='.conf') as handle:
        handle.write(corosync)
        handle.flush()
        result = run(module_runner, files(), path_flows, corosync_conf=handle.name)
    assert not result.failed, result.get('msg')
    assert result['results'][2]['rule'] == 'built-in rule: corosync ring0_addr with node peer'


def test_fidelity_option(module_runner):
    # REJECT of ICMP: the kernel sends no ICMP error for ICMP (DROP); PVE's simulator reports REJECT
    rules = 'IN REJECT -p icmp\n'
    flows = [{'from': 'outside', 'to': 'vm100', 'proto': 'icmp', 'dport': 'echo-request'}]
    kernel = run(module_runner, files(g100=guest(rules)), flows)
    simulator = run(module_runner, files(g100=guest(rules)), flows, fidelity='simulator')
    assert kernel['fidelity'] == 'kernel' and simulator['fidelity'] == 'simulator'
    assert verdicts(kernel) == ['DROP'] and verdicts(simulator) == ['REJECT']


def test_local_network_default_is_announced(module_runner):
    cluster = ON + 'policy_in: DROP\n'
    flows = [{'source': '192.0.2.77', 'to': 'host', 'dport': '8006'}]
    args = dict(fw_files=files(cluster), guests=GUESTS, host_ip=HOST_IP, flows=flows)
    guessed = module_runner('pve_reachability', args)
    assert guessed['local_network'] == '192.0.2.0/24' and verdicts(guessed) == ['ACCEPT']
    assert any('local_network not given' in warning for warning in guessed['config_warnings'])
    prefixed = module_runner('pve_reachability', dict(args, host_ip='192.0.2.10/26', flows=flows * 2))
    assert (prefixed['host_ip'], prefixed['local_network']) == ('192.0.2.10', '192.0.2.0/26') and verdicts(prefixed) == ['DROP'] * 2
    alias = module_runner('pve_reachability', dict(args, fw_files=files(cluster + '[ALIASES]\nlocal_network 198.51.100.0/24\n')))
    assert verdicts(alias) == ['DROP'] and not any('local_network not given' in w for w in alias['config_warnings'])


def test_etc_pve_layout_and_node_selection(module_runner, tmp_path):
    (tmp_path / 'firewall').mkdir()
    (tmp_path / 'firewall' / 'cluster.fw').write_text(ON)
    (tmp_path / 'firewall' / '100.fw').write_text(guest('IN ACCEPT -p tcp -dport 80\n'))
    for node, port in (('pve1', 2001), ('pve2', 2002)):
        (tmp_path / 'nodes' / node).mkdir(parents=True)
        (tmp_path / 'nodes' / node / 'host.fw').write_text('[RULES]\nIN ACCEPT -p tcp -dport %d\n' % port)
    flows = [{'from': 'outside', 'to': 'host', 'dport': '2001'}, {'from': 'outside', 'to': 'host', 'dport': '2002'},
             {'from': 'outside', 'to': 'vm100', 'dport': '80'}]
    args = dict(fw_dir=str(tmp_path), guests=GUESTS, host_ip=HOST_IP, local_network=LOCAL_NET, flows=flows)
    assert verdicts(module_runner('pve_reachability', dict(args, node='pve1'))) == ['ACCEPT', 'DROP', 'ACCEPT']
    assert verdicts(module_runner('pve_reachability', dict(args, node='pve2'))) == ['DROP', 'ACCEPT', 'ACCEPT']


def test_gathered_data_mode(module_runner):
    firewall = {
        'cluster': {'options': {'enable': True, 'policy_in': 'DROP'}, 'rules': [], 'aliases': [{'name': 'db', 'cidr': '10.5.0.9'}],
                    'ipsets': [{'name': 'admins', 'comment': '', 'members': [{'cidr': '198.51.100.0/24', 'nomatch': False}]}],
                    'groups': [{'name': 'ssh', 'rules': [
                        {'type': 'in', 'action': 'ACCEPT', 'macro': 'SSH', 'source': '+admins', 'enable': True}]}]},
        'nodes': [{'name': 'pve1', 'options': {}, 'rules': [{'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '9100',
                                                             'enable': True}]}],
        'guests': [{'vmid': 100, 'type': 'vm', 'node': 'pve1', 'options': {'enable': True}, 'aliases': [], 'ipsets': [],
                    'rules': [{'type': 'group', 'action': 'ssh', 'enable': True},
                              {'type': 'in', 'action': 'ACCEPT', 'proto': 'tcp', 'dport': '5432', 'source': 'db', 'enable': False},
                              {'type': 'in', 'action': 'ACCEPT', 'proto': 'icmp', 'icmp_type': 'echo-request', 'enable': True}],
                    'nics': {'net0': {'raw': 'virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1', 'bridge': 'vmbr0', 'firewall': True}}},
                   {'vmid': 300, 'type': 'ct', 'node': 'pve2', 'options': {'enable': True}, 'rules': [],
                    'nics': {'net0': {'bridge': 'vmbr0', 'firewall': True}}}],
    }
    result = module_runner('pve_reachability', dict(firewall=firewall, node='pve1', host_ip=HOST_IP, local_network=LOCAL_NET, flows=[
        {'source': '198.51.100.5', 'to': 'vm100', 'dport': '22', 'expect': 'allow'},
        {'source': '203.0.113.5', 'to': 'vm100', 'dport': '22', 'expect': 'deny'},
        {'source': '10.5.0.9', 'to': 'vm100', 'dport': '5432', 'expect': 'deny'},
        {'from': 'outside', 'to': 'vm100', 'proto': 'icmp', 'icmp_type': 'echo-request', 'expect': 'allow'},
        {'from': 'outside', 'to': 'host', 'dport': '9100', 'expect': 'allow'},
    ]))
    assert not result.failed, result.get('msg')
    # the container of another node is no zone of pve1
    other = module_runner('pve_reachability', dict(firewall=firewall, node='pve1', host_ip=HOST_IP,
                                                   flows=[{'from': 'outside', 'to': 'ct300'}]))
    assert other.failed and "no such CT '300'" in other['msg']


def test_bad_input_fails_with_one_clear_sentence(module_runner):
    base = files(g100=guest(''))
    cases = [
        ([{'from': 'outside', 'to': 'vm999'}], {}, "flows[0] outside -> vm999 tcp: no such VM '999'"),
        ([{'from': 'outside', 'to': 'vm100', 'expect': 'maybe'}], {}, "flows[0].expect 'maybe' is not one of"),
        ([{'dport': '22'}], {}, 'flows[0] names neither from/source nor to/dest'),
        ([{'from': 'outside', 'to': 'vm100', 'state': 'SYN'}], {}, "flows[0].state 'SYN' is not one of"),
        ([{'from': 'outside', 'to': 'vm100'}], {'host_ip': 'pve1'}, "host_ip 'pve1' is not an IP address"),
        ([{'from': 'outside', 'to': 'vm100'}], {'guests': {'kvm': {}}}, "guests: unknown section 'kvm'"),
    ]
    for flows, extra, message in cases:
        result = run(module_runner, base, flows, **extra)
        assert result.failed, flows
        assert message in result['msg'], (message, result['msg'])
    assert 'not a directory' in module_runner('pve_reachability', dict(fw_dir='/nonexistent/zw', flows=[{'to': 'host'}]))['msg']


def test_details_return_the_hops(module_runner):
    result = run(module_runner, files(g100=guest('IN ACCEPT -p tcp -dport 22\n'), g200=guest('')), [
        {'from': 'ct200', 'to': 'vm100', 'dport': '22'}], details=True)
    hops = result['results'][0]['hops']
    assert [hop['stage'] for hop in hops] == ['ct200 out (net0)', 'bridge vmbr0', 'vm100 in (net0)']
    assert 'hops' not in run(module_runner, files(), [{'from': 'outside', 'to': 'host'}])['results'][0]


def test_several_nodes_in_the_files_need_the_node_option(module_runner):
    fw_files = {'firewall/cluster.fw': ON, 'nodes/pve1/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 2001\n',
                'nodes/pve2/host.fw': '[RULES]\nIN ACCEPT -p tcp -dport 2002\n'}
    flows = [{'from': 'outside', 'to': 'host', 'dport': '2002'}]
    result = run(module_runner, fw_files, flows)
    assert result.failed and 'host.fw files for the nodes pve1, pve2: set node' in result['msg']
    single = run(module_runner, {'firewall/cluster.fw': ON, 'nodes/pve2/host.fw': fw_files['nodes/pve2/host.fw']}, flows)
    assert single['node'] == 'pve2' and verdicts(single) == ['ACCEPT']
    typo = run(module_runner, fw_files, flows, node='pve3')
    assert any('node pve3 has no host.fw' in warning for warning in typo['config_warnings'])
