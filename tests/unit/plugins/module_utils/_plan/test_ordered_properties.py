# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based tests (hypothesis) of the planner with real Proxmox rules.

For random before/after lists of PVE rules, applying the plan with PVE's list semantics yields
exactly the after list, no intermediate list loses a rule that both lists have, and no packet
that both lists accept is refused in between.
"""

from collections import Counter

from hypothesis import given, settings, strategies as st

from ansible_collections.zonewarden.firewall.plugins.module_utils._plan.ordered import apply_ops, plan_overridden
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.rules import rule_model, to_api

PORTS = ['22', '80', '443', '53', '8006']
SOURCES = [None, '192.0.2.0/24', '198.51.100.7']

RULES = st.builds(
    lambda kind, action, port, source, enable, comment: to_api(dict(
        type=kind, action=action, proto='udp' if port == '53' else 'tcp', dport=port, source=source,
        enable=enable, comment=comment)),
    st.sampled_from(['in', 'out']), st.sampled_from(['ACCEPT', 'DROP', 'REJECT']), st.sampled_from(PORTS),
    st.sampled_from(SOURCES), st.booleans(), st.sampled_from([None, 'a', 'b']))
LISTS = st.lists(RULES, max_size=7)
MODEL = rule_model(level='cluster')


def packets():
    for kind in ('in', 'out'):
        for port in PORTS:
            for source in ('192.0.2.9', '198.51.100.7', '203.0.113.1'):
                yield kind, port, source


def matches(rule, packet):
    kind, port, source = packet
    if rule['type'] != kind or rule['dport'] != port:
        return False
    wanted = rule.get('source')
    return wanted is None or (wanted == source) or (wanted == '192.0.2.0/24' and source.startswith('192.0.2.'))


def accepted(rules, packet):
    for rule in rules:
        if rule.get('enable') and matches(rule, packet):
            return rule['action'] == 'ACCEPT'
    return False


def keys(rules):
    return Counter(MODEL.key(rule) for rule in rules)


@settings(max_examples=300, deadline=None)
@given(LISTS, LISTS)
def test_plan_reaches_want_and_keeps_shared_rules_and_traffic(have, want):
    ops = plan_overridden(have, want, MODEL)
    states = [list(have)]
    for op in ops:
        states.append(apply_ops(states[-1], [op]))
    final = states[-1]
    assert [MODEL.key(r) for r in final] == [MODEL.key(r) for r in want]
    assert all(MODEL.compare(f, w) is None for f, w in zip(final, want))
    shared = keys(have) & keys(want)
    both = [p for p in packets() if accepted(have, p) and accepted(want, p)]
    for state in states:
        assert not shared - keys(state), 'a rule present before and after disappeared mid-run'
        assert all(accepted(state, p) for p in both), 'traffic allowed before and after was refused mid-run'


@settings(max_examples=100, deadline=None)
@given(LISTS)
def test_equal_lists_need_no_calls(rules):
    assert plan_overridden(rules, [dict(r) for r in rules], MODEL) == []
