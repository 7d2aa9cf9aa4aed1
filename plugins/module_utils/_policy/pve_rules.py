# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: PVE rule validation and macro expansion for the evaluator.

``verify_rule`` decides, like PVE when it reads a file, whether a rule carries errors (such rules are
kept in the file but never compiled) and which IP version it is bound to. ``MacroTable`` holds the
macro definitions handed in by the caller (from ``GET /cluster/firewall/macros`` data or a
``macros.json`` style document); none are built in.
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import NAME_PATTERN, perl_true
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_match import (
    ICMP_PROTOCOLS,
    ICMP_TYPES,
    ICMPV6_TYPES,
    PROTOCOLS_WITH_PORTS,
    MatchError,
    address_element,
    check_port_spec,
    is_known_protocol,
    perl_split_commas,
)

RULE_ENV_TYPES = {
    'ct': ('in', 'out', 'group'),
    'vm': ('in', 'out', 'group'),
    'group': ('in', 'out', 'forward'),
    'cluster': ('in', 'out', 'forward', 'group'),
    'host': ('in', 'out', 'forward', 'group'),
    'vnet': ('forward', 'group'),
}
RULE_ENV_IFACE = {'ct': True, 'vm': True, 'group': False, 'vnet': False, 'cluster': True, 'host': True}

IPSET_REF = re.compile(r'^\+(guest/|dc/|sdn/)?(%s)$' % NAME_PATTERN)
ALIAS_REF = re.compile(r'^(guest/|dc/)?(%s)$' % NAME_PATTERN)
_IFACE_RE = re.compile(r'^[a-z][a-z0-9_]{1,20}([:.]\d+)?$', re.I)
_GROUP_NAME_RE = re.compile(r'^%s$' % NAME_PATTERN)
MAX_ALIAS_NAME = 64
MAX_IPSET_NAME = 64


class RuleError(ValueError):
    """A rule problem tied to one rule field."""

    def __init__(self, param, msg):
        super(RuleError, self).__init__(msg)
        self.param = param


class MacroTable(object):
    """Macro templates by canonical name; lookups are case-insensitive like PVE's."""

    def __init__(self, data=None):
        data = data or {}
        if isinstance(data.get('macros'), dict):
            templates = data['macros']
        else:
            templates = dict((k, v) for k, v in data.items() if isinstance(v, list))
        self.templates = dict((name, [dict(t) for t in rules if isinstance(t, dict)])
                              for name, rules in templates.items())
        self.ipv6_templates = dict(data.get('macros_ipv6') or {})
        self.ipversion = dict(data.get('ipversion') or {})
        for name, rules in self.templates.items():
            if name not in self.ipversion and rules and all(t.get('proto') in ('icmpv6', 'ipv6-icmp') for t in rules):
                self.ipversion[name] = 6
        self.by_lower = dict((name.lower(), name) for name in self.templates)

    def canonical(self, name):
        return self.by_lower.get(str(name).lower())

    def expand(self, name, param, ipversion=None):
        """Rules produced by macro ``name`` with the rule fields ``param``; raise RuleError on conflicts."""
        templates = self.templates.get(name)
        if templates is None:
            raise RuleError('macro', "unknown macro '%s'" % name)
        if ipversion == 6 and name in self.ipv6_templates:
            templates = self.ipv6_templates[name]
        required = self.ipversion.get(name)
        if ipversion and required and ipversion != required:
            return []
        rules = []
        for template in templates:
            rule, used = {}, set()
            for key, value in template.items():
                if value == 'PARAM':
                    value, used_key = param.get(key), key
                elif value in ('DEST', 'SOURCE'):
                    used_key = value.lower()
                    value = param.get(used_key)
                else:
                    used_key = None
                if used_key:
                    used.add(used_key)
                if value is None:
                    raise RuleError('macro', "missing parameter '%s' in macro '%s'" % (key, name))
                rule[key] = value
            for key, value in param.items():
                if key == 'macro' or value is None or key in used:
                    continue
                if key in rule:
                    if str(rule[key]) != str(value):
                        raise RuleError(key, "parameter '%s' already define in macro (value = '%s')" % (key, rule[key]))
                else:
                    rule[key] = value
            rules.append(rule)
        return rules


def parse_address_list(text):
    """IP version of an address list (None for ipset/alias references); raise MatchError like PVE."""
    if text.startswith('+') and re.match(r'^\+\S+$', text):
        if len(text) > MAX_IPSET_NAME + 1:
            raise MatchError('ipset name too long')
        return None
    if ALIAS_REF.match(text):
        if len(text) > MAX_ALIAS_NAME:
            raise MatchError('alias name too long')
        return None
    elements = perl_split_commas(text)
    if text != ','.join(elements):
        raise MatchError('extraneous commas in list')
    version = None
    has_range = False
    for elem in elements:
        elem_version = address_element(elem)[0]
        has_range = has_range or '-' in elem
        if version and elem_version != version:
            raise MatchError("detected mixed ipv4/ipv6 addresses in address list '%s'" % text)
        version = elem_version
    if has_range and len(elements) > 1:
        raise MatchError("you can't use a range in a list")
    return version


def lookup_alias(name, scope, cluster, local):
    """The alias entry a reference resolves to: guest scope first, then cluster (scopes restrict)."""
    alias = name.lower()
    entry = None
    if scope != 'dc/' and local:
        entry = (local.get('aliases') or {}).get(alias)
    if scope != 'guest/' and not entry and cluster:
        entry = (cluster.get('aliases') or {}).get(alias)
    return entry


class _Verifier(object):
    """One verify_rule run: collects the first error per field and the IP version."""

    def __init__(self, rule, env, cluster, local):
        self.rule = rule
        self.env = env
        self.cluster = cluster or {}
        self.local = local
        self.errors = {}
        self.ipversion = None

    def add(self, param, msg):
        self.errors.setdefault(param, msg)

    def set_version(self, version):
        if version:
            if self.ipversion and version != self.ipversion:
                raise RuleError('ipversion', 'detected mixed ipv4/ipv6 addresses in rule')
            self.ipversion = version

    def check_type_action(self):
        rtype, action = self.rule.get('type'), self.rule.get('action')
        if not rtype:
            self.add('type', 'missing property')
        if not action:
            self.add('action', 'missing property')
        if not rtype:
            return
        if rtype not in RULE_ENV_TYPES[self.env]:
            self.add('type', "invalid rule type '%s' for rule_env '%s'" % (rtype, self.env))
        if rtype in ('in', 'out', 'forward'):
            if rtype == 'forward' and action == 'REJECT':
                self.add('action', 'cannot define REJECT rules on forward chain')
            if action and action not in ('ACCEPT', 'DROP', 'REJECT'):
                self.add('action', "unknown action '%s'" % action)
        elif rtype == 'group':
            if self.env == 'group':
                self.add('type', 'security groups not allowed')
            if action and not _GROUP_NAME_RE.match(action):
                self.add('action', 'invalid characters in security group name')
        else:
            self.add('type', "unknown rule type '%s'" % rtype)

    def check_iface(self):
        iface = self.rule.get('iface')
        if not perl_true(iface):
            return
        if not RULE_ENV_IFACE[self.env]:
            self.add('type', 'parameter -i not allowed for this rule type')
        if not _IFACE_RE.match(iface):
            self.add('iface', "invalid network interface name '%s'" % iface)
        if self.env in ('vm', 'ct') and not re.match(r'^net(\d+)$', iface):
            self.add('iface', "value does not match the regex pattern 'net\\d+'")

    def check_ports(self, services):
        rule = self.rule
        proto = rule.get('proto')
        is_icmp = False
        if perl_true(proto):
            if not is_known_protocol(proto):
                self.add('proto', "unknown protocol '%s'" % proto)
            self.set_version({'icmp': 4, 'icmpv6': 6, 'ipv6-icmp': 6}.get(proto))
            is_icmp = proto in ICMP_PROTOCOLS
        if perl_true(rule.get('dport')):
            self._port('dport', is_icmp, services)
            if not perl_true(proto):
                self.add('proto', "missing property - 'dport' requires this property")
            if proto not in PROTOCOLS_WITH_PORTS and not is_icmp:
                self.add('dport', "protocol '%s' does not support ports" % (proto or ''))
        icmp_type = rule.get('icmp-type')
        if perl_true(icmp_type):
            if not is_icmp:
                self.add('proto', "missing property - 'icmp-type' requires this property")
            if perl_true(rule.get('dport')):
                self.add('icmp-type', "'icmp-type' cannot be specified together with 'dport'")
            if proto == 'icmp' and icmp_type not in ICMP_TYPES:
                self.add('icmp-type', "invalid icmp-type '%s' for proto 'icmp'" % icmp_type)
            elif proto in ('icmpv6', 'ipv6-icmp') and icmp_type not in ICMPV6_TYPES:
                self.add('icmp-type', "invalid icmp-type '%s' for proto '%s'" % (icmp_type, proto))
        if perl_true(rule.get('sport')):
            self._port('sport', False, services)
            if not perl_true(proto):
                self.add('proto', "missing property - 'sport' requires this property")
            if proto not in PROTOCOLS_WITH_PORTS:
                self.add('sport', "protocol '%s' does not support ports" % (proto or ''))

    def _port(self, key, is_icmp, services):
        try:
            check_port_spec(str(self.rule[key]), is_icmp, services)
        except MatchError as exc:
            self.add(key, str(exc))

    def check_address(self, key):
        value = self.rule.get(key)
        if not perl_true(value):
            return
        try:
            self.set_version(parse_address_list(value))
        except (MatchError, RuleError) as exc:
            self.add(key, str(exc))
        if value.startswith('+'):
            match = IPSET_REF.match(value)
            if not match:
                self.add(key, "invalid ipset name '%s'" % value)
            elif not (match.group(2) in (self.cluster.get('ipset') or {})
                      or (self.local and match.group(2) in (self.local.get('ipset') or {}))):
                self.add(key, "no such ipset '%s'" % match.group(2))
            return
        match = ALIAS_REF.match(value)
        if match:
            alias = match.group(2).lower()
            if not (alias in (self.cluster.get('aliases') or {})
                    or (self.local and alias in (self.local.get('aliases') or {}))):
                self.add(key, "no such alias '%s'" % value)
            entry = lookup_alias(match.group(2), match.group(1) or '', self.cluster, self.local)
            # PVE dies here (the rule is dropped): an error makes it inert just the same.
            self.set_version(entry.get('ipversion') if entry else None)


def verify_rule(rule, env, cluster, local, macros, services):
    """Return (errors, ipversion, canonical_macro) for ``rule`` at level ``env``, as PVE computes them."""
    check = _Verifier(rule, env, cluster, local)
    macro = None
    try:
        check.check_type_action()
        check.check_iface()
        if perl_true(rule.get('macro')):
            macro = macros.canonical(rule['macro'])
            if macro is None:
                check.add('macro', "unknown macro '%s'" % rule['macro'])
        check.check_ports(services)
        check.check_address('source')
        check.check_address('dest')
        if macro and not check.errors:
            param = dict(rule)
            param['macro'] = macro
            if check.ipversion:
                param['ipversion'] = check.ipversion
            macros.expand(macro, param, check.ipversion)
    except RuleError as exc:
        check.add(exc.param, str(exc))
    return check.errors, check.ipversion, macro
