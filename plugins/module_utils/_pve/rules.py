# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: Proxmox VE firewall rules: normalization, identity, validation.

Rules come in two shapes. The API shape uses PVE's field names (``icmp-type``) and ``enable`` as
an integer; the Ansible shape uses ``icmp_type`` and ``enable`` as a boolean. Every function that
reads a rule accepts either shape.

Public API
----------
``RULE_FIELDS``, ``IDENTITY_FIELDS``, ``ATTRIBUTE_FIELDS``, ``LEVELS``
``from_api(raw)``            API rule (as GET returns it) -> Ansible shape, values as stored.
``to_api(rule, macros=None)`` Ansible rule -> POST/PUT payload: ``icmp-type``; ``enable`` always
                             sent as ``0``/``1`` (PVE creates a rule disabled when it is omitted);
                             action and type in the case PVE accepts; empty fields left out.
``normalize(rule, macros=None, level=None)``  canonical Ansible-shape dict for comparison.
``rule_key(rule, macros=None, level=None)``   identity tuple (type, action or group, macro, proto,
                             source, dest, sport, dport, iface, icmp-type), all normalized.
``compare_attributes(have, want)``  ``None`` or ``(changes, deletes)`` in API field names for a
                             PUT of comment / enable / log.
``put_payload(changes, deletes)``   PUT body with ``delete=<comma list>``.
``rule_effect(rule)``        ``ACCEPT``, ``DENY``, ``MIXED`` (security group) or ``None`` (disabled).
``rule_model(macros=None, level=None)``  ``ItemModel`` for the ordered-list engine; its items are
                             API-shape rule dicts.
``validate_rule(rule, level, macros=None)``  ``None`` or one sentence naming the field and value.

``macros`` is the list of macro names from ``GET /cluster/firewall/macros``; without it macro
names still compare case-insensitively. ``level`` is one of ``LEVELS``; at every level but
``vm``/``ct``, an unscoped alias or IP set reference means the cluster object (``+web`` equals
``+dc/web``). Address maths needs netaddr (``HAS_NETADDR``, ``NETADDR_IMPORT_ERROR``).
"""

from __future__ import annotations

import re
import traceback

NETADDR_IMPORT_ERROR = None
try:
    import netaddr
    HAS_NETADDR = True
except ImportError:  # pragma: no cover - exercised only without netaddr
    netaddr = None
    HAS_NETADDR = False
    NETADDR_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._plan.ordered import (
    ACCEPT, DENY, MIXED, ItemModel,
)

RULE_FIELDS = ('type', 'action', 'macro', 'proto', 'source', 'dest', 'sport', 'dport', 'iface', 'icmp_type',
               'log', 'enable', 'comment')
IDENTITY_FIELDS = ('type', 'action', 'macro', 'proto', 'source', 'dest', 'sport', 'dport', 'iface', 'icmp_type')
ATTRIBUTE_FIELDS = ('enable', 'log', 'comment')
GROUP_RULE_FIELDS = ('type', 'action', 'iface', 'enable', 'comment')
LEVELS = ('cluster', 'host', 'vm', 'ct', 'group', 'vnet')
LOG_LEVELS = ('emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog')
BASIC_ACTIONS = ('ACCEPT', 'DROP', 'REJECT')

_TYPES_BY_LEVEL = {
    'cluster': ('in', 'out', 'forward', 'group'),
    'host': ('in', 'out', 'forward', 'group'),
    'vm': ('in', 'out', 'group'),
    'ct': ('in', 'out', 'group'),
    'group': ('in', 'out', 'forward'),
    'vnet': ('forward', 'group'),
}
# Levels whose rules can only see cluster-wide aliases and IP sets.
_CLUSTER_SCOPE_LEVELS = ('cluster', 'host', 'group', 'vnet')

_API_NAMES = {'icmp_type': 'icmp-type'}
_ANSIBLE_NAMES = {'icmp-type': 'icmp_type'}

# Common IP protocol numbers (IANA); anything else is compared by its lower-case name.
PROTOCOLS = {
    'icmp': 1, 'igmp': 2, 'tcp': 6, 'udp': 17, 'dccp': 33, 'gre': 47, 'esp': 50, 'ah': 51,
    'ipv6-icmp': 58, 'ospf': 89, 'pim': 103, 'vrrp': 112, 'sctp': 132, 'udplite': 136,
}
_PROTOCOL_ALIASES = {'icmpv6': 'ipv6-icmp', 'ospfigp': 'ospf'}
_PROTOCOL_BY_NUMBER = dict((number, name) for name, number in PROTOCOLS.items())
PORT_PROTOCOLS = ('tcp', 'udp', 'udplite', 'sctp', 'dccp')
ICMP_PROTOCOLS = ('icmp', 'ipv6-icmp')

# Well-known service names (IANA); unknown names are compared literally.
SERVICES = {
    'ftp-data': 20, 'ftp': 21, 'ssh': 22, 'telnet': 23, 'smtp': 25, 'whois': 43, 'domain': 53,
    'bootps': 67, 'bootpc': 68, 'tftp': 69, 'finger': 79, 'http': 80, 'kerberos': 88, 'pop3': 110,
    'sunrpc': 111, 'auth': 113, 'nntp': 119, 'ntp': 123, 'netbios-ns': 137, 'netbios-dgm': 138,
    'netbios-ssn': 139, 'imap2': 143, 'imap': 143, 'snmp': 161, 'snmp-trap': 162, 'bgp': 179,
    'ldap': 389, 'https': 443, 'microsoft-ds': 445, 'syslog': 514, 'submission': 587, 'ldaps': 636,
    'rsync': 873, 'imaps': 993, 'pop3s': 995, 'openvpn': 1194, 'nfs': 2049, 'mysql': 3306,
    'ms-wbt-server': 3389, 'sip': 5060, 'postgresql': 5432, 'http-alt': 8080,
}

# ICMP type names PVE accepts (those of iptables / ip6tables).
ICMP_TYPES = (
    'any', 'echo-reply', 'destination-unreachable', 'network-unreachable', 'host-unreachable',
    'protocol-unreachable', 'port-unreachable', 'fragmentation-needed', 'source-route-failed',
    'network-unknown', 'host-unknown', 'network-prohibited', 'host-prohibited', 'TOS-network-unreachable',
    'TOS-host-unreachable', 'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff',
    'source-quench', 'redirect', 'network-redirect', 'host-redirect', 'TOS-network-redirect',
    'TOS-host-redirect', 'echo-request', 'router-advertisement', 'router-solicitation', 'time-exceeded',
    'ttl-zero-during-transit', 'ttl-zero-during-reassembly', 'parameter-problem', 'ip-header-bad',
    'required-option-missing', 'timestamp-request', 'timestamp-reply', 'address-mask-request',
    'address-mask-reply',
)
ICMPV6_TYPES = (
    'destination-unreachable', 'no-route', 'communication-prohibited', 'beyond-scope', 'address-unreachable',
    'port-unreachable', 'failed-policy', 'reject-route', 'packet-too-big', 'time-exceeded',
    'ttl-zero-during-transit', 'ttl-zero-during-reassembly', 'parameter-problem', 'bad-header',
    'unknown-header-type', 'unknown-option', 'echo-request', 'echo-reply', 'router-solicitation',
    'router-advertisement', 'neighbor-solicitation', 'neighbour-solicitation', 'neighbor-advertisement',
    'neighbour-advertisement', 'redirect',
)
# Spellings that name the same ICMPv6 type, for identity only.
_ICMP_SYNONYMS = {'neighbour-solicitation': 'neighbor-solicitation', 'neighbour-advertisement': 'neighbor-advertisement'}

_NAME = r'[A-Za-z][A-Za-z0-9\-_]+'
_IPSET_REF = re.compile(r'^\+(guest/|dc/|sdn/)?(%s)$' % _NAME)
_ALIAS_REF = re.compile(r'^(guest/|dc/)?(%s)$' % _NAME)
_GROUP_NAME = re.compile(r'^%s$' % _NAME)
_IFACE = re.compile(r'^[a-z][a-z0-9_]{1,20}([:.]\d+)?$', re.I)
_GUEST_IFACE = re.compile(r'^net\d+$')
_PORT_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_.+-]*$')
_PROTO_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9_.+-]*$')
_MAX_PORT_COUNT = 15
_MAX_ADDRESS_LENGTH = 512
_MAX_GROUP_NAME = 18
_MAX_IPSET_NAME = 64
_MAX_ALIAS_NAME = 64


class RuleError(ValidationError, ValueError):
    """A rule value that cannot be understood; the message is one sentence."""


def _bad(field, value, reason):
    return RuleError("Invalid value '%s' for rule field '%s': %s." % (value, field, reason))


# --------------------------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------------------------

def _as_ansible(rule):
    """Copy with Ansible field names, whatever the input shape."""
    return dict((_ANSIBLE_NAMES.get(k, k), v) for k, v in rule.items())


def _text(value):
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _flag(value, default=True):
    """enable as a boolean: PVE stores integers and reads values above 1 back as 1."""
    if value is None or value == '':
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    text = str(value).strip().lower()
    if text in ('0', 'false', 'no', 'off'):
        return False
    if text.isdigit() or text in ('true', 'yes', 'on'):
        return True
    raise _bad('enable', value, 'expected a boolean or 0/1')


def from_api(raw):
    """API rule -> Ansible shape with the stored values; pos, digest, ipversion, errors dropped."""
    rule = {}
    for key, value in raw.items():
        name = _ANSIBLE_NAMES.get(key, key)
        if name in RULE_FIELDS and value is not None and value != '':
            rule[name] = value
    rule['enable'] = _flag(raw.get('enable'))
    return rule


def _canonical_macro(macro, macros):
    for name in macros or ():
        if name.lower() == macro.lower():
            return name
    return macro


def to_api(rule, macros=None):
    """Ansible (or API) rule -> POST payload. ``enable`` is always an explicit 0 or 1."""
    rule = _as_ansible(rule)
    payload = {}
    for name in RULE_FIELDS:
        if name == 'enable':
            continue
        value = _text(rule.get(name))
        if value is None:
            continue
        if name == 'type':
            value = value.lower()
        elif name == 'action':
            value = value.upper() if value.upper() in BASIC_ACTIONS else value.lower()
        elif name == 'macro':
            value = _canonical_macro(value, macros)
        elif name == 'proto':
            value = value.lower()
        elif name == 'log':
            value = value.lower()
            if value == 'nolog':
                continue
        payload[_API_NAMES.get(name, name)] = value
    payload['enable'] = 1 if _flag(rule.get('enable')) else 0
    return payload


def put_payload(changes, deletes):
    """PUT body for an attribute update (``changes`` in API names, ``deletes`` field names)."""
    payload = dict(changes or {})
    if 'enable' in payload:
        payload['enable'] = 1 if _flag(payload['enable']) else 0
    if deletes:
        payload['delete'] = ','.join(_API_NAMES.get(d, d) for d in deletes)
    return payload


# --------------------------------------------------------------------------------------------
# Field normalizers (each raises RuleError on input it cannot read)
# --------------------------------------------------------------------------------------------

def normalize_proto(value):
    """Canonical protocol: known names and numbers map to one name; others lower-case."""
    text = _text(value)
    if text is None:
        return None
    text = text.lower()
    if text.isdigit():
        number = int(text)
        if number > 255:
            raise _bad('proto', value, 'protocol numbers go from 0 to 255')
        return _PROTOCOL_BY_NUMBER.get(number, str(number))
    if not _PROTO_NAME.match(text):
        raise _bad('proto', value, 'expected a protocol name or number')
    return _PROTOCOL_ALIASES.get(text, text)


def _port_items(field, value):
    items = str(value).split(',')
    if any(not item.strip() for item in items):
        raise _bad(field, value, 'the list has an empty entry')
    return [item.strip() for item in items]


def _port_number(field, value, text):
    number = int(text)
    if number > 65535:
        raise _bad(field, value, 'port %d is out of range 0-65535' % number)
    return number


def _parse_ports(field, value):
    """Ranges as (low, high) tuples and unknown service names, plus the PVE port count."""
    ranges, names, count = [], [], 0
    for item in _port_items(field, value):
        match = re.match(r'^(\d+):(\d+)$', item)
        if match:
            low, high = _port_number(field, value, match.group(1)), _port_number(field, value, match.group(2))
            if low > high:
                raise _bad(field, value, "the range '%s' is backwards, did you mean '%d:%d'" % (item, high, low))
            ranges.append((low, high))
            count += 2
        elif item.isdigit():
            number = _port_number(field, value, item)
            ranges.append((number, number))
            count += 1
        elif _PORT_NAME.match(item):
            number = SERVICES.get(item.lower())
            if number is None:
                names.append(item.lower())
            else:
                ranges.append((number, number))
            count += 1
        else:
            raise _bad(field, value, "'%s' is neither a port, a range N:M nor a service name" % item)
    return ranges, names, count


def _merge_ranges(ranges):
    merged = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def normalize_ports(value, field='dport'):
    """Canonical port list: service names as numbers, ranges merged, sorted; order-insensitive."""
    text = _text(value)
    if text is None:
        return None
    ranges, names, _count = _parse_ports(field, text)
    parts = ['%d' % low if low == high else '%d:%d' % (low, high) for low, high in _merge_ranges(ranges)]
    return ','.join(parts + sorted(set(names)))


def _icmp_table(proto):
    return ICMP_TYPES if proto == 'icmp' else ICMPV6_TYPES


def normalize_icmp_type(value, proto=None):
    """Canonical ICMP type spelling (PVE's names are case-sensitive; input case is forgiven)."""
    text = _text(value)
    if text is None:
        return None
    tables = [_icmp_table(proto)] if proto in ICMP_PROTOCOLS else [ICMP_TYPES, ICMPV6_TYPES]
    for table in tables:
        for name in table:
            if name.lower() == text.lower():
                return _ICMP_SYNONYMS.get(name, name)
    return text


def _address_entry(field, value, entry):
    """(canonical text, ip version) of one IP, CIDR or range."""
    if netaddr is None:
        raise RuleError('The netaddr Python library is required to compare rule addresses.')
    try:
        if '-' in entry:
            first, last = [netaddr.IPAddress(part.strip(), flags=netaddr.INET_PTON) for part in entry.split('-', 1)]
            if first.version != last.version:
                raise _bad(field, value, 'the range mixes IPv4 and IPv6')
            if first > last:
                raise _bad(field, value, "the range '%s' is backwards" % entry)
            return '%s-%s' % (first, last), first.version
        if '/' in entry:
            address, prefix = entry.split('/', 1)
            netaddr.IPAddress(address, flags=netaddr.INET_PTON)
            if not prefix.isdigit():
                raise netaddr.AddrFormatError(entry)
            network = netaddr.IPNetwork(entry)
            if network.prefixlen == (32 if network.version == 4 else 128):
                return str(network.ip), network.version
            return str(network.cidr), network.version
        address = netaddr.IPAddress(entry, flags=netaddr.INET_PTON)
        return str(address), address.version
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        if isinstance(exc, RuleError):
            raise
        raise _bad(field, value, "'%s' is not an IP address, CIDR or range" % entry)


def _reference(field, value, text, level):
    """Canonical alias or IP set reference, or None if ``text`` is not one."""
    match = _IPSET_REF.match(text)
    if match:
        scope, name = match.group(1) or '', match.group(2).lower()
        if len(name) > _MAX_IPSET_NAME:
            raise _bad(field, value, 'IP set names have at most %d characters' % _MAX_IPSET_NAME)
        if scope == '' and level in _CLUSTER_SCOPE_LEVELS:
            scope = 'dc/'
        return '+%s%s' % (scope, name)
    if text.startswith('+'):
        raise _bad(field, value, 'not a valid IP set reference')
    match = _ALIAS_REF.match(text)
    if match:
        scope, name = match.group(1) or '', match.group(2).lower()
        if len(text) > _MAX_ALIAS_NAME:
            raise _bad(field, value, 'alias names have at most %d characters' % _MAX_ALIAS_NAME)
        if scope == '' and level in _CLUSTER_SCOPE_LEVELS:
            scope = 'dc/'
        return '%s%s' % (scope, name)
    return None


def _parse_address(field, value, level):
    """(canonical text, ip version or None, is a reference)."""
    text = _text(value)
    if text is None:
        return None, None, False
    if len(text) > _MAX_ADDRESS_LENGTH:
        raise _bad(field, value, 'addresses have at most %d characters' % _MAX_ADDRESS_LENGTH)
    reference = _reference(field, value, text, level)
    if reference is not None:
        return reference, None, True
    entries = text.split(',')
    if any(not entry.strip() for entry in entries):
        raise _bad(field, value, 'the list has an empty entry')
    parsed = [_address_entry(field, value, entry.strip()) for entry in entries]
    if len(parsed) > 1 and any('-' in entry for entry, _v in parsed):
        raise _bad(field, value, 'a range cannot be part of a list')
    if len(set(version for _e, version in parsed)) > 1:
        raise _bad(field, value, 'IPv4 and IPv6 addresses cannot be mixed')
    return ','.join(sorted(set(entry for entry, _v in parsed))), parsed[0][1], False


def normalize_address(value, level=None, field='source'):
    """Canonical source/dest: set-like IP lists, masked CIDRs, /32 and /128 as plain addresses,
    lower-case alias and IP set names, ``dc/`` made explicit where unscoped means the cluster."""
    return _parse_address(field, value, level)[0]


def _host_bits_set(entry):
    if '/' not in entry or '-' in entry or netaddr is None:
        return False
    network = netaddr.IPNetwork(entry)
    return network.ip != network.network


# --------------------------------------------------------------------------------------------
# Whole rules
# --------------------------------------------------------------------------------------------

def _lenient(function, value, *args):
    """Normalize for comparison without failing: unreadable values compare as their trimmed text."""
    try:
        return function(value, *args)
    except RuleError:
        return _text(value)


def normalize(rule, macros=None, level=None):
    """Canonical Ansible-shape rule: every field of RULE_FIELDS present (None when unset)."""
    rule = _as_ansible(rule)
    kind = (_text(rule.get('type')) or '').lower() or None
    action = _text(rule.get('action'))
    if action is not None:
        action = action.upper() if action.upper() in BASIC_ACTIONS else action.lower()
    result = dict((name, None) for name in RULE_FIELDS)
    result.update(type=kind, action=action, iface=_text(rule.get('iface')))
    comment = _text(rule.get('comment'))
    result['comment'] = comment
    try:
        result['enable'] = _flag(rule.get('enable'))
    except RuleError:
        result['enable'] = True
    result['log'] = (_text(rule.get('log')) or 'nolog').lower()
    if kind == 'group':
        # PVE keeps only the group name, iface, enable and comment of a group rule.
        result['log'] = 'nolog'
        return result
    macro = _text(rule.get('macro'))
    result['macro'] = _canonical_macro(macro, macros) if macro else None
    proto = _lenient(normalize_proto, rule.get('proto'))
    result['proto'] = proto
    for field in ('source', 'dest'):
        result[field] = _lenient(normalize_address, rule.get(field), level, field)
    result['sport'] = _lenient(normalize_ports, rule.get('sport'), 'sport')
    dport = rule.get('dport')
    if proto in ICMP_PROTOCOLS and _text(dport) and not re.match(r'^[\d:,\s]+$', str(dport)):
        # Legacy: an ICMP type name given as dport.
        result['dport'] = normalize_icmp_type(dport, proto)
    else:
        result['dport'] = _lenient(normalize_ports, dport, 'dport')
    result['icmp_type'] = normalize_icmp_type(rule.get('icmp_type'), proto)
    return result


def rule_key(rule, macros=None, level=None):
    """Identity tuple of a rule (IDENTITY_FIELDS order); macro names compare case-insensitively."""
    norm = normalize(rule, macros, level)
    return tuple((norm[f].lower() if f == 'macro' and norm[f] else norm[f]) for f in IDENTITY_FIELDS)


def rule_attributes(rule):
    """Normalized (enable, log, comment)."""
    norm = normalize(rule)
    return norm['enable'], norm['log'], norm['comment']


def compare_attributes(have, want):
    """None when comment, enable and log agree, else ``(changes, deletes)`` for one PUT."""
    have_norm, want_norm = normalize(have), normalize(want)
    changes, deletes = {}, []
    if have_norm['enable'] != want_norm['enable']:
        changes['enable'] = 1 if want_norm['enable'] else 0
    if have_norm['log'] != want_norm['log']:
        if want_norm['log'] == 'nolog':
            deletes.append('log')
        else:
            changes['log'] = want_norm['log']
    if have_norm['comment'] != want_norm['comment']:
        if want_norm['comment'] is None:
            deletes.append('comment')
        else:
            changes['comment'] = want_norm['comment']
    if not changes and not deletes:
        return None
    return changes, tuple(deletes)


def rule_effect(rule):
    """What a rule can do to a packet it matches: ACCEPT, DENY, MIXED (a group) or None (disabled)."""
    norm = normalize(rule)
    if not norm['enable']:
        return None
    if norm['type'] == 'group':
        return MIXED
    return ACCEPT if norm['action'] == 'ACCEPT' else DENY


def rule_model(macros=None, level=None):
    """ItemModel over API-shape rule dicts (GET output, ``to_api`` output)."""
    cache = {}

    def key(item):
        probe = tuple((name, str(item.get(_API_NAMES.get(name, name)))) for name in IDENTITY_FIELDS)
        if probe not in cache:
            cache[probe] = rule_key(item, macros, level)
        return cache[probe]

    def with_enable(item, enabled):
        copy = dict(item)
        copy['enable'] = 1 if enabled else 0
        return copy

    def scope(item):
        kind = (_text(item.get('type')) or '').lower()
        return None if kind == 'group' else kind

    return ItemModel(key=key, compare=compare_attributes, effect=rule_effect, with_enable=with_enable, scope=scope)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

def _check_type_action(rule, level):
    kind, action = _text(rule.get('type')), _text(rule.get('action'))
    if kind is None:
        raise RuleError("Missing required rule field 'type'.")
    if action is None:
        raise RuleError("Missing required rule field 'action'.")
    if kind.lower() not in _TYPES_BY_LEVEL[level]:
        raise _bad('type', kind, 'rules at %s level can be of type %s' % (level, ', '.join(_TYPES_BY_LEVEL[level])))
    kind = kind.lower()
    if kind == 'group':
        if not _GROUP_NAME.match(action) or len(action) > _MAX_GROUP_NAME:
            raise _bad('action', action, 'a security group name is 2-%d characters: a letter, then letters, digits, - or _'
                       % _MAX_GROUP_NAME)
        extra = [f for f in RULE_FIELDS if f not in GROUP_RULE_FIELDS and _text(rule.get(f)) not in (None, 'nolog')]
        if extra:
            raise _bad(extra[0], rule[extra[0]], 'a security group rule takes only action, iface, enable and comment')
    elif action.upper() not in BASIC_ACTIONS:
        raise _bad('action', action, 'expected ACCEPT, DROP or REJECT for a rule of type %s' % kind)
    elif kind == 'forward' and action.upper() == 'REJECT':
        raise _bad('action', action, 'REJECT is not allowed on the forward chain, use DROP')
    return kind


def _check_iface(rule, level):
    iface = _text(rule.get('iface'))
    if iface is None:
        return
    if level in ('group', 'vnet'):
        raise _bad('iface', iface, 'rules at %s level cannot name an interface' % level)
    if level in ('vm', 'ct'):
        if not _GUEST_IFACE.match(iface):
            raise _bad('iface', iface, 'guest rules name the guest NIC as net0, net1, ...')
    elif len(iface) > 20 or not _IFACE.match(iface):
        raise _bad('iface', iface, 'not a valid network interface name')


def _check_ports(rule, proto, icmp):
    for field in ('dport', 'sport'):
        value = _text(rule.get(field))
        if value is None:
            continue
        if proto is None:
            raise _bad(field, value, 'ports need proto to be set (tcp, udp, udplite, sctp or dccp)')
        if field == 'dport' and icmp:
            _check_icmp_dport(value, icmp)
            continue
        if proto not in PORT_PROTOCOLS:
            raise _bad(field, value, "protocol '%s' does not support ports" % rule.get('proto'))
        _ranges, _names, count = _parse_ports(field, value)
        if count > _MAX_PORT_COUNT:
            raise _bad(field, value, 'at most %d ports are allowed, a range counting as two' % _MAX_PORT_COUNT)


def _check_icmp_dport(value, icmp):
    """Legacy form: an ICMP type name as dport. Numbers are taken as ports, but not both at once."""
    names = [item for item in _port_items('dport', value) if not re.match(r'^\d+(:\d+)?$', item)]
    if names and len(names) != len(_port_items('dport', value)):
        raise _bad('dport', value, 'ICMP type names cannot be mixed with port numbers')
    for name in names:
        if name.lower() not in [n.lower() for n in _icmp_table(icmp)] and name.lower() not in SERVICES:
            raise _bad('dport', value, "'%s' is not an ICMP type of protocol '%s'" % (name, icmp))
    if not names:
        _parse_ports('dport', value)


def _check_icmp_name(field, value, proto):
    table = _icmp_table(proto)
    if value.lower() not in [name.lower() for name in table]:
        raise _bad(field, value, "not an ICMP type of protocol '%s'" % proto)


def _check_icmp_type(rule, icmp):
    value = _text(rule.get('icmp_type'))
    if value is None:
        return
    if not icmp:
        raise _bad('icmp_type', value, 'icmp_type needs proto icmp, icmpv6 or ipv6-icmp (by name)')
    if _text(rule.get('dport')) is not None:
        raise _bad('icmp_type', value, 'icmp_type cannot be combined with dport')
    _check_icmp_name('icmp_type', value, icmp)


def _check_addresses(rule, level, icmp):
    versions = {}
    if icmp == 'icmp':
        versions['proto'] = 4
    elif icmp == 'ipv6-icmp':
        versions['proto'] = 6
    for field in ('source', 'dest'):
        value = _text(rule.get(field))
        if value is None:
            continue
        canonical, version, is_reference = _parse_address(field, value, level)
        if is_reference:
            if canonical.lstrip('+').startswith('guest/') and level not in ('vm', 'ct'):
                raise _bad(field, value, "'guest/' references exist only in guest rules")
            continue
        for entry in value.split(','):
            if _host_bits_set(entry.strip()):
                raise _bad(field, value, "'%s' has host bits set, Proxmox refuses it; write '%s'"
                           % (entry.strip(), netaddr.IPNetwork(entry.strip()).cidr))
        if version is not None:
            versions[field] = version
    if len(set(versions.values())) > 1:
        field = 'dest' if 'dest' in versions else 'source'
        raise _bad(field, rule[field], 'IPv4 and IPv6 cannot be mixed in one rule')


def _check_simple_fields(rule):
    unknown = [k for k in rule if k not in RULE_FIELDS]
    if unknown:
        raise _bad(unknown[0], rule[unknown[0]], 'not a rule field (expected one of %s)' % ', '.join(RULE_FIELDS))
    log = _text(rule.get('log'))
    if log is not None and log.lower() not in LOG_LEVELS:
        raise _bad('log', log, 'expected one of %s' % ', '.join(LOG_LEVELS))
    enable = rule.get('enable')
    if isinstance(enable, int) and not isinstance(enable, bool) and enable < 0:
        raise _bad('enable', enable, 'expected a boolean or 0/1')
    _flag(enable)
    comment = rule.get('comment')
    if comment is not None and ('\n' in str(comment) or '\r' in str(comment)):
        raise _bad('comment', comment, 'a comment must fit on one line')


def _check_macro(rule, macros):
    macro = _text(rule.get('macro'))
    if macro is None:
        return
    if macros is not None and macro.lower() not in [name.lower() for name in macros]:
        raise _bad('macro', macro, 'unknown macro')
    if macros is None and not _GROUP_NAME.match(macro):
        raise _bad('macro', macro, 'not a macro name')


def validate_rule(rule, level, macros=None):
    """Return None for a rule PVE would accept at ``level``, else one sentence naming the field."""
    if level not in LEVELS:
        return "Invalid rule level '%s': expected one of %s." % (level, ', '.join(LEVELS))
    rule = _as_ansible(rule)
    try:
        _check_simple_fields(rule)
        kind = _check_type_action(rule, level)
        _check_iface(rule, level)
        if kind == 'group':
            return None
        _check_macro(rule, macros)
        proto = normalize_proto(rule.get('proto'))
        # PVE treats a protocol as ICMP by its name only: proto 1 takes no icmp_type.
        spelled = (_text(rule.get('proto')) or '').lower()
        icmp = _PROTOCOL_ALIASES.get(spelled, spelled) if spelled in ('icmp', 'icmpv6', 'ipv6-icmp') else None
        _check_icmp_type(rule, icmp)
        _check_ports(rule, proto, icmp)
        _check_addresses(rule, level, icmp)
    except RuleError as exc:
        return str(exc)
    return None
