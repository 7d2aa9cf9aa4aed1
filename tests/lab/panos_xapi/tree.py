# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration tree helpers: parsing, comparison, and mutations that can be rolled back.

Every change to the candidate goes through a :class:`Journal`, so a failing request (or one
failing step of a multi-config batch) leaves the tree exactly as it was, without copying it.
"""

import copy
import xml.etree.ElementTree as ET

from .xpath import component, find_child, locate

# Attributes PAN-OS adds to candidate nodes for audit; never part of the configuration itself.
AUDIT_ATTRIBUTES = ('admin', 'dirtyId', 'time')


class TreeError(ValueError):
    """A request that PAN-OS would refuse; carries the PAN-OS error code and message lines."""

    def __init__(self, code, *lines):
        super().__init__(lines[0] if lines else 'error')
        self.code = code
        self.lines = list(lines)


def clean(element):
    """Drop whitespace-only text and all tails (pretty printing) in place; return the element."""
    for node in element.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        node.tail = None
    return element


def parse_xml(text):
    """Parse one element; raise TreeError(18) for malformed XML."""
    try:
        return clean(ET.fromstring(text))
    except ET.ParseError as exc:
        raise TreeError(18, 'Malformed Request', str(exc)) from exc


def parse_fragment(text):
    """Parse a ``set`` element parameter: one or more sibling elements."""
    try:
        wrapper = ET.fromstring('<zw-fragment>%s</zw-fragment>' % text)
    except ET.ParseError as exc:
        raise TreeError(18, 'Malformed Request', str(exc)) from exc
    elements = [clean(child) for child in wrapper]
    if not elements:
        raise TreeError(18, 'Malformed Request', 'element has no XML element')
    return elements


def equal(left, right):
    """Structural equality, ignoring audit attributes and surrounding whitespace."""
    if left is None or right is None:
        return left is right
    if left.tag != right.tag or len(left) != len(right):
        return False
    if (left.text or '').strip() != (right.text or '').strip():
        return False
    if _plain_attrib(left) != _plain_attrib(right):
        return False
    return all(equal(a, b) for a, b in zip(left, right))


def _plain_attrib(element):
    attrib = element.attrib
    if not any(name in attrib for name in AUDIT_ATTRIBUTES):
        return attrib
    return {k: v for k, v in attrib.items() if k not in AUDIT_ATTRIBUTES}


def strip_audit(element):
    for node in element.iter():
        for name in AUDIT_ATTRIBUTES:
            node.attrib.pop(name, None)
    return element


def element_for(comp, template=None):
    """A new empty element for path component ``comp`` (attributes copied from ``template``)."""
    tag, ident = comp
    element = ET.Element(tag)
    if template is not None:
        element.attrib.update(_plain_attrib(template))
    if ident is not None and ident[0] == 'name':
        element.set('name', ident[1])
    elif ident is not None:
        element.text = ident[1]
    return element


class Journal:
    """Records in-place mutations so they can be undone in reverse order."""

    def __init__(self):
        self._undo = []

    def insert(self, parent, index, child):
        parent.insert(index, child)
        self._undo.append(lambda: parent.remove(child))

    def append(self, parent, child):
        self.insert(parent, len(parent), child)

    def remove(self, parent, child):
        index = list(parent).index(child)
        parent.remove(child)
        self._undo.append(lambda: parent.insert(index, child))
        return index

    def set_attr(self, element, name, value):
        old = element.get(name)
        if value is None:
            element.attrib.pop(name, None)
        else:
            element.set(name, value)
        self._undo.append(lambda: element.attrib.pop(name, None) if old is None else element.set(name, old))

    def set_text(self, element, text):
        old = element.text
        element.text = text
        self._undo.append(lambda: setattr(element, 'text', old))

    def call(self, do, undo):
        """A non-tree mutation (change records, counters) with its inverse."""
        do()
        self._undo.append(undo)

    def rollback(self):
        while self._undo:
            self._undo.pop()()

    def forget(self):
        self._undo = []


def ensure_path(journal, root, path, template_root=None):
    """Return the element at ``path``, creating missing elements (shaped like ``template_root``'s)."""
    if not path or path[0][0] != root.tag:
        raise TreeError(6, 'Bad xpath: it must start with /%s' % root.tag)
    element, template = root, template_root
    for comp in path[1:]:
        child = find_child(element, comp)
        template_child = find_child(template, comp) if template is not None else None
        if child is None:
            child = element_for(comp, template_child)
            journal.insert(element, _insert_index(element, template, comp), child)
        element, template = child, template_child
    return element


def _insert_index(parent, template_parent, comp):
    """Where a node goes so that it follows the nearest sibling that precedes it in the template."""
    if template_parent is None:
        return len(parent)
    siblings = list(template_parent)
    position = next((i for i, s in enumerate(siblings) if component(s) == comp), None)
    if position is None:
        return len(parent)
    existing = {component(child): index for index, child in enumerate(parent)}
    for sibling in reversed(siblings[:position]):
        index = existing.get(component(sibling))
        if index is not None:
            return index + 1
    return 0


def merge(journal, target, source):
    """PAN-OS ``set``: add or update, never remove."""
    for name, value in source.attrib.items():
        if target.get(name) != value:
            journal.set_attr(target, name, value)
    if not len(source):
        text = source.text
        if text is not None and text.strip() and not len(target) and target.text != text:
            journal.set_text(target, text)
        return
    if target.text is not None and not len(target):
        journal.set_text(target, None)
    for child in source:
        existing = find_child(target, component(child))
        if existing is None:
            journal.append(target, copy.deepcopy(child))
        else:
            merge(journal, existing, child)


def replace_node(journal, parent, old, new):
    index = journal.remove(parent, old)
    journal.insert(parent, index, new)


def move(journal, parent, node, where, dst_name=None):
    """Reorder ``node`` among its siblings; TreeError(14) when it is already there."""
    siblings = list(parent)
    index = siblings.index(node)
    others = [s for s in siblings if s is not node]
    if where == 'top':
        target = 0
    elif where == 'bottom':
        target = len(others)
    else:
        dst = next((s for s in others if s.tag == node.tag and s.get('name') == dst_name), None)
        if dst is None:
            if dst_name == node.get('name'):
                raise TreeError(14, 'Operation not possible: cannot move %s relative to itself' % dst_name)
            raise TreeError(13, '%s does not exist' % dst_name)
        target = others.index(dst) + (1 if where == 'after' else 0)
    if target == index:
        raise TreeError(14, 'Operation not possible: %s is already at the requested position' % node.get('name'))
    journal.remove(parent, node)
    journal.insert(parent, target, node)


def sync_node(journal, target_root, source_root, path):
    """Make ``target_root`` hold at ``path`` what ``source_root`` holds there (copy, insert or remove)."""
    source, source_parent = locate(source_root, path)
    target, target_parent = locate(target_root, path)
    if source is None:
        if target is not None and target_parent is not None:
            journal.remove(target_parent, target)
        return
    if target is not None:
        if target_parent is None:
            raise TreeError(12, 'cannot replace the configuration root')
        journal.remove(target_parent, target)
    parent = ensure_path(journal, target_root, path[:-1], source_root)
    journal.insert(parent, _insert_index(parent, source_parent, path[-1]), copy.deepcopy(source))
