# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: declarative mapping between module options and PAN-OS XML.

A :class:`Field` maps one option (or a few options that share one XML node) to a node below a
configuration entry. Fields read the device XML into the module shape, build the XML for a
desired value, and plan the narrowest writes that turn one into the other:

* a leaf is ``edit``-ed at its own xpath;
* a member list grows with ``set`` at the list and is replaced with ``edit`` of the list;
* a structured node is walked: changed leaves are edited, removed modelled nodes deleted, and
  children the model does not know are left as they are (they are never part of an ``edit``).

Nothing here ever replaces a whole entry built from a partial model.
"""

from __future__ import annotations

import copy
from collections import OrderedDict

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op

LEAF = 'leaf'
LIST = 'list'
NAMES = 'names'
TREE = 'tree'


class Schema(object):
    """What a node is: a leaf, a member list, a list of bare named entries, or a tree of modelled children."""

    def __init__(self, kind, children=None, exclusive=False, ordered=False):
        self.kind = kind
        self.children = children or {}
        # exclusive: at most one child exists (a PAN-OS choice); the others are removed when one is set.
        self.exclusive = exclusive
        self.ordered = ordered


def tree(exclusive=False, **children):
    return Schema(TREE, dict((key.replace('_', '-'), value) for key, value in children.items()), exclusive=exclusive)


def leaf():
    return Schema(LEAF)


def member_list(ordered=False):
    return Schema(LIST, ordered=ordered)


# -------------------------------------------------------------------------------------------------
# Planning writes for one node
# -------------------------------------------------------------------------------------------------

def diff_node(have, want, xpath, schema):
    """Ops that make the device node ``have`` (None: absent) hold the modelled content of ``want``."""
    if have is None:
        return [Op('edit', xpath, pxml.to_string(want))]
    if schema.kind == LEAF:
        if len(have) or (have.text or '').strip() != (want.text or '').strip():
            return [Op('edit', xpath, pxml.to_string(want))]
        return []
    if schema.kind == LIST:
        return _diff_list(have, want, xpath, schema)
    if schema.kind == NAMES:
        return _diff_names(have, want, xpath)
    ops = []
    wanted_tags = set(child.tag for child in want)
    for tag, sub in schema.children.items():
        want_child = want.find(tag)
        have_child = have.find(tag)
        if want_child is not None:
            ops.extend(diff_node(have_child, want_child, xpaths.join(xpath, tag), sub))
        elif have_child is not None:
            ops.append(Op('delete', xpaths.join(xpath, tag)))
    if schema.exclusive and wanted_tags:
        for child in have:
            if child.tag not in wanted_tags and child.tag not in schema.children:
                ops.append(Op('delete', xpaths.join(xpath, child.tag)))
    return ops


def _diff_list(have, want, xpath, schema):
    old = [(m.text or '').strip() for m in have.findall('member')]
    new = [(m.text or '').strip() for m in want.findall('member')]
    if old == new or (not schema.ordered and sorted(set(old)) == sorted(set(new)) and len(old) == len(set(old))):
        return []
    added = [value for value in new if value not in old]
    if not schema.ordered and not set(old) - set(new) and added:
        return [Op('set', xpath, ''.join(pxml.to_string(pxml.new('member', value)) for value in added))]
    return [Op('edit', xpath, pxml.to_string(want))]


def _diff_names(have, want, xpath):
    old = [e.get('name') for e in have.findall('entry')]
    new = [e.get('name') for e in want.findall('entry')]
    ops = []
    added = [name for name in new if name not in old]
    if added:
        ops.append(Op('set', xpath, ''.join(pxml.to_string(pxml.new('entry', name=name)) for name in added)))
    ops.extend(Op('delete', xpaths.join(xpath, xpaths.entry(name))) for name in old if name not in new)
    return ops


# -------------------------------------------------------------------------------------------------
# Fields
# -------------------------------------------------------------------------------------------------

class Field(object):
    """Options <-> the node at ``path`` below an entry.

    ``absent`` gives each option's value when the node is missing (PAN-OS defaults such as
    ``log-end`` = yes); ``default`` gives the value an entry gets when the option is not given to a
    new entry or under ``replaced``; both may be callables of the whole desired item.
    """

    def __init__(self, options, path, schema, absent=None, default=None):
        self.options = tuple([options] if isinstance(options, str) else options)
        self.path = path
        self.schema = schema
        self.absent = absent if isinstance(absent, dict) else dict((o, absent) for o in self.options)
        self.default = default if isinstance(default, dict) else dict((o, default) for o in self.options)

    # Conversions; subclasses override.
    def read(self, entry):
        node = pxml.find(entry, self.path)
        value = self.parse(node) if node is not None else None
        option = self.options[0]
        return {option: self.absent_value(option, {}) if value is None else value}

    def parse(self, node):
        return (node.text or '').strip() or None

    def render(self, values):
        """The node for the option values, or None when nothing is to be written."""
        value = values.get(self.options[0])
        if value is None:
            return None
        return pxml.new(self.path.split('/')[-1], str(value))

    def normalize(self, option, value):
        return value

    def absent_value(self, option, item):
        value = self.absent.get(option)
        return value(item) if callable(value) else value

    def default_value(self, option, item):
        value = self.default.get(option)
        return copy.deepcopy(value(item) if callable(value) else value)

    def merge(self, option, have_value, given_value):
        """The value under ``merged`` when the task gives ``given_value`` (default: it replaces the old one)."""
        return given_value

    def complete(self, option, given_value):
        """The value under ``replaced`` (and for new entries) when the task gives ``given_value``."""
        return given_value

    def comparable(self, values, item):
        out = []
        for option in self.options:
            value = values.get(option)
            if value is None:
                value = self.absent_value(option, item)
            out.append(self.normalize(option, value))
        return tuple(out)

    # Writes
    def ops(self, entry_sim, values, entry_xpath):
        """Ops for this field; ``entry_sim`` (the device entry as the earlier ops leave it) is updated."""
        xpath = xpaths.join(entry_xpath, self.path)
        node = self.render(values)
        have = pxml.find(entry_sim, self.path)
        if node is None:
            if have is None:
                return []
            _remove(entry_sim, self.path)
            return [Op('delete', xpath)]
        anchor, rel = _deepest_existing(entry_sim, self.path)
        if have is None and '/' in rel:
            # Create the missing part under the deepest node that exists, never above it.
            top = rel.split('/', 1)[0]
            holder = pxml.new('zw')
            _graft(holder, rel, node)
            first = holder.find(top)
            base = xpaths.join(entry_xpath, anchor) if anchor else entry_xpath
            _graft(entry_sim, (anchor + '/' if anchor else '') + rel, node)
            return [Op('edit', xpaths.join(base, top), pxml.to_string(first))]
        result = diff_node(have, node, xpath, self.schema)
        _graft(entry_sim, self.path, node, merge=have is not None and self.schema.kind == TREE)
        return result


def _deepest_existing(entry, path):
    """(existing ancestor path relative to the entry, remaining path) for a node that may not exist."""
    parts = path.split('/')
    node = entry
    for index, tag in enumerate(parts):
        child = node.find(tag)
        if child is None:
            return '/'.join(parts[:index]), '/'.join(parts[index:])
        node = child
    return path, ''


def _graft(root, path, node, merge=False):
    parts = path.split('/')
    parent = pxml.ensure(root, '/'.join(parts[:-1])) if len(parts) > 1 else root
    old = parent.find(parts[-1])
    replacement = copy.deepcopy(node)
    if old is not None and merge:
        for child in list(old):
            if replacement.find(child.tag) is None:
                replacement.append(copy.deepcopy(child))
    if old is not None:
        index = list(parent).index(old)
        parent.remove(old)
        parent.insert(index, replacement)
    else:
        parent.append(replacement)


def _remove(root, path):
    parts = path.split('/')
    parent = pxml.find(root, '/'.join(parts[:-1])) if len(parts) > 1 else root
    if parent is not None:
        node = parent.find(parts[-1])
        if node is not None:
            parent.remove(node)


class Text(Field):
    def __init__(self, option, path, absent=None, default=None):
        super(Text, self).__init__(option, path, leaf(), absent, default)

    def normalize(self, option, value):
        return None if value is None else str(value)


class Int(Field):
    def __init__(self, option, path, absent=None, default=None):
        super(Int, self).__init__(option, path, leaf(), absent, default)

    def parse(self, node):
        raw = (node.text or '').strip()
        try:
            return int(raw)
        except ValueError:
            return raw or None

    def normalize(self, option, value):
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return value


class Bool(Field):
    """yes/no leaf."""

    def __init__(self, option, path, absent=False, default=None):
        super(Bool, self).__init__(option, path, leaf(), absent, default)

    def parse(self, node):
        return pxml.from_yes_no(node.text) if (node.text or '').strip() else None

    def render(self, values):
        value = values.get(self.options[0])
        if value is None:
            return None
        return pxml.new(self.path.split('/')[-1], pxml.yes_no(value))

    def normalize(self, option, value):
        return bool(value) if value is not None else None


class Members(Field):
    """<tag><member>a</member>...</tag>; compared as a set unless ``ordered``."""

    def __init__(self, option, path, absent=None, default=None, ordered=False):
        super(Members, self).__init__(option, path, member_list(ordered), absent, default)
        self.ordered = ordered

    def parse(self, node):
        return [(m.text or '').strip() for m in node.findall('member')]

    def render(self, values):
        value = values.get(self.options[0])
        if not value:
            return None
        return pxml.member_list(self.path.split('/')[-1], value)

    def normalize(self, option, value):
        if not value:
            return ()
        return tuple(value) if self.ordered else tuple(sorted(set(value)))


class Names(Field):
    """<tag><entry name="a"/>...</tag> with nothing the module models inside the entries."""

    def __init__(self, option, path, canonical=None):
        super(Names, self).__init__(option, path, Schema(NAMES))
        self.canonical = canonical or (lambda value: value)

    def parse(self, node):
        return [e.get('name') for e in node.findall('entry')]

    def render(self, values):
        value = values.get(self.options[0])
        if not value:
            return None
        node = pxml.new(self.path.split('/')[-1])
        for name in value:
            node.append(pxml.new('entry', name=name))
        return node

    def normalize(self, option, value):
        return tuple(sorted(set(self.canonical(v) for v in value or ())))


class Composite(Field):
    """Several options stored in one structured node; ``read_fn``/``render_fn`` do the mapping."""

    def __init__(self, options, path, schema, read_fn, render_fn, absent=None, default=None, normalize_fn=None):
        super(Composite, self).__init__(options, path, schema, absent, default)
        self.read_fn = read_fn
        self.render_fn = render_fn
        self.normalize_fn = normalize_fn

    def read(self, entry):
        values = self.read_fn(pxml.find(entry, self.path))
        return dict((option, values.get(option)) for option in self.options)

    def render(self, values):
        return self.render_fn(values)

    def comparable(self, values, item):
        if self.normalize_fn is None:
            return super(Composite, self).comparable(values, item)
        out = []
        for option in self.options:
            value = values.get(option)
            out.append(self.normalize_fn(option, value if value is not None else self.absent_value(option, item), values))
        return tuple(out)


# -------------------------------------------------------------------------------------------------
# One entry
# -------------------------------------------------------------------------------------------------

class EntrySpec(object):
    """The fields of one kind of entry (zone, rule, route ...)."""

    def __init__(self, kind, fields, choices=()):
        self.kind = kind
        self.fields = list(fields)
        # Groups of options that PAN-OS stores as a choice: setting one (to a true value) clears the others.
        self.choices = [tuple(group) for group in choices]
        self.options = [option for field in self.fields for option in field.options]
        self._field_of = dict((option, field) for field in self.fields for option in field.options)

    def read(self, entry):
        item = {'name': entry.get('name')}
        for field in self.fields:
            item.update(field.read(entry))
        return item

    def build(self, item):
        """The entry element for a complete item (offline rendering, creation)."""
        entry = pxml.new('entry', name=item['name'])
        for field in self.fields:
            node = field.render(item)
            if node is not None:
                _graft(entry, field.path, node)
        return entry

    def desired(self, have, given, state):
        """The item as it must be after the run, and the options in play (changed only if they differ)."""
        given = dict((k, v) for k, v in given.items() if v is not None)
        if state == 'merged' and have is not None:
            item = dict(have)
            for field in self.fields:
                for option in field.options:
                    if option in given:
                        item[option] = field.merge(option, have.get(option), given[option])
            in_play = set(given) - {'name'}
            for group in self.choices:
                chosen = [option for option in group if given.get(option)]
                if chosen:
                    for option in group:
                        if option not in chosen:
                            item[option] = None
                            in_play.add(option)
        else:
            item = dict(given)
            for field in self.fields:
                for option in field.options:
                    if item.get(option) is None:
                        item[option] = field.default_value(option, item)
                    else:
                        item[option] = field.complete(option, item[option])
            in_play = set(self.options)
        return item, in_play

    def changed_fields(self, have, item, in_play):
        changed = []
        for field in self.fields:
            if not in_play.intersection(field.options):
                continue
            if have is None or field.comparable(have, have) != field.comparable(item, item):
                changed.append(field)
        return changed

    def ops(self, entry, entry_xpath, have, item, in_play):
        """Ops that bring ``entry`` (None: create it) to ``item``; [] when nothing differs."""
        if entry is None:
            built = self.build(item)
            if len(built):
                return [Op('set', entry_xpath, pxml.children_string(built))]
            return [Op('edit', entry_xpath, pxml.to_string(built))]
        sim = copy.deepcopy(entry)
        ops = []
        for field in self.changed_fields(have, item, in_play):
            ops.extend(field.ops(sim, item, entry_xpath))
        return ops

    def compact(self, item):
        """The item without unset options and without values equal to what PAN-OS assumes when a node is absent."""
        out = {}
        for key, value in item.items():
            if value is None or value == []:
                continue
            field = self._field_of.get(key)
            if field is not None and not isinstance(field, Composite):
                absent = field.absent_value(key, item)
                if absent is not None and field.normalize(key, value) == field.normalize(key, absent):
                    continue
            out[key] = value
        return out


class EntryList(Field):
    """A keyed list of sub-entries (static routes of a router), each planned with its own spec.

    Under ``merged`` the listed sub-entries are merged by name into the existing ones; otherwise
    the list is exactly as given. Sub-entries are written at their own xpaths.
    """

    def __init__(self, option, path, spec):
        super(EntryList, self).__init__(option, path, tree())
        self.spec = spec

    def read(self, entry):
        node = pxml.find(entry, self.path)
        return {self.options[0]: [self.spec.compact(self.spec.read(e)) for _name, e in pxml.entries_by_name(node)]}

    def render(self, values):
        value = values.get(self.options[0])
        if not value:
            return None
        node = pxml.new(self.path.split('/')[-1])
        for sub in value:
            node.append(self.spec.build(sub))
        return node

    def merge(self, option, have_value, given_value):
        merged = OrderedDict((sub['name'], dict(sub)) for sub in have_value or [])
        for sub in given_value:
            item, _in_play = self.spec.desired(merged.get(sub['name']), sub, 'merged')
            merged[sub['name']] = self.spec.compact(item)
        return list(merged.values())

    def complete(self, option, given_value):
        return [self.spec.compact(self.spec.desired(None, sub, 'replaced')[0]) for sub in given_value]

    def comparable(self, values, item):
        subs = values.get(self.options[0]) or []
        return (tuple(sorted((sub['name'], tuple(f.comparable(sub, sub) for f in self.spec.fields)) for sub in subs)),)

    def ops(self, entry_sim, values, entry_xpath):
        container_xpath = xpaths.join(entry_xpath, self.path)
        have = OrderedDict(pxml.entries_by_name(pxml.find(entry_sim, self.path)))
        wanted = values.get(self.options[0]) or []
        ops = []
        for sub in wanted:
            sub_entry = have.get(sub['name'])
            have_item = self.spec.read(sub_entry) if sub_entry is not None else None
            ops.extend(self.spec.ops(sub_entry, xpaths.entry_xpath(container_xpath, sub['name']), have_item, sub,
                                     set(self.spec.options)))
        names = set(sub['name'] for sub in wanted)
        ops.extend(Op('delete', xpaths.entry_xpath(container_xpath, name)) for name in have if name not in names)
        return ops
