# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: read and write Proxmox VE firewall ``.fw`` files.

File kinds: ``cluster`` (cluster.fw), ``host`` (host.fw), ``vm`` / ``ct`` (``<vmid>.fw``; ``guest``
is accepted as a synonym of ``vm``) and ``vnet`` (SDN VNet files).

``parse_fw_file(text, kind)`` returns plain data shaped like PVE's own parsed configuration::

    {'options': {key: value},                       # every kind
     'rules': [rule, ...],                          # every kind
     'aliases': {lower_name: {name, cidr, ipversion[, comment]}},     # cluster, vm, ct
     'ipset': {name: [{cidr[, nomatch][, comment][, errors]}]},       # cluster, vm, ct
     'ipset_comments': {name: comment},                               # cluster, vm, ct
     'groups': {name: [rule, ...]}, 'group_comments': {name: comment},  # cluster only
     'warnings': ['(line 3): can't parse option ...', ...],
     'rule_lines': [line number of each rule], 'group_rule_lines': {name: [...]}}  # for messages

Rules are dicts keyed by API field names (``type``, ``action``, ``macro``, ``iface``, ``source``,
``dest``, ``proto``, ``dport``, ``sport``, ``icmp-type``, ``log``, ``enable`` as 0/1, ``comment``).
The parser is syntactic, like PVE's: lines it cannot read become warnings and are skipped, and a
file never fails as a whole. Whether a readable rule is *valid* (known macro, existing alias, ...)
needs the cluster context and is decided by the policy evaluator.

``render_fw_file(conf, kind)`` writes the text PVE itself would write (section order, sorting and
rule option order of PVE's writer); option keys, unordered in PVE, are written sorted.
``parse_rule_line`` / ``render_rule`` convert single ``[RULES]`` lines.
"""

from __future__ import annotations

import ipaddress
import re

LOG_LEVELS = ('emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog')
RULE_TYPES = ('in', 'out', 'forward', 'group')
NAME_PATTERN = r'[A-Za-z][A-Za-z0-9\-_]+'
MAX_GROUP_NAME = 18
MAX_IPSET_NAME = 64

SECTIONS = {
    'cluster': ('options', 'aliases', 'ipset', 'rules', 'groups'),
    'host': ('options', 'rules'),
    'vm': ('options', 'aliases', 'ipset', 'rules'),
    'ct': ('options', 'aliases', 'ipset', 'rules'),
    'vnet': ('options', 'rules'),
}

_LOGRE = '|'.join(LOG_LEVELS)

# Option grammar per file kind: (regex, value converter). Mirrors what PVE accepts when reading.
_OPTION_GRAMMAR = {
    'cluster': (
        (re.compile(r'^(enable):\s*(\d+)\s*$', re.I), int),
        (re.compile(r'^(ebtables):\s*(0|1)\s*$', re.I), int),
        (re.compile(r'^(policy_(?:in|out|forward)):\s*(ACCEPT|DROP|REJECT)\s*$', re.I), str.upper),
        (re.compile(r'^(log_ratelimit):\s*(\S+)\s*$'), str),
    ),
    'host': (
        (re.compile(r'^(enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|'
                    r'protection_synflood|nftables):\s*(0|1)\s*$', re.I), int),
        (re.compile(r'^(log_level_(?:in|out|forward)|tcp_flags_log_level|smurf_log_level):\s*(?:(%s)\s*)?$' % _LOGRE,
                    re.I), lambda v: (v or '').lower()),
        (re.compile(r'^(nf_conntrack_helpers):\s*(((\S+)[,]?)+)\s*$', re.I), str.lower),
        (re.compile(r'^(nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|'
                    r'protection_synflood_rate|protection_synflood_burst|protection_limit):\s*(\d+)\s*$', re.I), int),
    ),
    'vm': (
        (re.compile(r'^(enable|dhcp|ndp|radv|macfilter|ipfilter|ips):\s*(0|1)\s*$', re.I), int),
        (re.compile(r'^(log_level_in|log_level_out):\s*(?:(%s)\s*)?$' % _LOGRE, re.I), lambda v: (v or '').lower()),
        (re.compile(r'^(policy_(?:in|out)):\s*(ACCEPT|DROP|REJECT)\s*$', re.I), str.upper),
        (re.compile(r'^(ips_queues):\s*(\d+(?::\d+)?)\s*$', re.I), str),
        (re.compile(r'^(layer2_protocols):\s*(((\S+)[,]?)+)\s*$', re.I), str),
    ),
    'vnet': (
        (re.compile(r'^(enable):\s*(\d+)\s*$', re.I), int),
        (re.compile(r'^(policy_forward):\s*(ACCEPT|DROP)\s*$', re.I), str.upper),
        (re.compile(r'^(log_level_forward):\s*(%s)\s*$' % _LOGRE, re.I), str.lower),
    ),
}
_OPTION_GRAMMAR['ct'] = _OPTION_GRAMMAR['vm']

CONNTRACK_HELPERS = ('amanda', 'ftp', 'irc', 'netbios-ns', 'pptp', 'sane', 'sip', 'snmp', 'tftp')

_RULE_OPTIONS = (
    (re.compile(r'^(?:-p|--?proto) (\S+)\s*'), 'proto'),
    (re.compile(r'^--?dport (\S+)\s*'), 'dport'),
    (re.compile(r'^--?sport (\S+)\s*'), 'sport'),
    (re.compile(r'^--?source (\S+)\s*'), 'source'),
    (re.compile(r'^--?dest (\S+)\s*'), 'dest'),
    (re.compile(r'^--?log (%s)\s*' % _LOGRE), 'log'),
    (re.compile(r'^--?icmp-type (\S+)\s*'), 'icmp-type'),
)
_IFACE_OPTION = re.compile(r'^-i (\S+)\s*')
_COMMENT = re.compile(r'#\s*(.*?)\s*$')
_HEAD = re.compile(r'^(\S+)\s+(\S+)\s*')
_MACRO_ACTION = re.compile(r'^(\S+)\((ACCEPT|DROP|REJECT)\)$')
_GROUP_HEADER = re.compile(r'^\[group\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$', re.I)
_IPSET_HEADER = re.compile(r'^\[ipset\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$', re.I)
_SIMPLE_HEADERS = {'[options]': 'options', '[aliases]': 'aliases', '[rules]': 'rules'}
_ALIAS_REF = re.compile(r'^(dc/|guest/)?(%s)$' % NAME_PATTERN)
_NAME_RE = re.compile(r'^%s$' % NAME_PATTERN)

# The written order of rule options (PVE's writer).
_RULE_WRITE_ORDER = (('source', '-source'), ('dest', '-dest'), ('proto', '-p'), ('dport', '-dport'),
                     ('sport', '-sport'), ('log', '-log'))


class FwParseError(ValueError):
    """A line of a .fw file that PVE would skip with a warning."""


def perl_true(value):
    """Perl truthiness, which PVE's writer uses: None, '' and '0' are false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return str(value) not in ('', '0')


def normalize_kind(kind):
    kind = (kind or '').lower()
    if kind == 'guest':
        kind = 'vm'
    if kind not in SECTIONS:
        raise ValueError("unknown .fw file kind '%s'" % kind)
    return kind


def parse_ip_or_cidr(cidr):
    """Return (cidr, ipversion) with /32 and /128 dropped, as PVE stores addresses; raise ValueError."""
    addr, sep, plen = cidr.partition('/')
    if sep and not plen.isdigit():
        raise ValueError('value does not look like a valid IP address or CIDR network')
    try:
        version = ipaddress.ip_address(addr).version
    except ValueError:
        raise ValueError('value does not look like a valid IP address or CIDR network')
    if version == 6 and '%' in addr:
        raise ValueError('value does not look like a valid IP address or CIDR network')
    if sep and plen == ('128' if version == 6 else '32'):
        cidr = addr
    return cidr, version


def parse_option_line(line, kind):
    """Return (key, value) for one OPTIONS line of a file of ``kind``; raise FwParseError."""
    for regex, convert in _OPTION_GRAMMAR[normalize_kind(kind)]:
        match = regex.match(line)
        if not match:
            continue
        key = match.group(1).lower()
        value = convert(match.group(2))
        if key == 'nf_conntrack_helpers':
            for helper in value.split(','):
                if helper not in CONNTRACK_HELPERS:
                    raise FwParseError('unknown helper %s' % helper)
        return key, value
    raise FwParseError("can't parse option '%s'" % line)


def parse_rule_line(line):
    """Parse one ``[RULES]`` or group line into a rule dict; raise FwParseError if PVE would skip it."""
    rule = {}
    line = line.strip(' \t')
    match = _COMMENT.search(line)
    if match:
        if match.group(1) != '':
            rule['comment'] = match.group(1)
        line = line[:match.start()]
    rule['enable'] = 1
    if line.startswith('|'):
        rule['enable'] = 0
        line = line[1:]
    match = _HEAD.match(line)
    if not match:
        raise FwParseError('unable to parse rule: %s' % line)
    rule['type'] = match.group(1).lower()
    rule['action'] = match.group(2)
    line = line[match.end():]
    if rule['type'] in ('in', 'out', 'forward'):
        macro = _MACRO_ACTION.match(rule['action'])
        if macro:
            rule['macro'], rule['action'] = macro.group(1), macro.group(2)
    while line:
        match = _IFACE_OPTION.match(line)
        if match:
            rule['iface'] = match.group(1)
            line = line[match.end():]
            continue
        if rule['type'] == 'group':
            break
        for regex, key in _RULE_OPTIONS:
            match = regex.match(line)
            if match:
                rule[key] = match.group(1)
                line = line[match.end():]
                break
        else:
            break
    if line:
        raise FwParseError('unable to parse rule parameters: %s' % line)
    return rule


def render_rule(rule, allow_iface=True):
    """Render one rule dict the way PVE writes it (``allow_iface`` is false inside groups)."""
    rtype = str(rule.get('type') or '').lower()
    if rtype not in RULE_TYPES:
        raise ValueError("unknown rule type '%s'" % rule.get('type'))
    text = '|' if 'enable' in rule and rule['enable'] is not None and not perl_true(rule['enable']) else ''
    text += rtype.upper()
    if perl_true(rule.get('macro')):
        text += ' %s(%s)' % (rule['macro'], rule.get('action'))
    else:
        text += ' %s' % rule.get('action')
    if allow_iface and perl_true(rule.get('iface')):
        text += ' -i %s' % rule['iface']
    if rtype != 'group':
        for key, flag in _RULE_WRITE_ORDER:
            if perl_true(rule.get(key)):
                text += ' %s %s' % (flag, rule[key])
        icmp_type = rule.get('icmp-type')
        if icmp_type is not None and str(icmp_type) != '':
            text += ' -icmp-type %s' % icmp_type
    comment = rule.get('comment')
    if perl_true(comment) and str(comment).strip():
        text += ' # %s' % comment
    return text


def parse_alias_line(line):
    """Return an alias dict {name, cidr, ipversion[, comment]}; raise FwParseError."""
    comment = None
    match = re.search(r'\s*#\s*(.*?)\s*$', line)
    if match:
        comment = match.group(1)
        line = line[:match.start()]
    match = re.match(r'^(\S+)\s(\S+)$', line)
    if not match:
        raise FwParseError("unable to parse alias '%s'" % line)
    try:
        cidr, version = parse_ip_or_cidr(match.group(2))
    except ValueError as exc:
        raise FwParseError(str(exc))
    data = {'name': match.group(1), 'cidr': cidr, 'ipversion': version}
    if comment:
        data['comment'] = comment
    return data


def parse_ipset_entry(line, seen=None):
    """Return an ipset entry {cidr[, nomatch][, comment][, errors]} (errors keep the entry, as PVE does)."""
    comment = None
    match = _COMMENT.search(line)
    if match:
        comment = match.group(1)
        line = line[:match.start()]
    match = re.match(r'^(!)?\s*(\S+)\s*$', line)
    if not match:
        raise FwParseError("unable to parse ipset entry '%s'" % line)
    nomatch, cidr = match.group(1), match.group(2)
    errors = {}
    if not _ALIAS_REF.match(cidr):
        try:
            cidr = parse_ip_or_cidr(cidr)[0]
        except ValueError as exc:
            errors['cidr'] = str(exc)
    if not errors and seen is not None and cidr in seen:
        errors['cidr'] = "duplicate ipset entry for '%s'" % cidr
    if re.search(r'/0+$', cidr):
        errors['cidr'] = 'a zero prefix is not allowed in ipset entries'
    entry = {'cidr': cidr}
    if nomatch:
        entry['nomatch'] = 1
    if comment:
        entry['comment'] = comment
    if errors:
        entry['errors'] = errors
    return entry


def empty_conf(kind):
    kind = normalize_kind(kind)
    conf = {'options': {}, 'rules': []}
    if 'aliases' in SECTIONS[kind]:
        conf.update({'aliases': {}, 'ipset': {}, 'ipset_comments': {}})
    if 'groups' in SECTIONS[kind]:
        conf.update({'groups': {}, 'group_comments': {}, 'group_rule_lines': {}})
    conf['warnings'] = []
    conf['rule_lines'] = []
    return conf


def _named_header(regex, line, max_len, what):
    """Match a [group x] / [ipset x] header; return (name, comment), or raise FwParseError for a bad name."""
    match = regex.match(line)
    if not match:
        return None
    name = match.group(1).lower()
    if len(name) > max_len:
        raise FwParseError('%s name too long' % what)
    if not _NAME_RE.match(name):
        raise FwParseError("invalid %s name '%s'" % (what, name))
    return name, match.group(2)


def _section_header(line, allowed):
    """Return (section, name, comment) when ``line`` opens a section allowed here, else None."""
    simple = _SIMPLE_HEADERS.get(line.lower())
    if simple and simple in allowed:
        return simple, None, None
    if 'groups' in allowed:
        found = _named_header(_GROUP_HEADER, line, MAX_GROUP_NAME, 'security group')
        if found:
            return ('groups',) + found
    if 'ipset' in allowed:
        found = _named_header(_IPSET_HEADER, line, MAX_IPSET_NAME, 'ipset')
        if found:
            return ('ipset',) + found
    return None


class _Reader(object):
    """State of one parse: current section, current group/ipset name, warnings."""

    def __init__(self, kind, filename):
        self.kind = kind
        self.conf = empty_conf(kind)
        self.prefix = '%s ' % filename if filename else ''
        self.section = None
        self.name = None
        self.seen_entries = set()

    def warn(self, linenr, msg):
        self.conf['warnings'].append('%s(line %d): %s' % (self.prefix, linenr, msg))

    def header(self, linenr, line):
        try:
            found = _section_header(line, SECTIONS[self.kind])
        except FwParseError as exc:
            self.section = self.name = None
            self.warn(linenr, str(exc))
            return True
        if not found:
            return False
        self.section, self.name, comment = found
        if self.section == 'groups':
            self.conf['groups'][self.name] = []
            self.conf['group_rule_lines'][self.name] = []
            if comment:
                self.conf['group_comments'][self.name] = comment
        elif self.section == 'ipset':
            self.conf['ipset'][self.name] = []
            self.seen_entries = set()
            if comment:
                self.conf['ipset_comments'][self.name] = comment
        return True

    def content(self, linenr, line):
        if self.section is None:
            self.warn(linenr, 'skip line - no section')
            return
        try:
            if self.section == 'options':
                key, value = parse_option_line(line, self.kind)
                self.conf['options'][key] = value
            elif self.section == 'aliases':
                alias = parse_alias_line(line)
                self.conf['aliases'][alias['name'].lower()] = alias
            elif self.section == 'rules':
                self.conf['rules'].append(parse_rule_line(line))
                self.conf['rule_lines'].append(linenr)
            elif self.section == 'groups':
                self.conf['groups'][self.name].append(parse_rule_line(line))
                self.conf['group_rule_lines'][self.name].append(linenr)
            else:
                entry = parse_ipset_entry(line, self.seen_entries)
                self.conf['ipset'][self.name].append(entry)
                self.seen_entries.add(entry['cidr'])
                if 'errors' in entry:
                    self.warn(linenr, "errors in ipset '%s': %s" % (self.name, entry['errors']['cidr']))
        except FwParseError as exc:
            self.warn(linenr, str(exc))


def parse_fw_file(text, kind, filename=None):
    """Parse the text of a .fw file of ``kind`` (see module docstring); never raises on content."""
    reader = _Reader(normalize_kind(kind), filename)
    for linenr, raw in enumerate((text or '').split('\n'), 1):
        line = raw.strip(' \t')
        if not line or line.startswith('#'):
            continue
        if not reader.header(linenr, line):
            reader.content(linenr, line)
    return reader.conf


def _render_options(options):
    if not options:
        return ''
    lines = ['[OPTIONS]', '']
    lines.extend('%s: %s' % (key, options[key]) for key in sorted(options))
    return '\n'.join(lines) + '\n\n'


def _render_aliases(aliases):
    if not aliases:
        return ''
    lines = ['[ALIASES]', '']
    for key in sorted(aliases):
        alias = aliases[key]
        line = '%s %s' % (alias.get('name', key), alias['cidr'])
        if perl_true(alias.get('comment')) and alias['comment'].strip():
            line += ' # %s' % alias['comment']
        lines.append(line)
    return '\n'.join(lines) + '\n\n'


def _render_ipsets(ipsets, comments):
    raw = ''
    for name in sorted(ipsets or {}):
        comment = (comments or {}).get(name)
        raw += '[IPSET %s] # %s\n\n' % (name, comment) if comment else '[IPSET %s]\n\n' % name
        entries = {}
        for entry in ipsets[name]:
            entries.setdefault(entry['cidr'], entry)
        for cidr in sorted(entries):
            entry = entries[cidr]
            line = ('!' if perl_true(entry.get('nomatch')) else '') + cidr
            if perl_true(entry.get('comment')) and entry['comment'].strip():
                line += ' # %s' % entry['comment']
            raw += line + '\n'
        raw += '\n'
    return raw


def _render_rules(rules, allow_iface):
    return ''.join(render_rule(rule, allow_iface) + '\n' for rule in rules)


def render_fw_file(conf, kind):
    """Render parsed data (as returned by parse_fw_file) back to PVE's written .fw form."""
    kind = normalize_kind(kind)
    allowed = SECTIONS[kind]
    raw = _render_options(conf.get('options'))
    if 'aliases' in allowed:
        raw += _render_aliases(conf.get('aliases'))
        raw += _render_ipsets(conf.get('ipset'), conf.get('ipset_comments'))
    if conf.get('rules'):
        raw += '[RULES]\n\n' + _render_rules(conf['rules'], True) + '\n'
    if 'groups' in allowed:
        comments = conf.get('group_comments') or {}
        for name in sorted(conf.get('groups') or {}):
            comment = comments.get(name)
            raw += '[group %s] # %s\n\n' % (name, comment) if comment else '[group %s]\n\n' % name
            raw += _render_rules(conf['groups'][name], False) + '\n'
    return raw
