# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: reconcile an ordered, first-match list through a positional API.

Written for Proxmox VE rule lists, which have no ids: POST always inserts at position 0, PUT with
``moveto`` takes the element out and inserts it before the element that had index ``moveto`` in
the original list (``moveto >= len`` appends), a move cannot carry edits, DELETE shifts the later
elements up. Items are opaque to the engine; an ``ItemModel`` tells it how to read them.

Public API
----------
``ItemModel(key, compare, effect=None, with_enable=None, scope=None)``
    ``key(item)``: hashable identity. Equal keys are the same rule; duplicates form a multiset and
    are paired in order. ``compare(have_item, want_item)``: ``None`` when the attributes are equal,
    else ``(changes, deletes)``: a dict of fields to set and a tuple of fields to clear.
    ``effect(item)``: ``ACCEPT``, ``DENY``, ``MIXED`` (e.g. a jump into a security group, which
    may do either) or ``None`` for an item that matches nothing (a disabled rule). It must depend
    only on the key and the enabled flag, and must be ``None`` for disabled items. Default: every
    item is ``MIXED`` (right only for items that cannot be disabled).
    ``with_enable(item, enabled)``: a copy of ``item`` with its enabled flag set; it lets the
    engine create a rule disabled and enable it once it is in place. ``scope(item)``: optional
    traffic domain (for PVE the direction); items of different non-None scopes never see the same
    packet, ``None`` sees all.

``plan_overridden(have, want, model)``   the list becomes exactly ``want`` (order included).
``plan_merged(have, want, model, combine=None, new_position='bottom')``
    add missing items and update attributes of matched ones; never delete, never reorder.
``plan_replaced(have, want, model, new_position='bottom')``
    listed items become exactly as given and keep the listed relative order; unlisted items stay.
``plan_deleted(have, items, model)``   remove every copy of each listed identity.
``apply_ops(items, ops)``   simulate ops with the exact PVE position semantics.

Each plan is a list of ``Op`` (one API call each): ``Op(CREATE, item=...)`` POST, lands at 0;
``Op(MOVE, pos, moveto)``; ``Op(UPDATE, pos, item=new_item, changes=..., deletes=...)``;
``Op(DELETE, pos, item=old_item)``. Positions are valid for the list as it is when the op runs.

Safety guarantee
----------------
Call the allowed set of a list the packets it accepts (first match wins; default policy DROP or
ACCEPT). Let P = allowed(have) & allowed(want). Every intermediate list of a plan allows all of
P, for every possible set of packets each identity could match and for both default policies,
provided ``effect`` is truthful. Two mechanisms give this:

* a greedy scheduler over the minimal edit script (longest common subsequence kept in place, one
  call per create, move, attribute update and delete, plus a move per created item that cannot
  land at 0). Before taking an op it checks the lists it passes through with an exact decision
  procedure for the property above (``_first_unsafe``, linear time). Ops that only widen what is
  allowed (insert an accept, move an accept up or a deny down, enable an accept, disable a deny)
  go first; ops that only narrow it are then safe in any order; deletions come last, from the
  highest position down. When a create or move would pass through an unsafe list it is retried
  staged: create disabled, move, enable (3 calls instead of 2), or disable, move, enable. A rule
  that belongs above every kept rule is POSTed at 0 (in reverse order, so no move is needed); if
  it may not sit on top yet, it is POSTed disabled and enabled once the rules above it exist.
  Several splits between "kept in place" and "POSTed at 0" are planned and the shortest kept.
* if no candidate is safe, a fallback that is safe by construction takes over from the current
  list: build ``want`` top-down as a settled prefix (move the matching rule up, or create it
  disabled, move it, enable it), then delete or disable what is left from the bottom up, then
  place the disabled items, which are invisible to traffic. Invariant: for a packet in P that
  passes the settled prefix, the rest of the list allows it (true at the start; a rule moved into
  the prefix is one the packet passes, so removing it from the rest changes nothing; at the end
  such a packet passes all of ``want``, so the default policy accepts and deleting from the
  bottom keeps it allowed).

Minimal call count and safety can disagree (a DROP rule that must land under ACCEPT rules cannot
be POSTed enabled: it would sit on top for one step). The engine then spends the extra call.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, namedtuple

from collections.abc import Mapping

ACCEPT = 'accept'
DENY = 'deny'
MIXED = 'mixed'

CREATE = 'create'
MOVE = 'move'
UPDATE = 'update'
DELETE = 'delete'

Op = namedtuple('Op', ['kind', 'pos', 'moveto', 'item', 'changes', 'deletes'])
Op.__new__.__defaults__ = (None, None, None, None, None)

_CAN_ACCEPT = (ACCEPT, MIXED)
_CAN_DENY = (DENY, MIXED)
# Upper bound on safety checks before the greedy scheduler hands over to the fallback.
_CHECK_BUDGET = 20000


class PlanError(ValueError):
    """An op cannot be applied (bad position, unknown kind)."""


class ItemModel(object):
    """How the engine reads items; see the module documentation."""

    def __init__(self, key, compare, effect=None, with_enable=None, scope=None):
        self.key = key
        self.compare = compare
        self.effect = effect or (lambda item: MIXED)
        self.with_enable = with_enable
        self.scope = scope or (lambda item: None)


# --------------------------------------------------------------------------------------------
# Simulation with PVE semantics
# --------------------------------------------------------------------------------------------

def _check_pos(lst, pos, kind):
    if not isinstance(pos, int) or pos < 0 or pos >= len(lst):
        raise PlanError('%s: no rule at position %s' % (kind, pos))


def _moved(lst, pos, moveto):
    """PVE move: take the element out, insert it before the element that had index moveto."""
    if moveto == pos:
        return list(lst)
    rest = lst[:pos] + lst[pos + 1:]
    if moveto >= len(lst):
        rest.append(lst[pos])
    else:
        rest.insert(moveto if moveto < pos else moveto - 1, lst[pos])
    return rest


def _updated(current, op):
    if isinstance(current, Mapping):
        new = dict(current)
        new.update(op.changes or {})
        for field in op.deletes or ():
            new.pop(field, None)
        return new
    return op.item


def apply_ops(items, ops):
    """Return a new list: ``items`` after ``ops``, with exact PVE position semantics.

    Updates merge ``changes`` and drop ``deletes`` for mapping items (PVE PUT semantics); other
    items are replaced by ``op.item``.
    """
    lst = list(items)
    for op in ops:
        if op.kind == CREATE:
            lst.insert(0, op.item)
        elif op.kind == MOVE:
            _check_pos(lst, op.pos, op.kind)
            if not isinstance(op.moveto, int) or op.moveto < 0:
                raise PlanError('move: invalid moveto %s' % (op.moveto,))
            lst = _moved(lst, op.pos, op.moveto)
        elif op.kind == UPDATE:
            _check_pos(lst, op.pos, op.kind)
            lst[op.pos] = _updated(lst[op.pos], op)
        elif op.kind == DELETE:
            _check_pos(lst, op.pos, op.kind)
            del lst[op.pos]
        else:
            raise PlanError('unknown op kind %r' % (op.kind,))
    return lst


def _moveto_for(pos, index):
    """moveto that brings the element at ``pos`` to ``index`` of the resulting list."""
    return index if index < pos else index + 1


# --------------------------------------------------------------------------------------------
# Safety decision procedure
# --------------------------------------------------------------------------------------------

class _Verdicts(object):
    """A list's verdict for the most permissive packet, as keys are forced to pass one by one."""

    def __init__(self, lst):
        self.first = {}
        for index, (key, _eff) in enumerate(lst):
            self.first.setdefault(key, index)
        self.accepting = [(index, key) for index, (key, eff) in enumerate(lst) if eff in _CAN_ACCEPT]
        self.size = len(lst)
        self.cursor = 0

    def allows(self, passing, forced_deny, default_accept):
        """``passing`` only grows between calls: the cursor never goes back."""
        while self.cursor < len(self.accepting) and self.accepting[self.cursor][1] in passing:
            self.cursor += 1
        accept_at = self.accepting[self.cursor][0] if self.cursor < len(self.accepting) else self.size
        deny_at = self.first.get(forced_deny, self.size)
        if accept_at < deny_at:
            return True
        if deny_at < self.size:
            return False
        return default_accept


def _unsafe_in(have, want, state):
    """True if some packet allowed by ``have`` and ``want`` is refused by ``state``.

    Lists hold ``(key, effect)`` of enabled items. A packet is described by the verdict each key
    gives it (pass, or one its effect can give); the state must refuse it, either at a deny-capable
    slot j (all earlier keys pass) or by default DROP when every key passes. For a fixed j the
    most permissive choice for ``have`` and ``want`` is: other accept-capable keys accept, the
    rest pass, default ACCEPT when j exists. So trying every j decides the question exactly, in
    linear time since the set of passing keys only grows with j.
    """
    have_verdicts, want_verdicts = _Verdicts(have), _Verdicts(want)
    passing = set()
    for key, eff in state:
        if eff in _CAN_DENY and key not in passing:
            if have_verdicts.allows(passing, key, True) and want_verdicts.allows(passing, key, True):
                return True
        passing.add(key)
    return have_verdicts.allows(passing, None, False) and want_verdicts.allows(passing, None, False)


def _view(lst, domain):
    return [(k, e) for k, e, s in lst if s is None or domain is None or s == domain]


def _first_unsafe(have, want, states):
    """Index of the first list in ``states`` that is unsafe, or None.

    Every list holds ``(key, effect, scope)`` triples of enabled items.
    """
    scopes = set(s for lst in [have, want] + list(states) for _k, _e, s in lst if s is not None)
    domains = sorted(scopes, key=repr) or [None]
    for number, state in enumerate(states):
        for domain in domains:
            if _unsafe_in(_view(have, domain), _view(want, domain), _view(state, domain)):
                return number
    return None


# --------------------------------------------------------------------------------------------
# Pairing: longest common subsequence plus creates that can stay at position 0
# --------------------------------------------------------------------------------------------

def _suffix_lcs_table(hk, wk):
    n, m = len(hk), len(wk)
    table = [[0] * (m + 1) for _i in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = table[i], table[i + 1]
        for j in range(m - 1, -1, -1):
            if hk[i] == wk[j]:
                row[j] = below[j + 1] + 1
            else:
                row[j] = below[j] if below[j] >= row[j + 1] else row[j + 1]
    return table


def _splits(hk, wk, table):
    """Candidate splits s, best first: new items in want[:s] are POSTed at 0 with no move, so
    the kept items must lie in want[s:]. s = 0 (plain longest common subsequence) is always tried,
    because creating at 0 without a move may turn out unsafe."""
    surplus = Counter(wk)
    surplus.subtract(Counter(hk))
    prefix = Counter()
    direct = 0
    best_s, best_score = 0, table[0][0]
    for s in range(1, len(wk) + 1):
        key = wk[s - 1]
        prefix[key] += 1
        if prefix[key] <= surplus[key]:
            direct += 1
        score = direct + table[0][s]
        if score > best_score:
            best_s, best_score = s, score
    return [best_s, 0] if best_s else [0]


def _pairings(hk, wk):
    """For each candidate split: (want index of each have item or None, set of kept want indices)."""
    table = _suffix_lcs_table(hk, wk)
    return [_pair(hk, wk, table, split) for split in _splits(hk, wk, table)]


def _pair(hk, wk, table, split):
    h_to_w = [None] * len(hk)
    kept = set()
    i, j = 0, split
    while i < len(hk) and j < len(wk):
        if hk[i] == wk[j] and table[i][j] == table[i + 1][j + 1] + 1:
            h_to_w[i] = j
            kept.add(j)
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    spare_h = {}
    for i, key in enumerate(hk):
        if h_to_w[i] is None:
            spare_h.setdefault(key, []).append(i)
    # Pair the remaining copies; leave unpaired (to create) the ones early in want so they can be
    # created at 0 without a move.
    order = list(range(split, len(wk))) + list(range(split - 1, -1, -1))
    for j in order:
        if j in kept:
            continue
        candidates = spare_h.get(wk[j])
        if candidates:
            h_to_w[candidates.pop(0)] = j
    return h_to_w, kept


# --------------------------------------------------------------------------------------------
# Greedy safe scheduler
# --------------------------------------------------------------------------------------------

class _Entry(object):
    __slots__ = ('item', 'key', 'target', 'settled', 'eff', 'scope')

    def __init__(self, model, item, key, target, settled):
        self.item = item
        self.key = key
        self.target = target
        self.settled = settled
        self.eff = model.effect(item)
        self.scope = model.scope(item)

    def replaced(self, model, item):
        return _Entry(model, item, self.key, self.target, self.settled)


class _Stuck(Exception):
    pass


class _Planner(object):

    def __init__(self, have, target, model, hkeys, wkeys, pairing):
        self.model = model
        self.target = list(target)
        self.wkeys = wkeys
        h_to_w, kept = pairing
        self.entries = [_Entry(model, h, hkeys[i], h_to_w[i], h_to_w[i] in kept) for i, h in enumerate(have)]
        self.missing = set(range(len(self.target))) - set(t for t in h_to_w if t is not None)
        self.have_sem = self._semantic(self.entries)
        self.want_sem = self._semantic([_Entry(model, w, self.wkeys[t], t, True) for t, w in enumerate(self.target)])
        self.ops = []
        self.checks = 0

    @staticmethod
    def _semantic(entries):
        return [(e.key, e.eff, e.scope) for e in entries if e.eff is not None]

    # ---- geometry ------------------------------------------------------------------------

    @staticmethod
    def _settled(lst):
        """Targets and positions of the settled entries; both ascend (settled entries are in order)."""
        targets, positions = [], []
        for pos, entry in enumerate(lst):
            if entry.settled and entry.target is not None:
                targets.append(entry.target)
                positions.append(pos)
        return targets, positions

    @staticmethod
    def _gap(settled, size, target, moving_pos=None):
        """Insertion indices (in the list without the moving entry) between the settled neighbours."""
        targets, positions = settled
        at = bisect_left(targets, target)

        def without(pos):
            return pos - 1 if moving_pos is not None and pos > moving_pos else pos
        top = without(positions[at - 1]) + 1 if at else 0
        bottom = without(positions[at]) if at < len(targets) else size - (moving_pos is not None)
        return top, bottom

    @staticmethod
    def _order(eff, top, bottom):
        """Insertion points to try: an accept is widest high up, a deny low down."""
        points = [bottom, top] if eff == DENY else [top, bottom]
        return sorted(set(points), key=points.index)

    # ---- micro steps on a scratch list -----------------------------------------------------

    def _step_update(self, lst, ops, entry, new_item):
        pos = lst.index(entry)
        diff = self.model.compare(entry.item, new_item)
        new_entry = entry.replaced(self.model, new_item)
        lst[pos] = new_entry
        if diff is not None:
            changes, deletes = diff
            ops.append(Op(UPDATE, pos, item=new_item, changes=dict(changes or {}), deletes=tuple(deletes or ())))
        return new_entry

    @staticmethod
    def _step_move(lst, ops, entry, index):
        pos = lst.index(entry)
        if index != pos:
            moveto = _moveto_for(pos, index)
            ops.append(Op(MOVE, pos, moveto))
            lst[:] = _moved(lst, pos, moveto)
        entry.settled = True

    # ---- candidate units --------------------------------------------------------------------

    def _unit_create(self, t, index, staged, enable_now=True):
        """POST (disabled if ``staged``), move to ``index``, enable unless left for later."""
        def run(lst, ops, states):
            want = self.target[t]
            item = self.model.with_enable(want, False) if staged else want
            entry = _Entry(self.model, item, self.wkeys[t], t, False)
            lst.insert(0, entry)
            ops.append(Op(CREATE, item=item))
            states.append(list(lst))
            if index != 0:
                self._step_move(lst, ops, entry, index)
                states.append(list(lst))
            entry.settled = True
            if staged and enable_now:
                self._step_update(lst, ops, entry, want)
                states.append(list(lst))
            self.missing.discard(t)
        return run

    def _unit_move(self, entry, index, staged):
        def run(lst, ops, states):
            current = entry
            if staged:
                current = self._step_update(lst, ops, current, self.model.with_enable(current.item, False))
                states.append(list(lst))
            self._step_move(lst, ops, current, index)
            states.append(list(lst))
            if staged:
                self._step_update(lst, ops, current, self.target[current.target])
                states.append(list(lst))
        return run

    def _unit_update(self, entry):
        def run(lst, ops, states):
            self._step_update(lst, ops, entry, self.target[entry.target])
            states.append(list(lst))
        return run

    def _unit_delete(self, entry):
        def run(lst, ops, states):
            pos = lst.index(entry)
            ops.append(Op(DELETE, pos, item=entry.item))
            del lst[pos]
            states.append(list(lst))
        return run

    def _candidates(self):
        """(rank, proven_safe, unit) for every next step; lower rank is preferred."""
        lst = self.entries
        settled = self._settled(lst)
        found = []
        can_stage = self.model.with_enable is not None
        for t in sorted(self.missing):
            eff = self.model.effect(self.target[t])
            top, bottom = self._gap(settled, len(lst), t)
            for index in self._order(eff, top, bottom):
                if index == 0:
                    # Created at 0 in reverse order, these need no move. One that may not be on
                    # top yet is POSTed disabled and enabled once the rules above it exist.
                    found.append(((0, -t, 0), False, self._unit_create(t, 0, False)))
                    if can_stage and eff not in (ACCEPT, None):
                        found.append(((0, -t, 1), False, self._unit_create(t, 0, True, enable_now=False)))
                elif eff in (ACCEPT, None):
                    found.append(((1, 0, t), True, self._unit_create(t, index, False)))
                else:
                    found.append(((2, t), False, self._unit_create(t, index, False)))
                    if can_stage:
                        found.append(((6, t), False, self._unit_create(t, index, True)))
        for pos, entry in enumerate(lst):
            if entry.target is None:
                found.append(((5, -pos), False, self._unit_delete(entry)))
                continue
            if not entry.settled:
                top, bottom = self._gap(settled, len(lst), entry.target, pos)
                lands = entry.eff if entry.eff is not None else self.model.effect(self.target[entry.target])
                for index in self._order(lands, top, bottom):
                    widening = entry.eff is None or (entry.eff == ACCEPT and index <= pos) or (entry.eff == DENY and index >= pos)
                    found.append(((1, 1, entry.target) if widening else (3, entry.target), widening, self._unit_move(entry, index, False)))
                    if can_stage and entry.eff is not None and not widening:
                        found.append(((7, entry.target), False, self._unit_move(entry, index, True)))
            want = self.target[entry.target]
            if self.model.compare(entry.item, want) is not None:
                before, after = entry.eff, self.model.effect(want)
                widening = before == after or (before is None and after == ACCEPT) or (before == DENY and after is None)
                found.append(((1, 2, entry.target) if widening else (4, entry.target), widening, self._unit_update(entry)))
        found.sort(key=lambda c: c[0])
        return found

    def _try(self, unit, proven):
        lst, ops, states = list(self.entries), [], []
        saved_missing = set(self.missing)
        saved_flags = [(e, e.settled) for e in self.entries]
        unit(lst, ops, states)
        if not proven:
            self.checks += 1
            if _first_unsafe(self.have_sem, self.want_sem, [self._semantic(s) for s in states]) is not None:
                self.missing = saved_missing
                for entry, flag in saved_flags:
                    entry.settled = flag
                return False
        self.entries = lst
        self.ops.extend(ops)
        return True

    def run(self):
        while True:
            candidates = self._candidates()
            if not candidates:
                return self.ops
            for _rank, proven, unit in candidates:
                if self.checks > _CHECK_BUDGET:
                    break
                if self._try(unit, proven):
                    break
            else:
                candidates = None
            if candidates is None or self.checks > _CHECK_BUDGET:
                self.ops.extend(_fallback([e.item for e in self.entries], self.target, self.model))
                return self.ops


# --------------------------------------------------------------------------------------------
# Fallback: settled prefix, safe by construction
# --------------------------------------------------------------------------------------------

class _Builder(object):
    """A list of items plus the ops that produced it."""

    def __init__(self, items, model):
        self.lst = list(items)
        self.model = model
        self.ops = []

    def find(self, start, key, enabled):
        for pos in range(start, len(self.lst)):
            item = self.lst[pos]
            if self.model.key(item) == key and (self.model.effect(item) is not None) == enabled:
                return pos
        return None

    def move(self, pos, index):
        if pos != index:
            moveto = _moveto_for(pos, index)
            self.ops.append(Op(MOVE, pos, moveto))
            self.lst = _moved(self.lst, pos, moveto)

    def update(self, pos, new_item):
        diff = self.model.compare(self.lst[pos], new_item)
        if diff is not None:
            changes, deletes = diff
            self.ops.append(Op(UPDATE, pos, item=new_item, changes=dict(changes or {}), deletes=tuple(deletes or ())))
        self.lst[pos] = new_item

    def create(self, item, index):
        self.ops.append(Op(CREATE, item=item))
        self.lst.insert(0, item)
        self.move(0, index)

    def delete(self, pos):
        self.ops.append(Op(DELETE, pos, item=self.lst[pos]))
        del self.lst[pos]


def _fallback(items, target, model):
    build = _Builder(items, model)
    key, effect = model.key, model.effect
    settled = 0
    # 1. enabled target items, top-down, as a settled prefix
    for want in target:
        if effect(want) is None:
            continue
        pos = build.find(settled, key(want), True)
        if pos is None:
            pos = build.find(settled, key(want), False)
        if pos is not None:
            build.move(pos, settled)
            build.update(settled, want)
        elif settled == 0 or model.with_enable is None:
            build.create(want, settled)
        else:
            build.create(model.with_enable(want, False), settled)
            build.update(settled, want)
        settled += 1
    # 2. what is left and enabled goes, bottom-up: disabled if a disabled target item needs it
    need = Counter(key(w) for w in target if effect(w) is None)
    have = Counter(key(x) for x in build.lst[settled:] if effect(x) is None)
    for pos in range(len(build.lst) - 1, settled - 1, -1):
        item = build.lst[pos]
        if effect(item) is None:
            continue
        if need[key(item)] > have[key(item)] and model.with_enable is not None:
            have[key(item)] += 1
            build.update(pos, model.with_enable(item, False))
        else:
            build.delete(pos)
    # 3. disabled items: invisible to traffic, so any order is safe. Keep what the target needs.
    seen, surplus = Counter(), []
    for pos in range(settled, len(build.lst)):
        k = key(build.lst[pos])
        seen[k] += 1
        if seen[k] > need[k]:
            surplus.append(pos)
    for pos in reversed(surplus):
        build.delete(pos)
    for index, want in enumerate(target):
        pos = build.find(index, key(want), effect(want) is not None)
        if pos is None:
            build.create(want, index)
        else:
            build.move(pos, index)
            build.update(index, want)
    return build.ops


# --------------------------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------------------------

def _plan(have, target, model):
    hkeys = [model.key(h) for h in have]
    wkeys = [model.key(w) for w in target]
    best = None
    for pairing in _pairings(hkeys, wkeys):
        ops = _Planner(have, target, model, hkeys, wkeys, pairing).run()
        if best is None or len(ops) < len(best):
            best = ops
    return best


def plan_overridden(have, want, model):
    """Ops that turn ``have`` into exactly ``want``, order included."""
    return _plan(have, want, model)


def _match_in_order(hkeys, wkeys):
    """want index -> have index, pairing equal keys in order (multiset)."""
    spare = {}
    for i, key in enumerate(hkeys):
        spare.setdefault(key, []).append(i)
    result = {}
    for j, key in enumerate(wkeys):
        if spare.get(key):
            result[j] = spare[key].pop(0)
    return result


def _lis_positions(values):
    """Indices of one longest strictly increasing subsequence of ``values``."""
    tails, tails_at, parent = [], [], [None] * len(values)
    for idx, value in enumerate(values):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        parent[idx] = tails_at[lo - 1] if lo else None
        if lo == len(tails):
            tails.append(value)
            tails_at.append(idx)
        else:
            tails[lo] = value
            tails_at[lo] = idx
    result, idx = [], tails_at[-1] if tails_at else None
    while idx is not None:
        result.append(idx)
        idx = parent[idx]
    return set(result)


def _insert_target(have, want, model, combine, new_position, reorder):
    """Target list: ``have`` with the listed items matched, placed by the listed order."""
    hkeys = [model.key(h) for h in have]
    wkeys = [model.key(w) for w in want]
    match = _match_in_order(hkeys, wkeys)
    matched = sorted(match)
    stay = set(matched)
    if reorder:
        chosen = _lis_positions([match[j] for j in matched])
        stay = set(matched[n] for n in chosen)
    have_to_want = dict((match[j], j) for j in matched)
    seq = [('h', i) for i in range(len(have)) if i not in have_to_want or have_to_want[i] in stay]
    token = dict((j, ('h', match[j])) for j in stay)
    for j in range(len(want)):
        if j in token:
            continue
        mine = ('h', match[j]) if j in match else ('w', j)
        if j > 0:
            where = seq.index(token[j - 1]) + 1
        else:
            following = [seq.index(token[k]) for k in sorted(token) if k > j]
            if following:
                where = following[0]
            else:
                where = 0 if new_position == 'top' else len(seq)
        seq.insert(where, mine)
        token[j] = mine
    result = []
    for kind, idx in seq:
        if kind == 'w':
            result.append(want[idx])
        elif idx in have_to_want:
            result.append(combine(have[idx], want[have_to_want[idx]]))
        else:
            result.append(have[idx])
    return result


def plan_merged(have, want, model, combine=None, new_position='bottom'):
    """Add missing items and update matched ones; never delete or reorder existing items.

    ``combine(have_item, want_item)`` gives the resulting item of a matched pair (default: the
    want item). A missing item goes right after the item listed before it in ``want``; the first
    listed item goes right before the next listed one that exists, else at ``new_position``
    (``'top'`` or ``'bottom'``).
    """
    combine = combine or (lambda h, w: w)
    return _plan(have, _insert_target(have, want, model, combine, new_position, False), model)


def plan_replaced(have, want, model, new_position='bottom'):
    """Listed items exactly as given and in the listed relative order; unlisted items stay.

    The listed items that already follow the listed order (longest run) stay in place; the others
    and the missing ones are placed like in ``plan_merged``.
    """
    return _plan(have, _insert_target(have, want, model, lambda h, w: w, new_position, True), model)


def plan_deleted(have, items, model):
    """Delete every item of ``have`` whose identity is one of ``items``."""
    doomed = set(model.key(i) for i in items)
    return _plan(have, [h for h in have if model.key(h) not in doomed], model)
