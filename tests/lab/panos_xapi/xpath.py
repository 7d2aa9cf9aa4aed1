# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XPath subset that PAN-OS clients send, evaluated on ElementTree trees.

Supported: absolute paths, ``//`` (reads), ``*``, a final ``@attr`` step (reads), unions with
``|`` (reads), and predicates made of ``@attr = literal``, ``text() = literal``, ``child = literal``,
bare ``@attr`` / ``child`` (existence), positions ``[n]``, ``and`` / ``or`` / parentheses, ``!=``,
and string literals in either quote or ``concat(...)``, which is how pan-os-python quotes names.

A node is addressed by its *path*: a tuple of components ``(tag, ident)`` where ``ident`` is
``('name', value)`` for elements with a ``name`` attribute, ``('text', value)`` for ``<member>``
and ``None`` otherwise. Paths identify nodes across the candidate and running trees.
"""

import re
import xml.etree.ElementTree as ET
from collections import OrderedDict


class XPathError(ValueError):
    """The xpath is not valid (PAN-OS code 6)."""


_TOKEN = re.compile(r"""\s*(?:
    (?P<lit>'[^']*'|"[^"]*")
  | (?P<attr>@[A-Za-z_][\w.:-]*)
  | (?P<text>text\(\s*\))
  | (?P<concat>concat\s*\()
  | (?P<num>\d+)
  | (?P<op>!=|=|\(|\)|,)
  | (?P<word>[A-Za-z_][\w.:-]*)
)""", re.VERBOSE)
_NAME = re.compile(r'^(\*|[A-Za-z_][\w.:-]*)$')
_CACHE_SIZE = 512


class Step:
    """One location step: axis, node test and predicates."""

    __slots__ = ('descendant', 'test', 'predicates', 'names', 'texts')

    def __init__(self, descendant, test, predicates):
        self.descendant = descendant
        self.test = test
        self.predicates = predicates
        # The usual predicates (entry[@name='a' or @name='b'], member[text()='x']) become set lookups.
        self.names = _literal_set(predicates, 'attr', 'name')
        self.texts = _literal_set(predicates, 'text', None)

    @property
    def is_attribute(self):
        return self.test.startswith('@')

    def simple_ident(self):
        """The identity this step pins down, if it is creatable: ('name', x), ('text', x), None; else False."""
        if self.descendant or self.test == '*' or self.is_attribute:
            return False
        if not self.predicates:
            return None
        if len(self.predicates) != 1:
            return False
        pred = self.predicates[0]
        if pred[0] == 'eq' and pred[1][0] == 'attr' and pred[1][1] == 'name' and pred[2][0] == 'lit':
            return ('name', pred[2][1])
        if pred[0] == 'eq' and pred[1][0] == 'text' and pred[2][0] == 'lit':
            return ('text', pred[2][1])
        return False


def _literal_set(predicates, kind, name):
    if len(predicates) != 1:
        return None
    pred = predicates[0]
    items = pred[1] if pred[0] == 'or' else [pred]
    values = set()
    for item in items:
        if item[0] != 'eq' or item[1] != (kind, name) or item[2][0] != 'lit':
            return None
        values.add(item[2][1])
    return frozenset(values)


class XPath:
    """A parsed xpath: one or more absolute paths (a union)."""

    def __init__(self, source, alternatives):
        self.source = source
        self.alternatives = alternatives

    @property
    def is_union(self):
        return len(self.alternatives) > 1

    @property
    def selects_attribute(self):
        return any(steps[-1].is_attribute for steps in self.alternatives)

    def creatable_path(self):
        """The concrete path this xpath names when every step is a plain child step; else None."""
        if self.is_union:
            return None
        path = []
        for step in self.alternatives[0]:
            ident = step.simple_ident()
            if ident is False:
                return None
            path.append((step.test, ident))
        return tuple(path)


# -- parsing ------------------------------------------------------------------------------------

_parsed = OrderedDict()


def parse(source):
    """Parse ``source`` (cached); raise XPathError when it is not in the supported subset."""
    cached = _parsed.get(source)
    if cached is not None:
        _parsed.move_to_end(source)
        return cached
    if not source or not source.strip():
        raise XPathError('empty xpath')
    alternatives = [_parse_path(part.strip()) for part in _split_top(source, '|')]
    result = XPath(source, alternatives)
    _parsed[source] = result
    if len(_parsed) > _CACHE_SIZE:
        _parsed.popitem(last=False)
    return result


def _split_top(source, separator):
    """Split on ``separator`` outside quotes and brackets."""
    parts, depth, quote, start = [], 0, None, 0
    for index, char in enumerate(source):
        if quote:
            if char == quote:
                quote = None
        elif char in '\'"':
            quote = char
        elif char == '[':
            depth += 1
        elif char == ']':
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(source[start:index])
            start = index + 1
    if quote or depth:
        raise XPathError('unbalanced quotes or brackets in xpath')
    parts.append(source[start:])
    return parts


def _parse_path(source):
    if not source.startswith('/'):
        raise XPathError('xpath must be absolute: %r' % source)
    steps, index, length = [], 0, len(source)
    while index < length:
        descendant = source.startswith('//', index)
        index += 2 if descendant else 1
        start = index
        while index < length and source[index] not in '/[':
            index += 1
        test = source[start:index].strip()
        predicates = []
        while index < length and source[index] == '[':
            end = _closing_bracket(source, index)
            predicates.append(_parse_predicate(source[index + 1:end]))
            index = end + 1
        if index < length and source[index] != '/':
            raise XPathError('unexpected %r in xpath' % source[index])
        if test.startswith('@'):
            if not _NAME.match(test[1:]) or predicates:
                raise XPathError('bad attribute step %r' % test)
        elif not _NAME.match(test):
            raise XPathError('bad step %r' % test)
        steps.append(Step(descendant, test, predicates))
    if not steps:
        raise XPathError('empty xpath')
    if any(step.is_attribute for step in steps[:-1]):
        raise XPathError('attribute step must be last')
    return steps


def _closing_bracket(source, start):
    depth, quote = 0, None
    for index in range(start, len(source)):
        char = source[index]
        if quote:
            if char == quote:
                quote = None
        elif char in '\'"':
            quote = char
        elif char == '[':
            depth += 1
        elif char == ']':
            depth -= 1
            if depth == 0:
                return index
    raise XPathError('unclosed predicate')


def _tokenize(source):
    tokens, index = [], 0
    source = source.rstrip()
    while index < len(source):
        match = _TOKEN.match(source, index)
        if not match or match.end() == index:
            raise XPathError('cannot parse predicate near %r' % source[index:])
        kind = match.lastgroup
        value = match.group(kind)
        if kind == 'lit':
            value = value[1:-1]
        elif kind == 'attr':
            value = value[1:]
        tokens.append((kind, value))
        index = match.end()
    return tokens


class _PredicateParser:
    """Recursive descent over predicate tokens; produces small tuples evaluated by _test."""

    def __init__(self, tokens):
        self.tokens = tokens
        self.pos = 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self, kind=None, value=None):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (value is not None and token[1] != value):
            raise XPathError('unexpected token %r in predicate' % (token[1],))
        self.pos += 1
        return token

    def parse(self):
        expr = self.or_expr()
        if self.pos != len(self.tokens):
            raise XPathError('trailing tokens in predicate')
        return expr

    def or_expr(self):
        items = [self.and_expr()]
        while self.peek() == ('word', 'or'):
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else ('or', items)

    def and_expr(self):
        items = [self.comparison()]
        while self.peek() == ('word', 'and'):
            self.take()
            items.append(self.comparison())
        return items[0] if len(items) == 1 else ('and', items)

    def comparison(self):
        if self.peek() == ('op', '('):
            self.take()
            expr = self.or_expr()
            self.take('op', ')')
            return expr
        left = self.operand()
        if self.peek() in (('op', '='), ('op', '!=')):
            operator = self.take()[1]
            right = self.operand()
            return ('eq' if operator == '=' else 'ne', left, right)
        return ('bool', left)

    def operand(self):
        kind, value = self.take()
        if kind == 'lit':
            return ('lit', value)
        if kind == 'concat':
            parts = [self.take('lit')[1]]
            while self.peek() == ('op', ','):
                self.take()
                parts.append(self.take('lit')[1])
            self.take('op', ')')
            return ('lit', ''.join(parts))
        if kind == 'attr':
            return ('attr', value)
        if kind == 'text':
            return ('text', None)
        if kind == 'num':
            return ('num', int(value))
        if kind == 'word':
            return ('child', value)
        raise XPathError('unexpected %r in predicate' % value)


def _parse_predicate(source):
    return _PredicateParser(_tokenize(source)).parse()


# -- evaluation ---------------------------------------------------------------------------------

def ident_of(element):
    """The identity of an element among its siblings."""
    name = element.get('name')
    if name is not None:
        return ('name', name)
    if element.tag == 'member':
        return ('text', element.text or '')
    return None


def component(element):
    return (element.tag, ident_of(element))


def _value(operand, element, position):
    kind, value = operand
    if kind == 'lit':
        return value
    if kind == 'attr':
        return element.get(value)
    if kind == 'text':
        return element.text or ''
    if kind == 'num':
        return value
    child = element.find(value)
    return None if child is None else (child.text or '')


def _test(pred, element, position):
    kind = pred[0]
    if kind == 'or':
        return any(_test(item, element, position) for item in pred[1])
    if kind == 'and':
        return all(_test(item, element, position) for item in pred[1])
    if kind in ('eq', 'ne'):
        left, right = _value(pred[1], element, position), _value(pred[2], element, position)
        if left is None or right is None:
            return False
        if isinstance(left, int) or isinstance(right, int):
            left, right = str(left), str(right)
        return (left == right) if kind == 'eq' else (left != right)
    operand = pred[1]
    if operand[0] == 'num':
        return position == operand[1]
    if operand[0] == 'attr':
        return element.get(operand[1]) is not None
    if operand[0] == 'child':
        return element.find(operand[1]) is not None
    return bool(_value(operand, element, position))


class Node:
    """A matched element with its parent and path (parent is None for the root)."""

    __slots__ = ('element', 'parent', 'path')

    def __init__(self, element, parent, path):
        self.element = element
        self.parent = parent
        self.path = path


class AttrNode:
    """A matched attribute (final ``@attr`` step)."""

    __slots__ = ('element', 'name', 'path')

    def __init__(self, element, name, path):
        self.element = element
        self.name = name
        self.path = path


def _children(node, test):
    element = node.element
    for child in element:
        if test == '*' or child.tag == test:
            yield Node(child, element, node.path + (component(child),))


def _descendants(node, test):
    stack = [node]
    while stack:
        current = stack.pop()
        kids = list(_children(current, '*'))
        for kid in kids:
            if test == '*' or kid.element.tag == test:
                yield kid
        stack.extend(reversed(kids))


def _apply_step(nodes, step):
    if step.is_attribute:
        name = step.test[1:]
        return [AttrNode(n.element, name, n.path) for n in nodes if n.element.get(name) is not None]
    if step.descendant:
        matched = []
        for node in nodes:
            candidates = list(_descendants(node, step.test))
            for predicate in step.predicates:
                candidates = [c for i, c in enumerate(candidates, 1) if _test(predicate, c.element, i)]
            matched.extend(candidates)
        return matched
    matched, test = [], step.test
    for node in nodes:
        element = node.element
        kids = list(element) if test == '*' else [child for child in element if child.tag == test]
        if step.names is not None:
            kids = [child for child in kids if child.get('name') in step.names]
        elif step.texts is not None:
            kids = [child for child in kids if (child.text or '') in step.texts]
        else:
            for predicate in step.predicates:
                kids = [child for i, child in enumerate(kids, 1) if _test(predicate, child, i)]
        matched.extend(Node(child, element, node.path + (component(child),)) for child in kids)
    return matched


def select(root, xpath):
    """Return the Node (or AttrNode) list the xpath selects in the tree under ``root``, in order, no duplicates."""
    if isinstance(xpath, str):
        xpath = parse(xpath)
    # A throw-away document node above the root makes the first step an ordinary child step.
    document = ET.Element('#document')
    document.append(root)
    results, seen = [], set()
    for steps in xpath.alternatives:
        nodes = [Node(document, None, ())]
        for step in steps:
            nodes = _apply_step(nodes, step)
            if not nodes:
                break
        for node in nodes:
            if isinstance(node, Node) and node.parent is document:
                node.parent = None
            key = (id(node.element), getattr(node, 'name', None))
            if key not in seen:
                seen.add(key)
                results.append(node)
    return results


# -- paths --------------------------------------------------------------------------------------

def find_child(element, comp):
    tag, ident = comp
    for child in element:
        if child.tag == tag and ident_of(child) == ident:
            return child
    return None


def locate(root, path):
    """Return (element, parent) at ``path`` or (None, None)."""
    if not path or path[0][0] != root.tag:
        return None, None
    element, parent = root, None
    for comp in path[1:]:
        child = find_child(element, comp)
        if child is None:
            return None, None
        element, parent = child, element
    return element, parent


def literal(value):
    """Quote ``value`` as an XPath string literal."""
    if "'" not in value:
        return "'%s'" % value
    if '"' not in value:
        return '"%s"' % value
    return 'concat(%s)' % ', "\'", '.join("'%s'" % part for part in value.split("'"))


def path_to_string(path):
    parts = []
    for tag, ident in path:
        if ident is None:
            parts.append(tag)
        elif ident[0] == 'name':
            parts.append('%s[@name=%s]' % (tag, literal(ident[1])))
        else:
            parts.append('%s[text()=%s]' % (tag, literal(ident[1])))
    return '/' + '/'.join(parts)


def is_prefix(prefix, path):
    return len(prefix) <= len(path) and path[:len(prefix)] == prefix


def path_to_json(path):
    return [[tag, ident[0], ident[1]] if ident else [tag] for tag, ident in path]


def path_from_json(data):
    return tuple((item[0], (item[1], item[2]) if len(item) == 3 else None) for item in data)
