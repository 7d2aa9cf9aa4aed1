# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: small XML helpers for PAN-OS configuration elements."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError

# PAN-OS marks candidate nodes with these for auditing; uuid is generated per rule. None of them is configuration.
NOISE_ATTRIBUTES = ('admin', 'dirtyId', 'time', 'uuid', 'loc')


def parse(text, what='XML'):
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ValidationError('%s is not well-formed XML: %s' % (what, exc))
    return clean(root)


def clean(element):
    """Drop pretty-printing whitespace in place and return the element."""
    for node in element.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        node.tail = None
    return element


def to_string(element):
    return ET.tostring(element, encoding='unicode')


def children_string(element):
    return ''.join(to_string(child) for child in element)


def strip_noise(element):
    """A copy without audit attributes and uuids, for comparison and display."""
    element = copy.deepcopy(element)
    for node in element.iter():
        for name in NOISE_ATTRIBUTES:
            node.attrib.pop(name, None)
    return clean(element)


def canonical(element, ordered_tags=('entry',)):
    """A string that is equal for equal configuration: noise dropped, unordered members sorted."""
    if element is None:
        return ''
    return to_string(_sorted(strip_noise(element), ordered_tags))


def _sorted(element, ordered_tags):
    children = [_sorted(child, ordered_tags) for child in element]
    if children and all(child.tag == 'member' for child in children):
        children.sort(key=lambda child: child.text or '')
    for child in list(element):
        element.remove(child)
    element.extend(children)
    return element


def new(tag, text=None, **attrib):
    element = ET.Element(tag, attrib)
    if text is not None:
        element.text = text
    return element


def find(element, path):
    """The node at ``path`` (slash separated tags, no predicates) or None."""
    if element is None:
        return None
    node = element
    for tag in path.split('/'):
        node = node.find(tag)
        if node is None:
            return None
    return node


def ensure(element, path):
    """The node at ``path``, created (empty) when missing."""
    node = element
    for tag in path.split('/'):
        child = node.find(tag)
        if child is None:
            child = ET.SubElement(node, tag)
        node = child
    return node


def text(element, path):
    node = find(element, path)
    if node is None or node.text is None:
        return None
    return node.text.strip()


def members(element, path):
    node = find(element, path)
    if node is None:
        return None
    return [(m.text or '').strip() for m in node.findall('member')]


def yes_no(value):
    return 'yes' if value else 'no'


def from_yes_no(value):
    if value is None:
        return None
    return value.strip().lower() == 'yes'


def member_list(tag, values):
    element = new(tag)
    for value in values:
        ET.SubElement(element, 'member').text = value
    return element


def entries_by_name(container):
    """Ordered (name, entry) pairs of a container element's <entry> children."""
    if container is None:
        return []
    return [(e.get('name'), e) for e in container.findall('entry')]


def unwrap_result(result, tag):
    """The element ``tag`` inside an API <result> (reads of a container return the container itself)."""
    if result is None:
        return None
    if result.tag == tag:
        return result
    return result.find(tag)
