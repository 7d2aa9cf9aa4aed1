# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: carry out planned calls with fresh digests.

PVE guards each list (rules of a level, entries of an IP set, aliases, ...) with one digest that
changes on every write. A planned call names the list it touches; the writer sends the digest it
read just before, and re-reads the list before the next guarded write once its own writes made
that digest stale. In check mode nothing is sent and the planned calls are returned as they are.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ConflictError


class Planned(object):
    """A call to make: method, path, parameters, and the list whose digest guards it (or None)."""

    __slots__ = ('method', 'path', 'params', 'guard', 'touches', 'desc', 'expect')

    def __init__(self, method, path, params=None, guard=None, touches=None, desc=None, expect=None):
        self.method = method
        self.path = path
        self.params = dict((k, v) for k, v in (params or {}).items() if v is not None)
        self.guard = guard
        # Lists whose digest this call changes (the guarded list, and the list it adds to).
        self.touches = touches if touches is not None else ([guard] if guard else [])
        self.desc = desc
        # expect(raw_list) -> bool: when the guarded list is re-read before this call, it must look
        # the way our own earlier calls left it; positions would point at the wrong item otherwise.
        self.expect = expect

    def as_dict(self):
        result = {'method': self.method, 'path': '/' + self.path.strip('/')}
        if self.params:
            result['params'] = dict(self.params)
        return result


def list_digest(items):
    """The digest PVE attaches to every item of a list, or None for an empty list."""
    if isinstance(items, dict):
        return items.get('digest')
    for item in items or []:
        if item.get('digest'):
            return item['digest']
    return None


class Writer(object):
    def __init__(self, client, check_mode):
        self.client = client
        self.check_mode = check_mode
        self.planned = []
        self._digests = {}
        self._stale = set()

    def known(self, list_path, raw):
        """Remember the digest of a list read during planning."""
        self._digests[list_path] = list_digest(raw)
        self._stale.discard(list_path)

    def _digest(self, call):
        list_path = call.guard
        if list_path in self._stale or list_path not in self._digests:
            raw = self.client.get(list_path, desc='re-read %s before the next change' % ('/' + list_path))
            if call.expect is not None and not call.expect(raw):
                raise ConflictError('%s changed while this run was applying its changes' % ('/' + list_path))
            self.known(list_path, raw)
        return self._digests[list_path]

    def run(self, calls):
        for call in calls:
            self.planned.append(call)
            if self.check_mode:
                continue
            params = dict(call.params)
            if call.guard:
                digest = self._digest(call)
                if digest:
                    params['digest'] = digest
            method = getattr(self.client, call.method.lower())
            method(call.path, desc=call.desc, **params)
            for path in call.touches:
                self._stale.add(path)

    def commands(self):
        return [call.as_dict() for call in self.planned]


class TargetPlan(object):
    """Everything planned for one target: calls, the digests read, before/after, and how to plan again."""

    def __init__(self, calls, known, before, after, replan=None, extra=None):
        self.calls = calls
        self.known = known
        self.before = before
        self.after = after
        self.replan = replan
        self.extra = extra or {}


def execute(client, plan, check_mode):
    """Run a TargetPlan; after a digest conflict read and plan once more, then give up."""
    for attempt in (1, 2):
        writer = Writer(client, check_mode)
        for path, raw in plan.known.items():
            writer.known(path, raw)
        try:
            writer.run(plan.calls)
            break
        except ConflictError:
            if attempt == 2 or check_mode or plan.replan is None:
                raise
            plan = plan.replan()
    result = dict(changed=bool(plan.calls), before=plan.before, after=plan.after, commands=writer.commands())
    result.update(plan.extra)
    return result
