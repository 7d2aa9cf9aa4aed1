# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline tests of the benchmark harness: lab generation, drift, lower bound, targets, the callback's counting.

    python -m pytest -q tests/perf/test_harness.py
"""

import os
import sys

import pytest

PERF_DIR = os.path.dirname(os.path.abspath(__file__))
for _path in (PERF_DIR, os.path.join(PERF_DIR, 'callback_plugins')):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import labgen  # noqa: E402  pylint: disable=wrong-import-position
import report  # noqa: E402  pylint: disable=wrong-import-position

CLUSTER_FW = '''[OPTIONS]

enable: 1

[IPSET blocklist] # blocked networks

100.64.0.0/24
100.64.1.0/24

[IPSET management] # administrators

127.0.0.1

[RULES]

IN SSH(ACCEPT) -source +management # admins

[group web] # tier web

IN HTTP(ACCEPT) # web from anywhere
IN Ping(ACCEPT) -source +management # monitoring
OUT DROP -dest +blocklist # no traffic to blocked networks
'''


def converged_state(guests):
    """A state dump shaped like the emulator's, as the bench playbook leaves it."""
    fixture = labgen.pve_fixture(guests)
    for guest in fixture['guests']:
        guest['config']['net0'] = guest['config']['net0'].replace('firewall=0', 'firewall=1')
        fixture['fw_files']['firewall/%d.fw' % guest['vmid']] = (
            '[OPTIONS]\n\nenable: 1\n\n[RULES]\n\nGROUP web -i net0\nIN ACCEPT -source +management -p tcp -dport 9100 # node exporter\n')
    fixture['fw_files']['firewall/cluster.fw'] = CLUSTER_FW
    return fixture


def small_policy(guests):
    policy = labgen.pve_policy(guests)
    policy['bench_ipsets'] = [{'name': 'blocklist', 'members': [{'cidr': '100.64.0.0/24'}, {'cidr': '100.64.1.0/24'}]},
                              {'name': 'management', 'members': [{'cidr': '127.0.0.1'}]}]
    policy['bench_groups'] = [{'name': 'web', 'rules': labgen.TIER_RULES['web'][:1] + labgen.COMMON_GROUP_RULES}]
    return policy


def test_lab_is_deterministic_and_sized():
    first, second = labgen.pve_fixture(300), labgen.pve_fixture(300)
    assert first == second
    assert len(first['guests']) == 300
    assert len(first['nodes']) == 3
    assert len(set(g['vmid'] for g in first['guests'])) == 300
    assert sum(1 for g in first['guests'] if g['type'] == 'lxc') == 60
    policy = labgen.pve_policy(1000)
    sizes = dict((s['name'], len(s['members'])) for s in policy['bench_ipsets'])
    assert sizes['blocklist'] == 500
    assert sizes['tier-web'] == 250


def test_lower_bound_counts_collections():
    # cluster: set list + 6 sets, group list + 4 groups, rules (+ options in full scope); per guest 1 or 3
    assert labgen.collections_to_compare(30, 'rules') == 13 + 30
    assert labgen.collections_to_compare(30, 'full') == 14 + 90


@pytest.mark.parametrize('scope, kinds', [('rules', {'guest_rules', 'ipset_members', 'group_rules'}),
                                          ('full', {'guest_rules', 'guest_options', 'guest_nics', 'ipset_members', 'group_rules'})])
def test_drift_changes_exactly_the_counted_objects(scope, kinds):
    state = converged_state(40)
    policy = small_policy(40)
    drifted, counts = labgen.apply_drift(state, policy, scope)
    assert set(counts) == kinds
    assert counts['guest_rules'] == 2
    changed_files = [path for path in state['fw_files'] if state['fw_files'][path] != drifted['fw_files'][path]]
    changed_guests = [path for path in changed_files if path != 'firewall/cluster.fw']
    assert len(changed_guests) == counts['guest_rules'] + counts.get('guest_options', 0)
    changed_nics = [g for g, h in zip(state['guests'], drifted['guests']) if g['config']['net0'] != h['config']['net0']]
    assert len(changed_nics) == counts.get('guest_nics', 0)
    assert not set(g['vmid'] for g in changed_nics) & set(int(p[9:-3]) for p in changed_guests)
    cluster = drifted['fw_files']['firewall/cluster.fw']
    assert cluster.count('\n|') == counts['group_rules']
    assert counts['ipset_members'] == 1 and cluster.count('100.64.') == 1
    assert state == converged_state(40), 'the converged state must not be changed in place'


def test_drift_refuses_an_unknown_state():
    state = converged_state(4)
    state['fw_files']['firewall/cluster.fw'] = '[RULES]\n'
    with pytest.raises(ValueError):
        labgen.apply_drift(state, small_policy(4), 'rules')


def test_panos_drift_changes_descriptions():
    policy = labgen.panos_policy(40)
    xml = ''.join('<entry name="%s"><from><member>a</member></from><description>%s</description></entry>' % (r['name'], r['description'])
                  for r in policy['bench_security_rules'])
    drifted, count = labgen.panos_drift(xml, policy)
    assert count == 2
    assert drifted.count('changed by hand') == 2
    assert len(policy['bench_nat_rules']) == 4


def test_callback_counts_writes_only():
    import zw_bench  # pylint: disable=import-outside-toplevel
    result = {'commands': [{'method': 'GET', 'path': '/x'}, {'method': 'PUT', 'path': '/x'}, {'method': 'post', 'path': '/y'},
                           {'action': 'get', 'xpath': '/a'}, {'action': 'edit', 'xpath': '/a'}]}
    assert zw_bench.write_commands(result) == 3
    assert zw_bench.write_commands({}) == 0


def run(wall, requests, writes=0, **extra):
    data = {'returncode': 0, 'failures': [], 'wall_s': wall, 'requests': requests, 'reads': requests - writes, 'writes': writes,
            'invocations': 4, 'peak_pss_mb': 120.0, 'changed_by_action': {}}
    data.update(extra)
    return data


def test_targets_from_measurements():
    pve = {
        '300': {'ours': {'nochange': [run(10, 1200), run(12, 1200), run(11, 1200)], 'read_lower_bound': 914},
                'ours-rules': {'nochange': [run(5, 400)], 'read_lower_bound': 313},
                'baseline': {'nochange': [run(200, 700)], 'read_lower_bound': 313}},
        '1000': {'ours': {'nochange': [run(40, 3300)], 'drift': [run(40, 3500, writes=160)], 'drift_objects': {'a': 150, 'b': 10},
                          'read_lower_bound': 3014}},
    }
    results = {'pve': pve, 'panos': {'500': {'nochange': [run(3, 6, commits=0)]}}}
    summary = report.summarize(results)

    def find(text):
        return [t for t in summary['targets'] if text in t['target']][0]

    assert summary['pve']['300']['vs_baseline']['nochange']['speedup_same_scope'] == 40.0
    assert find('>= 10x faster')['met'] is True
    assert find('growth')['measured'] == round(40 / 11.0, 2) and find('growth')['met'] is False
    assert find('1000 guests drift (5%), ours')['met'] is True
    assert find('PAN-OS 500 rules no-change')['met'] is False
    lower = [t for t in summary['targets'] if 'lower bound' in t['target']]
    assert [t['met'] for t in lower] == [False, True]
    text = report.markdown(dict(results, summary=summary, machine={}, started='now', latency_ms=5, runs_per_scenario=3,
                                command='x', elapsed_s=1))
    assert '| 300 | ours | nochange | 11 (10-12) | 1200 |' in text


def test_smoke_problems_catch_a_writing_nochange_run():
    results = {'pve': {'6': {'ours': {'nochange': [run(1, 10, writes=2)]}}}, 'panos': {'10': {'nochange': [run(1, 3)]}}}
    results['summary'] = report.summarize(results)
    problems = report.smoke_problems(results)
    assert any('no-change run wrote 2' in problem for problem in problems)
