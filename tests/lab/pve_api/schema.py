# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official API schema, read at run time: routing and parameter validation.

The schema file (``api-schema-9.1-firewall.json`` in the shared reference folder, never copied into
the project) maps each path to its methods and their parameter schemas. Validation follows PVE's
JSONSchema: per property the type, then format, pattern, maxLength, minLength, maximum, minimum
and enum; every failing property is reported; undeclared properties are refused. Property-string
formats (hash-valued ``format``) are parsed and printed like PVE does.
"""

import json
import os
import re

from labcore.reference import reference_path

from . import formats

SCHEMA_ENV = 'ZONEWARDEN_PVE_SCHEMA'
SCHEMA_PARTS = ('pve', 'api-schema-9.1-firewall.json')

NOT_IN_SCHEMA = 'property is not defined in schema and the schema does not allow additional properties'
MISSING = 'property is missing and it is not optional'

# Highest index of the 'name[n]' properties when the description does not say "n is A to B".
INDEXED_MAX = {'net': 31, 'ipconfig': 31, 'unused': 255, 'mp': 255, 'dev': 255, 'hostpci': 15, 'numa': 7,
               'virtiofs': 9, 'usb': 13}
INTEGER_RE = re.compile(r'^[+-]?\d+$')
NUMBER_RE = re.compile(r'^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$')


class SchemaMissing(RuntimeError):
    """The schema file is not there; the emulator refuses to start."""


def schema_file():
    """Path of the schema file: $ZONEWARDEN_PVE_SCHEMA or <reference>/pve/api-schema-9.1-firewall.json."""
    override = os.environ.get(SCHEMA_ENV)
    if override:
        if not os.path.isfile(override):
            raise SchemaMissing('PVE API schema not found at %s (from %s)' % (override, SCHEMA_ENV))
        return override
    try:
        return reference_path(*SCHEMA_PARTS)
    except RuntimeError as exc:
        raise SchemaMissing(str(exc)) from None


def perl_pattern(pattern):
    """Turn a stringified Perl regex ((?^:...), (?^i:...)) into a compiled, anchored Python regex."""
    text = re.sub(r'\(\?\^([a-z]*):', lambda m: '(?%s:' % m.group(1) if m.group(1) else '(?:', pattern)
    return re.compile('^(?:%s)$' % text)


def _number_text(value):
    number = float(value)
    return str(int(number)) if number == int(number) else repr(number)


class ParamSchema:
    """Parameters of one method: fixed properties plus indexed ones such as net[n]."""

    def __init__(self, raw):
        self.raw = raw or {}
        props = self.raw.get('properties') or {}
        self.properties = {}
        self.indexed = []
        for name, prop in props.items():
            _compile_prop(prop)
            match = re.match(r'^([a-z]+)\[n\]$', name)
            if match:
                base = match.group(1)
                self.indexed.append((base, re.compile(r'^%s(\d+)$' % base), _index_max(base, prop), prop))
            else:
                self.properties[name] = prop
        self.additional = self.raw.get('additionalProperties', 0)
        self.required = [name for name, prop in self.properties.items() if not prop.get('optional') and not prop.get('alias')]

    def lookup(self, key):
        """The schema of a property name (indexed names included), or None."""
        prop = self.properties.get(key)
        if prop is not None:
            return prop
        for _base, regex, highest, iprop in self.indexed:
            match = regex.match(key)
            if match and int(match.group(1)) <= highest and str(int(match.group(1))) == match.group(1):
                return iprop
        return None

    def names(self):
        """Every accepted parameter name (indexed ones at index 0 and at their highest index)."""
        result = list(self.properties)
        for base, _regex, highest, _prop in self.indexed:
            result.extend(['%s0' % base, '%s%d' % (base, highest)])
        return result

    def validate(self, values):
        """Return PVE's error object (property -> message) for ``values``; empty when valid."""
        errors = {}
        for name in self.required:
            if values.get(name) is None:
                add_error(errors, name, MISSING)
        for name, value in values.items():
            prop = self.lookup(name)
            if prop is None:
                if not self.additional:
                    add_error(errors, name, NOT_IN_SCHEMA)
                continue
            check_prop(value, prop, name, errors)
            requires = prop.get('requires')
            if isinstance(requires, str) and values.get(requires) is None:
                add_error(errors, requires, "missing property required by '%s'" % name)
        return errors


def _index_max(base, prop):
    match = re.search(r'n is (\d+) to (\d+)', prop.get('description') or '')
    if match:
        return int(match.group(2))
    return INDEXED_MAX.get(base, 31)


def _compile_prop(prop):
    """Precompile patterns once (the raw schema keeps its strings)."""
    if 'pattern' in prop and '_re' not in prop:
        prop['_re'] = perl_pattern(prop['pattern'])
    fmt = prop.get('format')
    if isinstance(fmt, dict):
        for sub in fmt.values():
            _compile_prop(sub)
    elif isinstance(fmt, str) and not formats.is_known(fmt):
        raise SchemaMissing('schema uses format %r that the emulator does not know' % fmt)
    if isinstance(prop.get('items'), dict):
        _compile_prop(prop['items'])


def add_error(errors, path, message):
    path = path or '_root'
    errors[path] = errors[path] + '\\n' + message if path in errors else message


def check_type(path, kind, value, errors):
    if not kind or kind in ('string', 'any'):
        return True
    if kind == 'array':
        if not isinstance(value, list):
            add_error(errors, path, "type check ('array') failed")
            return False
        return True
    if isinstance(value, list):
        add_error(errors, path, "type check ('%s') failed - got ARRAY" % kind)
        return False
    if kind == 'boolean' and value not in ('0', '1'):
        add_error(errors, path, "type check ('boolean') failed - got '%s'" % value)
        return False
    if kind == 'integer' and not INTEGER_RE.match(value):
        add_error(errors, path, "type check ('integer') failed - got '%s'" % value)
        return False
    if kind == 'number' and not NUMBER_RE.match(value):
        add_error(errors, path, "type check ('number') failed - got '%s'" % value)
        return False
    return True


def check_prop(value, prop, path, errors):
    """PVE's check_prop for one property value (strings, or a list for arrays)."""
    if prop.get('alias'):
        return
    if value is None:
        if not prop.get('optional'):
            add_error(errors, path, MISSING)
        return
    if prop.get('type') == 'array' and not isinstance(value, list):
        value = [value]
    if not check_type(path, prop.get('type'), value, errors):
        return
    if isinstance(value, list):
        items = prop.get('items')
        if isinstance(items, dict):
            for index, item in enumerate(value):
                check_prop(item, items, '%s[%d]' % (path, index), errors)
        return
    _check_scalar(value, prop, path, errors)


def _check_scalar(value, prop, path, errors):
    fmt = prop.get('format')
    if fmt:
        message = format_error(fmt, value, path)
        if message is not None:
            add_error(errors, path, 'invalid format - ' + message)
            return
    regex = prop.get('_re')
    if regex is not None and not regex.match(value):
        add_error(errors, path, 'value does not match the regex pattern')
        return
    if 'maxLength' in prop and len(value) > int(prop['maxLength']):
        add_error(errors, path, 'value may only be %s characters long' % prop['maxLength'])
        return
    if 'minLength' in prop and len(value) < int(prop['minLength']):
        add_error(errors, path, 'value must be at least %s characters long' % prop['minLength'])
        return
    if NUMBER_RE.match(value):
        if 'maximum' in prop and float(value) > float(prop['maximum']):
            add_error(errors, path, 'value must have a maximum value of %s' % _number_text(prop['maximum']))
            return
        if 'minimum' in prop and float(value) < float(prop['minimum']):
            add_error(errors, path, 'value must have a minimum value of %s' % _number_text(prop['minimum']))
            return
    enum = prop.get('enum')
    if enum and value not in enum:
        add_error(errors, path, "value '%s' does not have a value in the enumeration '%s'" % (value, ', '.join(enum)))


def format_error(fmt, value, path):
    """None when ``value`` passes ``fmt``, else the message (with PVE's trailing newline)."""
    if isinstance(fmt, dict):
        try:
            parse_property_string(fmt, value, path)
        except PropertyStringError as exc:
            return str(exc)
        return None
    try:
        formats.check(fmt, value)
    except formats.FormatError as exc:
        text = str(exc)
        return text if text.endswith('\n') else text + '\n'
    return None


class PropertyStringError(ValueError):
    """A property string that does not parse or validate; str() is PVE's text."""


def _parse_boolean(value):
    lowered = value.lower()
    if lowered in ('1', 'on', 'yes', 'true'):
        return '1'
    if lowered in ('0', 'off', 'no', 'false'):
        return '0'
    return value


def _default_key(fmt):
    for key, sub in fmt.items():
        if sub.get('default_key'):
            return key
    return None


def parse_property_string(fmt, data, path=''):
    """Parse 'k=v,k2=v2' against a hash format; returns a dict of strings or raises."""
    result = {}
    default_key = None
    for part in data.split(','):
        if not part.strip():
            continue
        match = re.match(r'^([^=]+)=(.+)$', part, re.S)
        if match:
            key, value = match.group(1), match.group(2)
            if key in result:
                raise PropertyStringError('duplicate key in comma-separated list property: %s\n' % key)
            sub = fmt.get(key)
            if sub and sub.get('alias'):
                if sub.get('keyAlias'):
                    if sub['keyAlias'] in result:
                        raise PropertyStringError("key alias '%s' is already defined\n" % sub['keyAlias'])
                    result[sub['keyAlias']] = key
                key = sub['alias']
                sub = fmt.get(key)
                if key in result:
                    raise PropertyStringError("key '%s' is already defined (via alias)\n" % key)
            if not sub:
                raise PropertyStringError('invalid key in comma-separated list property: %s\n' % key)
            result[key] = _parse_boolean(value) if sub.get('type') == 'boolean' else value
        elif '=' not in part:
            if default_key:
                raise PropertyStringError('duplicate key in comma-separated list property: %s\n' % default_key)
            default_key = _default_key(fmt)
            if not default_key:
                raise PropertyStringError('value without key, but schema does not define a default key\n')
            if result.get(default_key):
                raise PropertyStringError('duplicate key in comma-separated list property: %s\n' % default_key)
            sub = fmt[default_key]
            result[default_key] = _parse_boolean(part) if sub.get('type') == 'boolean' else part
        else:
            raise PropertyStringError('missing key in comma-separated list property\n')
    errors = {}
    for key, sub in fmt.items():
        check_prop(result.get(key), sub, '%s.%s' % (path, key) if path else key, errors)
    if errors:
        raise PropertyStringError('format error\n' + ''.join('%s: %s\n' % item for item in errors.items()))
    return result


def print_property_string(data, fmt):
    """PVE's print order: default key (combined with its key alias), required keys, the rest sorted."""
    default_key = _default_key(fmt)
    key_alias = {}
    for key, sub in fmt.items():
        if sub.get('keyAlias'):
            key_alias[sub['keyAlias']] = sub['alias']
    parts = []
    done = set()

    def add(key, is_default=False):
        if key in done or data.get(key) is None:
            return
        done.add(key)
        combine = key_alias.get(key)
        if combine and data.get(combine) is not None:
            parts.append('%s=%s' % (data[key], data[combine]))
            done.add(combine)
        elif is_default:
            parts.append(str(data[key]))
        else:
            parts.append('%s=%s' % (key, data[key]))

    if default_key:
        add(default_key, True)
    for key in sorted(data):
        if key in fmt and not fmt[key].get('optional'):
            add(key)
    for key in sorted(data):
        add(key)
    return ','.join(parts)


class Route:
    """One path of the API with its methods."""

    def __init__(self, template, methods):
        self.template = template
        self.methods = methods          # METHOD -> ParamSchema
        self.infos = {}                 # METHOD -> raw method info (returns, permissions ...)


class Router:
    """Segment trie over the path templates; '{cidr}' swallows the rest of the path."""

    def __init__(self):
        self.root = {}
        self.routes = {}

    def add(self, template, route):
        self.routes[template] = route
        node = self.root
        for segment in template.strip('/').split('/'):
            if segment.startswith('{'):
                name = segment[1:-1]
                key = ('**' if name == 'cidr' else '*')
                node = node.setdefault(key, {'__name__': name})
            else:
                node = node.setdefault(segment, {})
        node['__route__'] = route

    def match(self, path):
        segments = path.strip('/').split('/') if path.strip('/') else []
        return self._walk(self.root, segments, 0, {})

    def _walk(self, node, segments, index, params):
        if index == len(segments):
            route = node.get('__route__')
            return (route, params) if route else None
        segment = segments[index]
        if segment in node and not segment.startswith('__'):
            found = self._walk(node[segment], segments, index + 1, params)
            if found:
                return found
        rest = node.get('**')
        if rest is not None and '__route__' in rest:
            return rest['__route__'], dict(params, **{rest['__name__']: '/'.join(segments[index:])})
        wild = node.get('*')
        if wild is not None and segment:
            return self._walk(wild, segments, index + 1, dict(params, **{wild['__name__']: segment}))
        return None


class ApiSchema:
    """The loaded schema: routes plus extra (non-schema) routes the emulator serves."""

    def __init__(self, path=None):
        self.path = path or schema_file()
        with open(self.path, encoding='utf-8') as handle:
            raw = json.load(handle)
        self.meta = raw.get('_meta', {})
        self.router = Router()
        self.schema_paths = sorted(raw['paths'])
        for template, entry in raw['paths'].items():
            infos = entry.get('info') or {}
            route = Route(template, {method: ParamSchema(info.get('parameters')) for method, info in infos.items()})
            route.infos = infos
            self.router.add(template, route)

    def add_extra(self, template, methods):
        """Register a path that the schema file does not cover (tickets, task status)."""
        existing = self.router.routes.get(template)
        if existing is not None:
            existing.methods.update({method: ParamSchema(params) for method, params in methods.items()})
            return
        self.router.add(template, Route(template, {method: ParamSchema(params) for method, params in methods.items()}))

    def match(self, path):
        return self.router.match(path)

    def method_params(self, template, method):
        route = self.router.routes[template]
        return route.methods.get(method)
