# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Candidate and running configuration, and who changed what.

Ownership follows PAN-OS (XMLAPI-FACTS.md section 8.1): a change is recorded at the xpath the
request wrote, owned by the admin whose key made it. A write at a container takes over every
pending change below it, whoever made it, so a partial commit of that admin carries them along.
A write that leaves its node equal to the running configuration records nothing.
"""

import copy
import time
import uuid
import xml.etree.ElementTree as ET

from . import semantics
from .tree import Journal, TreeError, equal, ensure_path, merge, move, parse_fragment, replace_node, sync_node
from .xpath import (AttrNode, XPathError, component, is_prefix, locate, parse, path_from_json, path_to_json,
                    path_to_string, select)

MOVE_WHERE = ('top', 'bottom', 'before', 'after')
WRITE_ACTIONS = ('set', 'edit', 'delete', 'move', 'rename', 'clone')
SECTIONS = ('device-and-network', 'shared-object', 'policy-and-objects')


class ParamError(ValueError):
    """A missing or illegal request parameter (PAN-OS code 400)."""


class Change:
    """One pending change: who, when, which dirty id, which action."""

    __slots__ = ('admin', 'dirty_id', 'time', 'action')

    def __init__(self, admin, dirty_id, when, action):
        self.admin = admin
        self.dirty_id = dirty_id
        self.time = when
        self.action = action

    def to_json(self, path):
        return {'xpath': path_to_string(path), 'path': path_to_json(path), 'admin': self.admin,
                'dirty_id': self.dirty_id, 'time': self.time, 'action': self.action}


def panos_time(when=None):
    return time.strftime('%Y/%m/%d %H:%M:%S', time.localtime(when or time.time()))


def section_of(path):
    """Which commit section (for partial-commit exclusions) a path belongs to."""
    tags = [tag for tag, _ident in path]
    if len(tags) > 1 and tags[1] == 'shared':
        return 'shared-object'
    if len(tags) > 3 and tags[1] == 'devices' and tags[3] == 'vsys':
        return 'policy-and-objects'
    return 'device-and-network'


def _parse_xpath(xpath, allow_union=False, allow_attribute=False):
    if not xpath:
        raise ParamError('Missing value for parameter "xpath".')
    try:
        parsed = parse(xpath)
    except XPathError as exc:
        raise TreeError(6, 'Bad xpath: %s' % exc) from exc
    if parsed.is_union and not allow_union:
        raise TreeError(6, 'Bad xpath: a union is only allowed when reading')
    if parsed.selects_attribute and not allow_attribute:
        raise TreeError(6, 'Bad xpath: an attribute can only be read')
    return parsed


class ConfigStore:
    """The configuration trees and the pending-change records."""

    def __init__(self, candidate, running=None, settings=None):
        self.candidate = candidate
        self.running = running if running is not None else copy.deepcopy(candidate)
        self.changes = {}
        self.dirty_seq = 0
        self.settings = settings if settings is not None else {}

    # -- reads ----------------------------------------------------------------------------------
    def get(self, xpath, running=False):
        parsed = _parse_xpath(xpath, allow_union=True, allow_attribute=True)
        return select(self.running if running else self.candidate, parsed)

    def pending(self):
        return bool(self.changes)

    def changes_json(self):
        return [change.to_json(path) for path, change in sorted(self.changes.items(), key=lambda i: i[1].dirty_id)]

    # -- writes ---------------------------------------------------------------------------------
    def write(self, admin, action, params, journal=None):
        """Apply one config action as ``admin``; return (code, message). Rolls back on error."""
        if action not in WRITE_ACTIONS:
            raise ParamError('Illegal value for parameter "action" [%s].' % action)
        handler = getattr(self, '_' + action)
        own_journal = journal is None
        journal = journal or Journal()
        try:
            outcome = handler(journal, admin, params)
        except (TreeError, ParamError):
            if own_journal:
                journal.rollback()
            raise
        return outcome

    def _set(self, journal, admin, params):
        parsed = _parse_xpath(params.get('xpath'))
        fragment = parse_fragment(_required(params, 'element'))
        targets = [(node.element, node.path) for node in select(self.candidate, parsed)]
        if not targets:
            path = parsed.creatable_path()
            if path is None:
                raise TreeError(7, 'No such node', 'cannot create %s' % params.get('xpath'))
            targets = [(ensure_path(journal, self.candidate, path), path)]
        for target, path in targets:
            holder = ET.Element(target.tag)
            holder.extend(fragment)
            merge(journal, target, holder)
            self._give_rules_uuids(journal, target, path)
            self._record(journal, admin, path, 'set')
        return 20, 'command succeeded'

    def _edit(self, journal, admin, params):
        parsed = _parse_xpath(params.get('xpath'))
        fragment = parse_fragment(_required(params, 'element'))
        if len(fragment) != 1:
            raise TreeError(12, 'Edit breaks config validity', 'edit needs exactly one element')
        new = fragment[0]
        nodes = select(self.candidate, parsed)
        if len(nodes) > 1:
            raise TreeError(8, 'Object not unique', '%d nodes match %s' % (len(nodes), params.get('xpath')))
        if nodes:
            node = nodes[0]
            if node.parent is None:
                raise TreeError(12, 'Edit breaks config validity', 'the configuration root cannot be replaced')
            _check_same_node(new, node.element.tag, node.element.get('name'))
            if node.element.get('uuid') and not new.get('uuid') and _is_rule(node.path):
                new.set('uuid', node.element.get('uuid'))
            replace_node(journal, node.parent, node.element, new)
            path = node.path
        else:
            path = parsed.creatable_path()
            if path is None:
                raise TreeError(7, 'No such node', 'cannot create %s' % params.get('xpath'))
            tag, ident = path[-1]
            _check_same_node(new, tag, ident[1] if ident and ident[0] == 'name' else new.get('name'))
            parent = ensure_path(journal, self.candidate, path[:-1])
            journal.append(parent, new)
        self._give_rules_uuids(journal, new, path)
        self._record(journal, admin, path, 'edit')
        return 20, 'command succeeded'

    def _delete(self, journal, admin, params):
        parsed = _parse_xpath(params.get('xpath'))
        nodes = select(self.candidate, parsed)
        if not nodes:
            return 7, "Object doesn't exist"
        if any(node.parent is None for node in nodes):
            raise TreeError(12, 'Operation not possible: the configuration root cannot be deleted')
        if self.settings.get('reference_checks', True):
            self._refuse_referenced(nodes)
        for node in nodes:
            journal.remove(node.parent, node.element)
            self._record(journal, admin, node.path, 'delete')
        return 20, 'command succeeded'

    def _refuse_referenced(self, nodes):
        deleted = [node.path for node in nodes]
        objects = [obj for node in nodes for obj in semantics.objects_in(node.element, node.path)]
        if not objects:
            return
        refs = semantics.references(self.candidate)
        namespace = semantics.Namespace(self.candidate)
        for obj in objects:
            users = [ref for ref in semantics.referrers(self.candidate, obj, refs, namespace)
                     if not any(is_prefix(path, ref.owner_path) for path in deleted)]
            if users:
                raise TreeError(10, '%s cannot be deleted because of references from:' % obj[1],
                                *sorted(set(ref.label for ref in users)))

    def _move(self, journal, admin, params):
        parsed = _parse_xpath(params.get('xpath'))
        where = params.get('where')
        if where not in MOVE_WHERE:
            raise ParamError('Illegal value for parameter "where" [%s].' % where)
        dst = params.get('dst')
        if where in ('before', 'after') and not dst:
            raise ParamError('Missing value for parameter "dst".')
        node = self._single(parsed, params.get('xpath'))
        move(journal, node.parent, node.element, where, dst)
        self._record(journal, admin, node.path, 'move')
        return 20, 'command succeeded'

    def _rename(self, journal, admin, params):
        parsed = _parse_xpath(params.get('xpath'))
        newname = _required(params, 'newname')
        node = self._single(parsed, params.get('xpath'))
        old = node.element.get('name')
        if old is None:
            raise TreeError(12, 'Operation not possible: only named entries can be renamed')
        if old == newname:
            return 20, 'command succeeded'
        if any(s.tag == node.element.tag and s.get('name') == newname for s in node.parent):
            raise TreeError(12, '%s already exists' % newname)
        obj = semantics.object_at(node.path)
        if obj:
            for ref in semantics.referrers(self.candidate, obj):
                journal.set_text(ref.element, newname)
                self._record(journal, admin, ref.owner_path, 'rename')
        journal.set_attr(node.element, 'name', newname)
        self._record(journal, admin, node.path, 'rename')
        self._record(journal, admin, node.path[:-1] + (component(node.element),), 'rename')
        return 20, 'command succeeded'

    def _clone(self, journal, admin, params):
        container = self._single(_parse_xpath(params.get('xpath')), params.get('xpath'))
        source = self._single(_parse_xpath(_required(params, 'from')), params.get('from'))
        newname = _required(params, 'newname')
        if source.parent is not container.element:
            raise TreeError(12, 'Operation not possible: xpath must be the container of from')
        if any(s.tag == source.element.tag and s.get('name') == newname for s in source.parent):
            raise TreeError(12, '%s already exists' % newname)
        clone = copy.deepcopy(source.element)
        clone.set('name', newname)
        clone.attrib.pop('uuid', None)
        journal.insert(source.parent, list(source.parent).index(source.element) + 1, clone)
        path = source.path[:-1] + (component(clone),)
        self._give_rules_uuids(journal, clone, path)
        self._record(journal, admin, path, 'clone')
        return 20, 'command succeeded'

    def _single(self, parsed, xpath):
        nodes = select(self.candidate, parsed)
        if not nodes:
            raise TreeError(7, 'No such node', 'nothing matches %s' % xpath)
        if len(nodes) > 1:
            raise TreeError(8, 'Object not unique', '%d nodes match %s' % (len(nodes), xpath))
        if isinstance(nodes[0], AttrNode) or nodes[0].parent is None:
            raise TreeError(12, 'Operation not possible on %s' % xpath)
        return nodes[0]

    def _give_rules_uuids(self, journal, element, path):
        """PAN-OS 9.0+ gives every rule a uuid when it is created."""
        if not self.settings.get('rule_uuids', True):
            return
        for entry in _rule_entries(element, path):
            if not entry.get('uuid'):
                journal.set_attr(entry, 'uuid', str(uuid.uuid4()))

    # -- change records -------------------------------------------------------------------------
    def _record(self, journal, admin, path, action):
        previous = {p: c for p, c in self.changes.items() if is_prefix(path, p)}
        self.dirty_seq += 1
        change = Change(admin, self.dirty_seq, panos_time(), action)

        def apply():
            for p in previous:
                del self.changes[p]
            self.changes[path] = change

        def undo():
            self.changes.pop(path, None)
            self.changes.update(previous)

        journal.call(apply, undo)
        if self.settings.get('noop_writes_dirty'):
            return
        # The write may have put this node, or a container above it, back to its running value.
        for candidate_path in [p for p in self.changes if is_prefix(p, path)]:
            if self._clean(candidate_path):
                dropped = self.changes[candidate_path]
                journal.call(lambda p=candidate_path: self.changes.pop(p, None),
                             lambda p=candidate_path, c=dropped: self.changes.__setitem__(p, c))

    def _clean(self, path):
        """True when the candidate holds at ``path`` what running holds (an empty container counts as absent)."""
        (left, left_parent), (right, right_parent) = locate(self.candidate, path), locate(self.running, path)
        if left is None or right is None:
            present = right if left is None else left
            return present is None or _empty(present)
        return equal(left, right) and _same_place(path[-1], left_parent, right_parent)

    def cleanup(self):
        """Forget records whose node now equals the running configuration."""
        for path in [p for p in self.changes if self._clean(p)]:
            del self.changes[path]

    def check_locks(self, admin, xpath, locks):
        """Raise when another admin's config lock covers the xpath."""
        for scope, lock in locks.items():
            if lock['admin'] == admin:
                continue
            if scope == 'shared' or ("/vsys/entry[@name='%s']" % scope) in (xpath or ''):
                raise TreeError(15, 'Configuration is locked by %s for scope %s' % (lock['admin'], scope))

    # -- commit and revert ----------------------------------------------------------------------
    def select_changes(self, admins=None, excluded=()):
        """The records a (partial) commit takes: {path: dirty_id}, without paths already covered."""
        chosen = {p: c for p, c in self.changes.items()
                  if (admins is None or c.admin in admins) and section_of(p) not in excluded}
        return {p: c.dirty_id for p, c in chosen.items()
                if not any(q != p and is_prefix(q, p) for q in chosen)}

    def build_running(self, selected, partial):
        """The running configuration a commit of ``selected`` records would produce."""
        if not partial:
            return copy.deepcopy(self.candidate)
        new_running = copy.deepcopy(self.running)
        journal = Journal()
        for path in sorted(selected, key=len):
            sync_node(journal, new_running, self.candidate, path)
        return new_running

    def finish_commit(self, new_running, committed):
        self.running = new_running
        for path, dirty_id in committed.items():
            change = self.changes.get(path)
            if change is not None and change.dirty_id == dirty_id:
                del self.changes[path]
        self.cleanup()

    def revert(self, admins=None):
        """Put the candidate back to running, for everyone or for some admins' changes."""
        if admins is None:
            self.candidate = copy.deepcopy(self.running)
            self.changes = {}
            return
        journal = Journal()
        for path in sorted(self.select_changes(admins), key=len):
            sync_node(journal, self.candidate, self.running, path)
            self.changes.pop(path, None)
        self.cleanup()

    # -- persistence ----------------------------------------------------------------------------
    def dump(self):
        return {'candidate': ET.tostring(self.candidate, encoding='unicode'),
                'running': ET.tostring(self.running, encoding='unicode'),
                'changes': [c.to_json(p) for p, c in self.changes.items()], 'dirty_seq': self.dirty_seq}

    def load_changes(self, items, dirty_seq):
        self.changes = {path_from_json(item['path']): Change(item['admin'], item['dirty_id'], item['time'], item['action'])
                        for item in items}
        self.dirty_seq = dirty_seq


def _same_place(comp, left_parent, right_parent):
    """The node has the same predecessors (among siblings both trees hold) in both parents: a move is a change."""
    if left_parent is None or right_parent is None:
        return True
    left = [component(child) for child in left_parent]
    right = [component(child) for child in right_parent]
    common = set(left) & set(right)
    left = [c for c in left if c in common]
    right = [c for c in right if c in common]
    return set(left[:left.index(comp)]) == set(right[:right.index(comp)])


def _empty(element):
    return not len(element) and not (element.text or '').strip() and not element.attrib


def _required(params, name):
    value = params.get(name)
    if value is None or value == '':
        raise ParamError('Missing value for parameter "%s".' % name)
    return value


def _check_same_node(new, tag, name):
    if new.tag != tag or (name is not None and new.get('name') != name):
        raise TreeError(12, 'Edit breaks config validity',
                        'element <%s name=%r> does not match the xpath node <%s name=%r>' % (new.tag, new.get('name'), tag, name))


def _is_rule(path):
    tags = [tag for tag, _ident in path]
    return len(tags) >= 3 and tags[-1] == 'entry' and tags[-2] == 'rules' and 'rulebase' in tags


def _rule_entries(element, path):
    """Every rule entry at or below ``element`` (at ``path``)."""
    if 'rulebase' not in [tag for tag, _ident in path] and element.find('.//rulebase') is None:
        return []
    found = []
    stack = [(element, path)]
    while stack:
        node, node_path = stack.pop()
        if _is_rule(node_path):
            found.append(node)
            continue
        stack.extend((child, node_path + (component(child),)) for child in node)
    return found
