# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rulebase order with the fewest moves, by name."""

import bisect
import random

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.ordering import (
    heaviest_increasing, located_target, plan_moves, relative_target)


def apply(order, moves):
    order = list(order)
    for name, where, dst in moves:
        order.remove(name)
        order.insert(0 if where == 'top' else order.index(dst) + 1, name)
    return order


def lis_length(values):
    tails = []
    for value in values:
        index = bisect.bisect_left(tails, value)
        tails[index:index + 1] = [value]
    return len(tails)


@pytest.mark.parametrize('seed', range(40))
def test_random_permutations_take_the_minimum_number_of_moves(seed):
    rng = random.Random(seed)
    current = ['r%d' % i for i in range(rng.randint(1, 40))]
    target = list(current)
    rng.shuffle(target)
    moves = plan_moves(current, target, set(current))
    assert apply(current, moves) == target
    position = dict((name, i) for i, name in enumerate(target))
    assert len(moves) == len(current) - lis_length([position[n] for n in current])


@pytest.mark.parametrize('seed', range(20))
def test_unlisted_rules_never_move(seed):
    rng = random.Random(seed)
    current = ['r%d' % i for i in range(30)]
    listed = rng.sample(current, 10)
    target = relative_target(current, listed, lambda name: True)
    moves = plan_moves(current, target, set(listed))
    assert apply(current, moves) == target
    assert all(name in listed for name, _where, _dst in moves)
    assert [n for n in target if n not in listed] == [n for n in current if n not in listed]
    assert [n for n in target if n in listed] == listed


def test_existing_rules_stay_put_when_a_new_rule_costs_the_same():
    moves = plan_moves(['a', 'z', 'new'], ['a', 'new', 'z'], {'a', 'z', 'new'}, fresh={'new'})
    assert moves == [('new', 'after', 'a')]


def test_no_move_when_already_in_order():
    assert plan_moves(['a', 'b', 'c'], ['a', 'b', 'c'], {'a', 'b', 'c'}) == []


def test_relative_target_places_new_rules_next_to_their_listed_neighbours():
    current = ['x', 'a', 'y', 'c', 'new1', 'new0']
    target = relative_target(current, ['new0', 'a', 'new1', 'c'], lambda name: not name.startswith('new'))
    assert target == ['x', 'new0', 'a', 'new1', 'y', 'c']
    assert relative_target(['x', 'n1', 'n2'], ['n1', 'n2'], lambda name: name == 'x') == ['x', 'n1', 'n2']


def test_located_target():
    current = ['a', 'b', 'deny', 'z', 'x']
    assert located_target(current, ['x'], 'before', 'deny') == ['a', 'b', 'x', 'deny', 'z']
    assert located_target(current, ['x', 'a'], 'top', None) == ['x', 'a', 'b', 'deny', 'z']
    assert located_target(current, ['a'], 'bottom', None) == ['b', 'deny', 'z', 'x', 'a']
    assert located_target(current, ['z'], 'after', 'a') == ['a', 'z', 'b', 'deny', 'x']


def test_heaviest_increasing_prefers_weight():
    assert heaviest_increasing([2, 0, 1], [10, 1, 1]) == {0}
    assert heaviest_increasing([2, 0, 1], [1, 1, 1]) == {1, 2}
    assert heaviest_increasing([], []) == set()


def test_a_large_rulebase_is_planned_quickly_enough_to_be_linearithmic():
    current = ['r%d' % i for i in range(3000)]
    target = current[1:] + current[:1]
    assert plan_moves(current, target, set(current)) == [('r0', 'after', 'r2999')]
