# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the order of a PAN-OS rulebase, by rule name, with the fewest moves.

PAN-OS moves a rule with ``move where=top|bottom|before|after dst=<rule>``; the candidate
configuration only takes effect at commit, so intermediate orders do not matter and the plan
only has to be short. The rules that stay are a longest increasing subsequence of the current
order (by target position); every other rule moves once, right after its predecessor in the
target (or to the top). Rules the task does not list are never moved (they weigh more than all
listed rules together), except under ``overridden`` where every rule is listed.
"""

from __future__ import annotations


class _MaxTree(object):
    """Fenwick tree of (score, index) maxima over positions 0..size-1."""

    def __init__(self, size):
        self.size = size
        self.tree = [(0, -1)] * (size + 1)

    def update(self, pos, value):
        pos += 1
        while pos <= self.size:
            if value > self.tree[pos]:
                self.tree[pos] = value
            pos += pos & -pos

    def query(self, pos):
        """Best value over positions 0..pos-1."""
        best = (0, -1)
        while pos > 0:
            if self.tree[pos] > best:
                best = self.tree[pos]
            pos -= pos & -pos
        return best


def heaviest_increasing(values, weights):
    """Indices of a maximum-weight strictly increasing subsequence of ``values`` (distinct ints >= 0)."""
    if not values:
        return set()
    tree = _MaxTree(max(values) + 1)
    parent = [-1] * len(values)
    best_end = (0, -1)
    for index, value in enumerate(values):
        score, prev = tree.query(value)
        parent[index] = prev
        entry = (score + weights[index], index)
        tree.update(value, entry)
        if entry > best_end:
            best_end = entry
    chosen, index = set(), best_end[1]
    while index != -1:
        chosen.add(index)
        index = parent[index]
    return chosen


def _moved(order, name, where, dst):
    order = [n for n in order if n != name]
    if where == 'top':
        order.insert(0, name)
    else:
        order.insert(order.index(dst) + 1, name)
    return order


def plan_moves(current, target, movable, fresh=()):
    """Moves [(name, where, dst)] that turn ``current`` into ``target`` (same names); only ``movable`` names move.

    Among plans with the fewest moves, rules that existed before the run (not in ``fresh``) stay put.
    """
    if sorted(current) != sorted(target):
        raise ValueError('plan_moves needs the same rules on both sides')
    position = dict((name, index) for index, name in enumerate(target))
    unit = len(current) + 1
    fixed = (len(current) + 1) * (unit + 1)
    values = [position[name] for name in current]
    weights = [fixed if name not in movable else (unit if name in fresh else unit + 1) for name in current]
    keep = set(current[index] for index in heaviest_increasing(values, weights))
    moves, order = [], list(current)
    for index, name in enumerate(target):
        if name in keep:
            continue
        where, dst = ('top', None) if index == 0 else ('after', target[index - 1])
        at = order.index(name)
        if (index == 0 and at == 0) or (index and at and order[at - 1] == dst):
            continue
        moves.append((name, where, dst))
        order = _moved(order, name, where, dst)
    if order != list(target):
        # Cannot happen with a consistent keep set; fall back to moving everything in order.
        moves, order = [], list(current)
        for index, name in enumerate(target):
            where, dst = ('top', None) if index == 0 else ('after', target[index - 1])
            at = order.index(name)
            if (index == 0 and at == 0) or (index and at and order[at - 1] == dst):
                continue
            moves.append((name, where, dst))
            order = _moved(order, name, where, dst)
    return moves


def relative_target(current, listed, exists):
    """Target order for merged/replaced without a location.

    Listed rules keep their listed relative order. Those already in that order stay where they
    are (the longest such run); a rule that is new or out of order goes right after the listed rule
    before it, or right before the next listed rule that stays, or at the bottom.
    """
    listed_pos = dict((name, index) for index, name in enumerate(listed))
    present = [name for name in current if name in listed_pos and exists(name)]
    stay = set(present[i] for i in heaviest_increasing([listed_pos[n] for n in present], [1] * len(present)))
    seq = [name for name in current if name not in listed_pos or name in stay]
    for index, name in enumerate(listed):
        if name in stay:
            continue
        if index > 0:
            seq.insert(seq.index(listed[index - 1]) + 1, name)
            continue
        following = [seq.index(n) for n in listed[1:] if n in stay]
        seq.insert(following[0] if following else len(seq), name)
    return seq


def located_target(current, listed, where, anchor):
    """Target order with the listed rules as one block at top, bottom, or before/after ``anchor``."""
    others = [name for name in current if name not in set(listed)]
    if where == 'top':
        index = 0
    elif where == 'bottom':
        index = len(others)
    elif where == 'before':
        index = others.index(anchor)
    else:
        index = others.index(anchor) + 1
    return others[:index] + list(listed) + others[index:]
