# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ordered-list reconcile engine: PVE position semantics, minimal plans, and the safety property.

The property tests use an abstract firewall: a small universe of packets (id, direction), rules
that match a set of packets with an effect (accept, deny, or a group jump with a per-packet
verdict), first match wins, default policy DROP or ACCEPT.
"""

from __future__ import annotations

import itertools
import random

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._plan import ordered
from ansible_collections.zonewarden.firewall.plugins.module_utils._plan.ordered import (
    ACCEPT, CREATE, DELETE, DENY, MIXED, MOVE, UPDATE, ItemModel, Op, PlanError, apply_ops,
    plan_deleted, plan_merged, plan_overridden, plan_replaced,
)

PACKETS = [(number, direction) for number in range(6) for direction in ('in', 'out')]


# ------------------------------------------------------------------------------------------
# Abstract model
# ------------------------------------------------------------------------------------------

def rule(key, effect=ACCEPT, match=None, enable=1, comment='', scope=None, verdicts=None):
    item = {'key': key, 'effect': effect, 'enable': enable, 'comment': comment, 'scope': scope}
    if effect == MIXED:
        item['verdicts'] = verdicts or {}
    else:
        item['match'] = frozenset(PACKETS if match is None else match)
    return item


def compare(have, want):
    changes = dict((f, want[f]) for f in ('enable', 'comment') if have[f] != want[f])
    return (changes, ()) if changes else None


MODEL = ItemModel(
    key=lambda r: r['key'],
    compare=compare,
    effect=lambda r: r['effect'] if r['enable'] else None,
    with_enable=lambda r, enabled: dict(r, enable=1 if enabled else 0),
    scope=lambda r: r['scope'],
)


def verdict(rules, packet, default):
    for item in rules:
        if not item['enable'] or (item['scope'] is not None and item['scope'] != packet[1]):
            continue
        if item['effect'] == MIXED:
            if item['verdicts'].get(packet):
                return item['verdicts'][packet]
        elif packet in item['match']:
            return item['effect']
    return default


def intermediate_states(have, ops):
    states, current = [list(have)], list(have)
    for op in ops:
        current = apply_ops(current, [op])
        states.append(current)
    return states


def lockouts(have, want, ops):
    """(default, packet, step) for each packet allowed before and after but refused in between."""
    found = []
    for default in (ACCEPT, DENY):
        both = [p for p in PACKETS if verdict(have, p, default) == ACCEPT and verdict(want, p, default) == ACCEPT]
        for step, state in enumerate(intermediate_states(have, ops)):
            found.extend((default, p, step) for p in both if verdict(state, p, default) != ACCEPT)
    return found


def random_pool(rng, size, effects=(ACCEPT, ACCEPT, DENY, DENY, MIXED)):
    pool = []
    for number in range(size):
        effect = rng.choice(effects)
        scope = rng.choice([None, 'in', 'out']) if effect != MIXED else None
        if effect == MIXED:
            verdicts = dict((p, rng.choice([ACCEPT, DENY, None])) for p in PACKETS)
            pool.append(rule('r%d' % number, MIXED, verdicts=verdicts))
        else:
            pool.append(rule('r%d' % number, effect, [p for p in PACKETS if rng.random() < 0.35], scope=scope))
    return pool


def instance(rng, base, disabled_rate=0.15):
    return dict(base, enable=0 if rng.random() < disabled_rate else 1, comment=rng.choice(['', 'a', 'b']))


def random_lists(rng):
    pool = random_pool(rng, rng.randint(1, 9))
    have = [instance(rng, rng.choice(pool)) for _i in range(rng.randint(0, 8))]
    want = [instance(rng, rng.choice(pool)) for _i in range(rng.randint(0, 8))]
    return have, want


def kinds(ops):
    return [op.kind for op in ops]


# ------------------------------------------------------------------------------------------
# apply_ops: PVE semantics (API-FACTS 3.3 - 3.6)
# ------------------------------------------------------------------------------------------

class TestApplyOps:

    def test_create_lands_at_position_zero(self):
        assert apply_ops(['a', 'b'], [Op(CREATE, item='n')]) == ['n', 'a', 'b']

    def test_move_up_lands_at_moveto(self):
        assert apply_ops(list('abcde'), [Op(MOVE, 3, 1)]) == list('adbce')

    def test_move_down_lands_before_the_original_element(self):
        # insert before the element that had index 4 ('e'): 'b' ends at index 3
        assert apply_ops(list('abcde'), [Op(MOVE, 1, 4)]) == list('acdbe')

    def test_moveto_at_or_beyond_length_appends(self):
        assert apply_ops(list('abc'), [Op(MOVE, 0, 3)]) == list('bca')
        assert apply_ops(list('abc'), [Op(MOVE, 0, 99)]) == list('bca')

    def test_moveto_next_index_is_a_no_op(self):
        assert apply_ops(list('abc'), [Op(MOVE, 0, 1)]) == list('abc')
        assert apply_ops(list('abc'), [Op(MOVE, 1, 1)]) == list('abc')

    def test_delete_shifts_later_items_up(self):
        assert apply_ops(list('abcd'), [Op(DELETE, 1), Op(DELETE, 1)]) == list('ad')

    def test_update_merges_changes_and_clears_deletes(self):
        have = [{'k': 1, 'comment': 'x', 'log': 'info'}]
        op = Op(UPDATE, 0, item=None, changes={'enable': 0}, deletes=('comment',))
        assert apply_ops(have, [op]) == [{'k': 1, 'enable': 0, 'log': 'info'}]
        assert have == [{'k': 1, 'comment': 'x', 'log': 'info'}]

    def test_update_replaces_non_mapping_items(self):
        assert apply_ops(['a'], [Op(UPDATE, 0, item='A')]) == ['A']

    @pytest.mark.parametrize('op', [Op(DELETE, 3), Op(MOVE, 3, 0), Op(UPDATE, -1, item='x'), Op(MOVE, 0, -1), Op('frob', 0)])
    def test_invalid_ops_raise(self, op):
        with pytest.raises(PlanError):
            apply_ops(list('abc'), [op])


# ------------------------------------------------------------------------------------------
# Hand cases
# ------------------------------------------------------------------------------------------

A1, A2, A3 = rule('a1'), rule('a2'), rule('a3')
D1, D2 = rule('d1', DENY), rule('d2', DENY)


class TestOverriddenHandCases:

    def test_equal_lists_need_no_call(self):
        assert plan_overridden([A1, D1, A2], [A1, D1, A2], MODEL) == []

    def test_attribute_changes_are_one_put_each_in_place(self):
        want = [dict(A1, comment='c'), D1, dict(A2, enable=0)]
        ops = plan_overridden([A1, D1, A2], want, MODEL)
        assert kinds(ops) == [UPDATE, UPDATE]
        assert sorted((op.pos, tuple(sorted(op.changes.items()))) for op in ops) == [(0, (('comment', 'c'),)), (2, (('enable', 0),))]
        assert apply_ops([A1, D1, A2], ops) == want

    def test_pure_deletions_go_from_the_highest_position_down(self):
        ops = plan_overridden([A1, D1, A2, D2, A3], [A1, A3], MODEL)
        assert kinds(ops) == [DELETE] * 3
        assert [op.pos for op in ops] == [3, 2, 1]

    def test_one_move_is_one_call(self):
        ops = plan_overridden([A1, A2, D1, A3], [A2, D1, A3, A1], MODEL)
        assert ops == [Op(MOVE, 0, 4)]

    def test_appending_accepts_costs_a_post_and_a_move_each(self):
        have = [D1, A3, D2]
        ops = plan_overridden(have, have + [A1, A2], MODEL)
        assert kinds(ops) == [CREATE, MOVE, CREATE, MOVE]
        assert apply_ops(have, ops) == have + [A1, A2]

    def test_appending_to_a_short_list_may_move_the_old_rule_instead(self):
        # POST a2, POST a1 (both land on top, in order), then move d1 up: 3 calls, not 4.
        ops = plan_overridden([D1], [D1, A1, A2], MODEL)
        assert kinds(ops) == [CREATE, CREATE, MOVE]
        assert apply_ops([D1], ops) == [D1, A1, A2]

    def test_filling_an_empty_list_posts_in_reverse_order_without_moves(self):
        ops = plan_overridden([], [A1, A2, A3], MODEL)
        assert ops == [Op(CREATE, item=A3), Op(CREATE, item=A2), Op(CREATE, item=A1)]

    def test_new_rules_on_top_need_no_move(self):
        ops = plan_overridden([A3], [A1, A2, A3], MODEL)
        assert kinds(ops) == [CREATE, CREATE]

    def test_deny_below_accepts_is_created_disabled_then_enabled(self):
        # POSTing d1 enabled would put it on top of a1 for one step.
        ops = plan_overridden([A1], [A1, D1], MODEL)
        assert kinds(ops) == [CREATE, MOVE, UPDATE]
        assert ops[0].item['enable'] == 0
        assert ops[2].changes == {'enable': 1}
        assert apply_ops([A1], ops) == [A1, D1]
        assert lockouts([A1], [A1, D1], ops) == []

    def test_deny_below_accepts_of_another_direction_needs_no_staging(self):
        accept_in, deny_out = rule('ai', scope='in'), rule('do', DENY, scope='out')
        ops = plan_overridden([accept_in], [accept_in, deny_out], MODEL)
        assert kinds(ops) == [CREATE, MOVE]

    def test_replacing_an_accept_creates_before_deleting(self):
        # The management accept changes identity (new source): never a window without it.
        ops = plan_overridden([A1, D1], [A2, D1], MODEL)
        assert kinds(ops) == [CREATE, DELETE]
        assert ops[1].pos == 1
        assert lockouts([A1, D1], [A2, D1], ops) == []

    def test_moving_deny_up_waits_for_the_accepts(self):
        have = [A1, A2, D1]
        want = [A3, D1, A1]
        ops = plan_overridden(have, want, MODEL)
        assert apply_ops(have, ops) == want
        assert lockouts(have, want, ops) == []

    def test_duplicates_are_a_multiset(self):
        twin = dict(A1)
        ops = plan_overridden([A1, D1], [A1, D1, twin], MODEL)
        assert kinds(ops) == [CREATE, MOVE]
        assert apply_ops([A1, D1], ops) == [A1, D1, twin]
        assert plan_overridden([A1, D1, twin], [A1, D1], MODEL) == [Op(DELETE, 2, item=twin)]

    def test_duplicates_pair_in_order(self):
        first, second = dict(A1, comment='first'), dict(A1, comment='second')
        ops = plan_overridden([first, second], [dict(first), dict(second, comment='changed')], MODEL)
        assert ops == [Op(UPDATE, 1, item=dict(second, comment='changed'), changes={'comment': 'changed'}, deletes=())]

    def test_moved_rule_with_changed_comment_is_a_move_and_a_put(self):
        want = [A2, dict(A1, comment='x')]
        ops = plan_overridden([A1, A2], want, MODEL)
        assert sorted(kinds(ops)) == [MOVE, UPDATE]
        assert apply_ops([A1, A2], ops) == want

    def test_group_jump_is_never_posted_on_top_of_rules_it_may_override(self):
        group = rule('g', MIXED, verdicts=dict((p, DENY) for p in PACKETS))
        ops = plan_overridden([A1], [A1, group], MODEL)
        assert ops[0].kind == CREATE and ops[0].item['enable'] == 0
        assert apply_ops([A1], ops) == [A1, group]

    def test_every_op_position_is_valid_when_it_runs(self):
        rng = random.Random(7)
        for _case in range(200):
            have, want = random_lists(rng)
            apply_ops(have, plan_overridden(have, want, MODEL))  # raises PlanError on a bad position


class TestOtherStates:

    def test_merged_adds_after_the_preceding_listed_rule_and_never_deletes(self):
        have = [A1, D1, A3]
        ops = plan_merged(have, [A1, A2], MODEL)
        assert apply_ops(have, ops) == [A1, A2, D1, A3]
        assert DELETE not in kinds(ops)

    def test_merged_first_listed_rule_goes_before_the_next_existing_one(self):
        assert apply_ops([A1, D1], plan_merged([A1, D1], [A2, D1], MODEL)) == [A1, A2, D1]

    def test_merged_unanchored_rules_go_to_the_chosen_end(self):
        assert apply_ops([A1], plan_merged([A1], [A2], MODEL)) == [A1, A2]
        assert apply_ops([A1], plan_merged([A1], [A2], MODEL, new_position='top')) == [A2, A1]

    def test_merged_updates_attributes_and_keeps_order(self):
        have = [A1, D1]
        ops = plan_merged(have, [dict(D1, comment='x'), A1], MODEL)
        assert ops == [Op(UPDATE, 1, item=dict(D1, comment='x'), changes={'comment': 'x'}, deletes=())]

    def test_merged_combine_decides_the_resulting_item(self):
        have = [dict(A1, comment='keep')]
        ops = plan_merged(have, [dict(A1, comment='', enable=0)], MODEL, combine=lambda h, w: dict(h, enable=w['enable']))
        assert apply_ops(have, ops) == [dict(A1, comment='keep', enable=0)]

    def test_merged_is_idempotent(self):
        have = [A1, D1]
        after = apply_ops(have, plan_merged(have, [A2, D1, A3], MODEL))
        assert plan_merged(after, [A2, D1, A3], MODEL) == []

    def test_replaced_orders_listed_rules_and_leaves_others(self):
        have = [A1, D1, A2, D2, A3]
        ops = plan_replaced(have, [A2, A1, A3], MODEL)
        after = apply_ops(have, ops)
        assert [r for r in after if r in (A1, A2, A3)] == [A2, A1, A3]
        assert [r for r in after if r in (D1, D2)] == [D1, D2]
        assert len(ops) == 1

    def test_replaced_sets_attributes_exactly(self):
        have = [dict(A1, comment='old'), D1]
        assert apply_ops(have, plan_replaced(have, [A1], MODEL)) == [A1, D1]

    def test_deleted_removes_every_copy_and_nothing_else(self):
        have = [A1, D1, dict(A1, comment='twin'), A2]
        ops = plan_deleted(have, [A1], MODEL)
        assert kinds(ops) == [DELETE, DELETE]
        assert apply_ops(have, ops) == [D1, A2]

    def test_deleted_unknown_rule_is_a_no_op(self):
        assert plan_deleted([A1], [A3], MODEL) == []


# ------------------------------------------------------------------------------------------
# Safety decision procedure
# ------------------------------------------------------------------------------------------

def semantic(rules):
    return [(r['key'], r['effect'], r['scope']) for r in rules if r['enable']]


class TestSafetyCheck:

    def test_losing_the_only_accept_is_unsafe(self):
        assert ordered._first_unsafe(semantic([A1]), semantic([A1, D1]), [semantic([])]) == 0

    def test_deny_on_top_of_a_needed_accept_is_unsafe(self):
        assert ordered._first_unsafe(semantic([A1]), semantic([A1, D1]), [semantic([D1, A1])]) == 0

    def test_extra_accept_is_safe(self):
        assert ordered._first_unsafe(semantic([A1]), semantic([A1, D1]), [semantic([A2, A1])]) is None

    def test_different_directions_do_not_interact(self):
        inbound, outbound = rule('i', scope='in'), rule('o', DENY, scope='out')
        state = [semantic([outbound, inbound])]
        assert ordered._first_unsafe(semantic([inbound]), semantic([inbound, outbound]), state) is None
        assert ordered._first_unsafe(semantic([inbound]), semantic([inbound, rule('o', DENY)]), [semantic([rule('o', DENY), inbound])]) == 0

    def test_decision_is_exact_against_enumeration(self):
        # One packet is a choice of verdict per key (pass, or what the key's effect allows).
        rng = random.Random(11)
        flagged_count = 0
        for _case in range(400):
            pool = random_pool(rng, 4)
            have, want, state = [[instance(rng, rng.choice(pool), 0.1) for _i in range(rng.randint(0, 4))] for _k in range(3)]
            keys = sorted(set(r['key'] for r in have + want + state))
            effect = dict((r['key'], r['effect']) for r in have + want + state)
            choices = [[None] + ([ACCEPT, DENY] if effect[k] == MIXED else [effect[k]]) for k in keys]

            def run(rules, packet, direction, default):
                for item in rules:
                    if item['enable'] and item['scope'] in (None, direction) and packet[item['key']]:
                        return packet[item['key']]
                return default
            expected = any(all(run(lst, dict(zip(keys, combo)), direction, d) == ACCEPT for lst in (have, want))
                           and run(state, dict(zip(keys, combo)), direction, d) != ACCEPT
                           for combo in itertools.product(*choices) for direction in ('in', 'out') for d in (ACCEPT, DENY))
            flagged = ordered._first_unsafe(semantic(have), semantic(want), [semantic(state)]) is not None
            assert flagged == expected, (have, want, state)
            flagged_count += flagged
        assert 0 < flagged_count < 400


# ------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------

def lcs_length(left, right):
    table = [[0] * (len(right) + 1) for _i in range(len(left) + 1)]
    for i, a in enumerate(left):
        for j, b in enumerate(right):
            table[i + 1][j + 1] = table[i][j] + 1 if a == b else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def minimum_calls(have, want):
    """Lower bound on calls for distinct keys (see module docs); exact when no staging is needed.

    Each new rule needs a POST, each extra a DELETE, each changed pair a PUT; every paired rule
    outside the kept common subsequence a move, and every new rule a move unless it is POSTed at 0
    before all rules that end above it; those rules then cannot be kept in place.
    """
    hk, wk = [r['key'] for r in have], [r['key'] for r in want]
    by_key = dict((r['key'], r) for r in have)
    new = [k for k in wk if k not in hk]
    extra = [k for k in hk if k not in wk]
    updates = sum(1 for r in want if r['key'] in by_key and compare(by_key[r['key']], r))
    paired = len(wk) - len(new)
    best = max(sum(1 for k in wk[:s] if k not in hk) + lcs_length(hk, wk[s:]) for s in range(len(wk) + 1))
    return len(new) + len(extra) + updates + paired + len(new) - best


def distinct_lists(rng, effects):
    size = rng.randint(1, 10)
    pool = random_pool(rng, size, effects)
    have = [instance(rng, r, 0.2) for r in rng.sample(pool, rng.randint(0, size))]
    want = [instance(rng, r, 0.2) for r in rng.sample(pool, rng.randint(0, size))]
    return have, want


@pytest.mark.parametrize('seed', range(4))
def test_overridden_reaches_want_without_lockout(seed):
    rng = random.Random(1000 + seed)
    for _case in range(750):
        have, want = random_lists(rng)
        ops = plan_overridden(have, want, MODEL)
        assert apply_ops(have, ops) == want
        assert lockouts(have, want, ops) == [], (have, want, ops)


@pytest.mark.parametrize('seed', range(2))
def test_accept_only_plans_are_minimal(seed):
    rng = random.Random(2000 + seed)
    for _case in range(500):
        have, want = distinct_lists(rng, (ACCEPT,))
        for item in have + want:
            item['enable'] = 1
        ops = plan_overridden(have, want, MODEL)
        assert apply_ops(have, ops) == want
        assert len(ops) == minimum_calls(have, want), (have, want, ops)


def test_plans_never_beat_the_lower_bound_and_stay_close():
    rng = random.Random(3000)
    extra = 0
    for _case in range(800):
        have, want = distinct_lists(rng, (ACCEPT, DENY, MIXED))
        ops = plan_overridden(have, want, MODEL)
        assert apply_ops(have, ops) == want
        assert lockouts(have, want, ops) == []
        bound = minimum_calls(have, want)
        assert len(ops) >= bound
        # staging costs at most 2 extra calls per create or move
        assert len(ops) <= 3 * bound
        extra += len(ops) - bound
    assert extra > 0  # the random lists do exercise staging


@pytest.mark.parametrize('seed', range(2))
def test_known_minimum_shapes(seed):
    rng = random.Random(4000 + seed)
    for _case in range(200):
        pool = random_pool(rng, 10)
        base = [instance(rng, r) for r in rng.sample(pool, 6)]
        # attribute-only changes: one PUT each
        changed = [dict(r, comment=r['comment'] + 'x') if rng.random() < 0.5 else r for r in base]
        ops = plan_overridden(base, changed, MODEL)
        assert kinds(ops) == [UPDATE] * sum(1 for a, b in zip(base, changed) if a != b)
        # pure deletions: one DELETE each
        kept = [r for r in base if rng.random() < 0.5]
        ops = plan_deleted(base, [r for r in base if r not in kept], MODEL)
        assert kinds(ops) == [DELETE] * (len(base) - len(kept))
        assert apply_ops(base, ops) == kept
        # one move: one call
        src, dst = rng.sample(range(len(base)), 2)
        moved = list(base)
        moved.insert(dst, moved.pop(src))
        ops = plan_overridden(base, moved, MODEL)
        assert len(ops) == 1 and ops[0].kind == MOVE
        assert apply_ops(base, ops) == moved
        # appending accepts: POST + move each
        tail = [dict(rule('n%d' % n), comment='') for n in range(rng.randint(1, 3))]
        ops = plan_overridden(base, base + tail, MODEL)
        assert len(ops) == 2 * len(tail)


@pytest.mark.parametrize('planner', ['merged', 'replaced', 'deleted'])
def test_other_states_are_safe_and_reach_their_target(planner):
    rng = random.Random(5000)
    for _case in range(600):
        have, want = random_lists(rng)
        if planner == 'merged':
            ops = plan_merged(have, want, MODEL)
            after = apply_ops(have, ops)
            assert [r for r in have if r['key'] not in [w['key'] for w in want]] == \
                [r for r in after if r['key'] not in [w['key'] for w in want]]
            assert len(after) >= len(have)
        elif planner == 'replaced':
            ops = plan_replaced(have, want, MODEL)
            after = apply_ops(have, ops)
            rest = list(after)
            for item in want:  # want is a subsequence of after ...
                assert item in rest
                rest = rest[rest.index(item) + 1:]
            left = list(have)  # ... and what is not listed stays
            for item in want:
                same = [r for r in left if r['key'] == item['key']]
                if same:
                    left.remove(same[0])
            assert len(after) == len(want) + len(left)
        else:
            doomed = want[:2]
            ops = plan_deleted(have, doomed, MODEL)
            after = apply_ops(have, ops)
            assert after == [r for r in have if r['key'] not in set(d['key'] for d in doomed)]
        assert lockouts(have, after, ops) == []
        # a second run has nothing to do
        if planner == 'deleted':
            assert plan_deleted(after, doomed, MODEL) == []


def test_fallback_is_safe_from_any_start(monkeypatch):
    # Force the construction that takes over when no greedy step is safe.
    monkeypatch.setattr(ordered, '_CHECK_BUDGET', -1)
    rng = random.Random(6000)
    for _case in range(1500):
        have, want = random_lists(rng)
        ops = plan_overridden(have, want, MODEL)
        assert apply_ops(have, ops) == want
        assert lockouts(have, want, ops) == [], (have, want, ops)


def test_without_with_enable_plans_still_reach_want():
    # No staging possible: the target is still reached (the safety guarantee needs with_enable).
    bare = ItemModel(MODEL.key, compare, effect=MODEL.effect, scope=MODEL.scope)
    rng = random.Random(6500)
    for _case in range(500):
        have, want = random_lists(rng)
        assert apply_ops(have, plan_overridden(have, want, bare)) == want


def test_knowing_only_enabled_or_not_is_enough():
    # Every enabled rule treated as "may accept or deny": still safe, only more calls.
    model = ItemModel(key=lambda r: r['key'], compare=compare, effect=lambda r: MIXED if r['enable'] else None,
                      with_enable=MODEL.with_enable)
    rng = random.Random(6600)
    for _case in range(300):
        have, want = random_lists(rng)
        ops = plan_overridden(have, want, model)
        assert apply_ops(have, ops) == want
        assert lockouts(have, want, ops) == []


def test_a_lying_effect_function_is_caught_by_the_property():
    # Guards the test itself: a model that calls every rule an accept produces lockouts.
    liar = ItemModel(MODEL.key, compare, effect=lambda r: ACCEPT if r['enable'] else None,
                     with_enable=MODEL.with_enable, scope=MODEL.scope)
    rng = random.Random(7000)
    bad = 0
    for _case in range(500):
        have, want = random_lists(rng)
        bad += bool(lockouts(have, want, plan_overridden(have, want, liar)))
    assert bad > 0
