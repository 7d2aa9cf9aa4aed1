# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall configuration model: .fw line grammar, rule verification, digests.

Real PVE re-reads the .fw file on every call, so what a client sees is always "what the parser
makes of what was written". The model keeps each stored entry in that post-parse form: a write
renders the changed entry as its .fw line(s) and parses them back (comment trimming, fields dropped
from GROUP rules, ``enable`` 0/1, disabled rules, lower-cased names ...). Values that depend on
other objects (a rule's ``ipversion`` and ``errors`` on unknown aliases/ipsets) are computed when
read and cached until those objects change.
"""

import hashlib
import re

from . import netutil
from .errors import ParamError, PlainError

RULE_PROPERTIES = ('pos', 'digest', 'type', 'action', 'macro', 'iface', 'source', 'dest', 'proto', 'enable', 'log',
                   'sport', 'dport', 'comment', 'icmp-type')
LOG_LEVELS = ('emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'nolog')
ENV_TYPES = {'ct': ('in', 'out', 'group'), 'vm': ('in', 'out', 'group'), 'group': ('in', 'out', 'forward'),
             'cluster': ('in', 'out', 'forward', 'group'), 'host': ('in', 'out', 'forward', 'group'),
             'vnet': ('forward', 'group')}
ENV_IFACE = {'ct': True, 'vm': True, 'group': False, 'vnet': False, 'cluster': True, 'host': True}
MIXED_IP = 'detected mixed ipv4/ipv6 addresses in rule'
ACTION_RE = re.compile(r'^(ACCEPT|DROP|REJECT)$')
MACRO_ACTION_RE = re.compile(r'^(\S+)\((ACCEPT|DROP|REJECT)\)$')
IFACE_RE = re.compile(r'^[a-z][a-z0-9_]{1,20}([:.]\d+)?$', re.I)
LOGLEVEL_ALT = '|'.join(LOG_LEVELS)
RULE_OPTIONS = (
    ('proto', re.compile(r'^(?:-p|--?proto) (\S+)\s*')),
    ('dport', re.compile(r'^--?dport (\S+)\s*')),
    ('sport', re.compile(r'^--?sport (\S+)\s*')),
    ('source', re.compile(r'^--?source (\S+)\s*')),
    ('dest', re.compile(r'^--?dest (\S+)\s*')),
    ('log', re.compile(r'^--?log (%s)\s*' % LOGLEVEL_ALT)),
    ('icmp-type', re.compile(r'^--?icmp-type (\S+)\s*')),
)


def perl_true(value):
    """Perl truthiness of a scalar: undef, '' and '0' are false."""
    return value is not None and value != '' and value != '0' and value != 0


def digest_lines(entry):
    """The SHA-1 input PVE feeds for one list entry: sorted 'key:value\\n', nested values skipped."""
    return ''.join('%s:%s\n' % (key, entry[key]) for key in sorted(entry)
                   if entry[key] is not None and not isinstance(entry[key], (dict, list)))


def list_digest(entries):
    sha = hashlib.sha1()
    for entry in entries:
        sha.update(digest_lines(entry).encode('utf-8'))
    return sha.hexdigest()


def object_digest(obj):
    return hashlib.sha1(digest_lines(obj).encode('utf-8')).hexdigest()


class RuleDropped(Exception):
    """A rule line the parser skips (warned about and lost on the next save)."""


class _MixedVersions(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Rule lines
# ---------------------------------------------------------------------------------------------

def render_rule(rule, allow_iface):
    """One rule as written to a .fw file (a comment with newlines yields several lines)."""
    kind = rule.get('type')
    if kind not in ('in', 'out', 'forward', 'group'):
        raise PlainError("unknown rule type '%s'" % kind)
    line = '|' if rule.get('enable') is not None and not perl_true(rule.get('enable')) else ''
    line += kind.upper()
    if perl_true(rule.get('macro')):
        line += ' %s(%s)' % (rule['macro'], rule.get('action'))
    else:
        line += ' %s' % rule.get('action')
    if allow_iface and perl_true(rule.get('iface')):
        line += ' -i %s' % rule['iface']
    if kind != 'group':
        for key, flag in (('source', '-source'), ('dest', '-dest'), ('proto', '-p'), ('dport', '-dport'),
                          ('sport', '-sport'), ('log', '-log')):
            if perl_true(rule.get(key)):
                line += ' %s %s' % (flag, rule[key])
        if rule.get('icmp-type') is not None and rule.get('icmp-type') != '':
            line += ' -icmp-type %s' % rule['icmp-type']
    comment = rule.get('comment')
    if perl_true(comment) and comment.strip():
        line += ' # %s' % comment
    return line


def parse_rule_line(line):
    """Parse one trimmed rule line into its fields (no verification); raises RuleDropped."""
    rule = {}
    match = re.search(r'#\s*(.*?)\s*$', line)
    if match:
        rule['comment'] = match.group(1)
        line = line[:match.start()]
    rule['enable'] = 1
    if line.startswith('|'):
        rule['enable'] = 0
        line = line[1:]
    match = re.match(r'^(\S+)\s+(\S+)\s*', line)
    if not match:
        raise RuleDropped('unable to parse rule: %s' % line)
    rule['type'], rule['action'] = match.group(1).lower(), match.group(2)
    line = line[match.end():]
    if rule['type'] in ('in', 'out', 'forward'):
        macro = MACRO_ACTION_RE.match(rule['action'])
        if macro:
            rule['macro'], rule['action'] = macro.group(1), macro.group(2)
    while line:
        match = re.match(r'^-i (\S+)\s*', line)
        if match:
            rule['iface'] = match.group(1)
            line = line[match.end():]
            continue
        if rule['type'] == 'group':
            break
        for key, regex in RULE_OPTIONS:
            match = regex.match(line)
            if match:
                rule[key] = match.group(1)
                line = line[match.end():]
                break
        else:
            break
    if line:
        raise RuleDropped('unable to parse rule parameters: %s' % line)
    return rule


def text_lines(text):
    """Lines as the .fw parser sees them: trimmed, without blanks and '#' comment lines."""
    result = []
    for raw in text.split('\n'):
        line = raw.strip(' \t')
        if line and not line.startswith('#'):
            result.append(line)
    return result


# ---------------------------------------------------------------------------------------------
# Verification (PVE's verify_rule)
# ---------------------------------------------------------------------------------------------

class RuleContext:
    """What a rule may reference: cluster and local aliases, ipsets, SDN ipsets, macros."""

    def __init__(self, macros, cluster, local=None, sdn_ipsets=()):
        self.macros = macros
        self.cluster = cluster
        self.local = local
        self.sdn_ipsets = sdn_ipsets

    def ipset_exists(self, name):
        for conf in (self.cluster, self.local):
            if conf is not None and conf.ipsets is not None and name in conf.ipsets:
                return True
        return name in self.sdn_ipsets

    def alias_entry(self, name, scope):
        local = self.local.aliases if self.local is not None and self.local.aliases is not None else None
        cluster = self.cluster.aliases if self.cluster is not None else None
        entry = None
        if scope != 'dc/' and local is not None:
            entry = local.get(name)
        if scope != 'guest/' and entry is None and cluster is not None:
            entry = cluster.get(name)
        return entry

    def alias_known(self, name):
        return any(conf is not None and conf.aliases is not None and name in conf.aliases
                   for conf in (self.cluster, self.local))


def verify_rule(rule, ctx, env, noerr=False):
    """Check a rule for its level; canonicalises the macro and sets ipversion.

    noerr=False (API writes): raise ParamError at the first problem, PlainError for the mixed
    alias versions die. noerr=True (parsing): return the errors dict, RuleDropped for that die.
    """
    errors = {}
    state = {'count': 0, 'ipversion': None}

    def add_error(param, message):
        message = message[:-1] if message.endswith('\n') else message
        if not noerr:
            raise ParamError({param: message})
        state['count'] += 1
        errors.setdefault(param, message)

    def set_ip_version(version):
        if version:
            if state['ipversion'] and version != state['ipversion']:
                raise _MixedVersions()
            state['ipversion'] = version

    try:
        _verify_type_action(rule, env, add_error)
        _verify_iface_macro(rule, ctx, env, add_error)
        _verify_proto_ports(rule, add_error, set_ip_version)
        for key in ('source', 'dest'):
            if perl_true(rule.get(key)):
                try:
                    set_ip_version(netutil.parse_address_list(rule[key]))
                except netutil.AddressError as exc:
                    add_error(key, str(exc))
                except _MixedVersions:
                    add_error(key, MIXED_IP)
                _check_reference(rule, key, ctx, add_error, set_ip_version)
    except _MixedVersions:
        if noerr:
            raise RuleDropped(MIXED_IP) from None
        raise PlainError(MIXED_IP) from None
    if state['ipversion']:
        rule['ipversion'] = state['ipversion']
    if perl_true(rule.get('macro')) and not state['count']:
        problem = ctx.macros.expand(rule['macro'], rule, state['ipversion'])
        if problem:
            add_error(*problem)
    return errors


def _verify_type_action(rule, env, add_error):
    kind, action = rule.get('type'), rule.get('action')
    if not perl_true(kind):
        add_error('type', 'missing property')
    if not perl_true(action):
        add_error('action', 'missing property')
    if not perl_true(kind):
        return
    if kind not in ENV_TYPES[env]:
        add_error('type', "invalid rule type '%s' for rule_env '%s'" % (kind, env))
    if kind in ('in', 'out', 'forward'):
        if kind == 'forward' and action == 'REJECT':
            add_error('action', 'cannot define REJECT rules on forward chain')
        if perl_true(action) and not ACTION_RE.match(action):
            add_error('action', "unknown action '%s'" % action)
    elif kind == 'group':
        if env == 'group':
            add_error('type', 'security groups not allowed')
        if perl_true(action) and not netutil.NAME_RE.match(action):
            add_error('action', 'invalid characters in security group name')
    else:
        add_error('type', "unknown rule type '%s'" % kind)


def _verify_iface_macro(rule, ctx, env, add_error):
    iface = rule.get('iface')
    if perl_true(iface):
        if not ENV_IFACE[env]:
            add_error('type', 'parameter -i not allowed for this rule type')
        if not IFACE_RE.match(iface):
            add_error('iface', "invalid network interface name '%s'" % iface)
        if env in ('vm', 'ct') and not re.match(r'^net(\d+)$', iface):
            add_error('iface', "value does not match the regex pattern 'net\\d+'")
    macro = rule.get('macro')
    if perl_true(macro):
        preferred = ctx.macros.canonical(macro)
        if preferred:
            rule['macro'] = preferred
        else:
            add_error('macro', "unknown macro '%s'" % macro)


def _verify_proto_ports(rule, add_error, set_ip_version):
    proto = rule.get('proto')
    is_icmp = False
    if perl_true(proto):
        try:
            netutil.verify_protocol(proto)
        except netutil.AddressError as exc:
            add_error('proto', str(exc))
        set_ip_version({'icmp': 4, 'icmpv6': 6, 'ipv6-icmp': 6}.get(proto))
        is_icmp = proto in netutil.ICMP_PROTOCOLS
    if perl_true(rule.get('dport')):
        try:
            netutil.parse_port_spec(rule['dport'], is_icmp)
        except netutil.AddressError as exc:
            add_error('dport', str(exc))
        if not perl_true(proto):
            add_error('proto', "missing property - 'dport' requires this property")
        if proto not in netutil.PROTOCOLS_WITH_PORTS and not is_icmp:
            add_error('dport', "protocol '%s' does not support ports" % (proto or ''))
    icmp_type = rule.get('icmp-type')
    if perl_true(icmp_type):
        if not is_icmp:
            add_error('proto', "missing property - 'icmp-type' requires this property")
        if perl_true(rule.get('dport')):
            add_error('icmp-type', "'icmp-type' cannot be specified together with 'dport'")
        if proto == 'icmp' and icmp_type not in netutil.ICMP_TYPES:
            add_error('icmp-type', "invalid icmp-type '%s' for proto 'icmp'" % icmp_type)
        elif proto in ('icmpv6', 'ipv6-icmp') and icmp_type not in netutil.ICMPV6_TYPES:
            add_error('icmp-type', "invalid icmp-type '%s' for proto '%s'" % (icmp_type, proto))
    if perl_true(rule.get('sport')):
        try:
            netutil.parse_port_spec(rule['sport'], False)
        except netutil.AddressError as exc:
            add_error('sport', str(exc))
        if not perl_true(proto):
            add_error('proto', "missing property - 'sport' requires this property")
        if proto not in netutil.PROTOCOLS_WITH_PORTS:
            add_error('sport', "protocol '%s' does not support ports" % (proto or ''))
    return is_icmp


def _check_reference(rule, key, ctx, add_error, set_ip_version):
    value = rule[key]
    if value.startswith('+'):
        match = netutil.IPSET_REF_RE.match(value)
        if not match:
            add_error(key, "invalid ipset name '%s'" % value)
        elif not ctx.ipset_exists(match.group(2)):
            add_error(key, "no such ipset '%s'" % match.group(2))
        return
    match = netutil.ALIAS_REF_RE.match(value)
    if match:
        name = match.group(2).lower()
        if not ctx.alias_known(name):
            add_error(key, "no such alias '%s'" % value)
        entry = ctx.alias_entry(name, match.group(1) or '')
        set_ip_version(entry['ipversion'] if entry else None)


# ---------------------------------------------------------------------------------------------
# Rules and rule lists
# ---------------------------------------------------------------------------------------------

class Rule:
    """A stored rule (post-parse fields) with its cached read-side evaluation."""

    __slots__ = ('fields', 'eval_key', 'view', 'digest_text')

    def __init__(self, fields):
        self.fields = fields
        self.eval_key = None
        self.view = None
        self.digest_text = ''

    def evaluate(self, ctx, env, key):
        """The rule as GET shows it (fields + ipversion + errors), None if the parser drops it."""
        if self.eval_key != key:
            fields = dict(self.fields)
            try:
                errors = verify_rule(fields, ctx, env, noerr=True)
                if errors:
                    fields['errors'] = errors
                self.view = fields
                self.digest_text = digest_lines(fields)
            except RuleDropped:
                self.view = None
                self.digest_text = ''
            self.eval_key = key
        return self.view


class RuleList:
    """One ordered rule list (a level's rules or a group body) with a cached view and digest."""

    def __init__(self, rules=None):
        self.rules = list(rules or [])
        self.version = 0
        self._cache = None
        self._clean = None

    def touch(self):
        self.version += 1

    def mutated(self, ctx, env, key, new_rules=()):
        """Record an API edit; a list known to hold no dropped rules stays known clean if the new ones are kept."""
        was_clean = self._clean == (self.version, key)
        self.version += 1
        if was_clean and all(rule.evaluate(ctx, env, key) is not None for rule in new_rules):
            self._clean = (self.version, key)

    def views(self, ctx, env, key):
        """[(rule, view)] of the rules the parser keeps, and the list digest."""
        if self._cache is not None and self._cache[0] == (self.version, key):
            return self._cache[1], self._cache[2]
        kept = []
        sha = hashlib.sha1()
        for rule in self.rules:
            view = rule.evaluate(ctx, env, key)
            if view is not None:
                kept.append((rule, view))
                sha.update(rule.digest_text.encode('utf-8'))
        digest = sha.hexdigest()
        self._cache = ((self.version, key), kept, digest)
        return kept, digest

    def purge_dropped(self, ctx, env, key):
        """What a load-and-save does to rules the parser skips: they disappear."""
        if self._clean == (self.version, key):
            return
        kept = [rule for rule in self.rules if rule.evaluate(ctx, env, key) is not None]
        if len(kept) != len(self.rules):
            self.rules = kept
            self.touch()
        self._clean = (self.version, key)


def roundtrip_rules(rule, env, macros):
    """Write a rule and read it back: returns the list of stored rules the text becomes."""
    text = render_rule(rule, env != 'group')
    result = []
    for line in text_lines(text):
        try:
            fields = parse_rule_line(line)
        except RuleDropped:
            continue
        macro = fields.get('macro')
        if macro and macros.canonical(macro):
            fields['macro'] = macros.canonical(macro)
        result.append(Rule(fields))
    return result


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------

def parse_option_line(level, line):
    """Parse 'key: value' of an [OPTIONS] section for a level; returns (key, value) or None."""
    line = line.strip()
    if level == 'cluster':
        return _parse_cluster_option(line)
    if level == 'host':
        return _parse_host_option(line)
    if level == 'vnet':
        return _parse_vnet_option(line)
    return _parse_guest_option(line)


def _match(pattern, line, flags=re.I):
    return re.match(pattern, line, flags)


def _parse_cluster_option(line):
    match = _match(r'^(enable):\s*(\d+)\s*$', line)
    if match:
        return 'enable', int(match.group(2))
    match = _match(r'^(ebtables):\s*(0|1)\s*$', line)
    if match:
        return 'ebtables', int(match.group(2))
    match = _match(r'^(policy_(in|out|forward)):\s*(ACCEPT|DROP|REJECT)\s*$', line)
    if match:
        return match.group(1).lower(), match.group(3).upper()
    match = _match(r'^(log_ratelimit):\s*(\S+)\s*$', line, 0)
    if match:
        return 'log_ratelimit', match.group(2)
    return None


def _parse_host_option(line):
    match = _match(r'^(enable|nosmurfs|tcpflags|ndp|log_nf_conntrack|nf_conntrack_allow_invalid|protection_synflood|'
                   r'nftables):\s*(0|1)\s*$', line)
    if match:
        return match.group(1).lower(), int(match.group(2))
    match = _match(r'^(log_level_(?:in|out|forward)|tcp_flags_log_level|smurf_log_level):\s*((%s)\s*)?$' % LOGLEVEL_ALT,
                   line)
    if match:
        return match.group(1).lower(), match.group(3).lower() if match.group(2) else ''
    match = _match(r'^(nf_conntrack_helpers):\s*(((\S+)[,]?)+)\s*$', line)
    if match:
        value = match.group(2).lower()
        try:
            netutil.verify_conntrack_helpers(value)
        except netutil.AddressError:
            return None
        return 'nf_conntrack_helpers', value
    match = _match(r'^(nf_conntrack_max|nf_conntrack_tcp_timeout_established|nf_conntrack_tcp_timeout_syn_recv|'
                   r'protection_synflood_rate|protection_synflood_burst|protection_limit):\s*(\d+)\s*$', line)
    if match:
        return match.group(1).lower(), int(match.group(2))
    return None


def _parse_guest_option(line):
    match = _match(r'^(enable|dhcp|ndp|radv|macfilter|ipfilter|ips):\s*(0|1)\s*$', line)
    if match:
        return match.group(1).lower(), int(match.group(2))
    match = _match(r'^(log_level_in|log_level_out):\s*((%s)\s*)?$' % LOGLEVEL_ALT, line)
    if match:
        return match.group(1).lower(), match.group(3).lower() if match.group(2) else ''
    match = _match(r'^(policy_(in|out)):\s*(ACCEPT|DROP|REJECT)\s*$', line)
    if match:
        return match.group(1).lower(), match.group(3).upper()
    match = _match(r'^(ips_queues):\s*((\d+)(:(\d+))?)\s*$', line)
    if match:
        return 'ips_queues', match.group(2)
    match = _match(r'^(layer2_protocols):\s*(((\S+)[,]?)+)\s*$', line)
    if match:
        return 'layer2_protocols', match.group(2)
    return None


def _parse_vnet_option(line):
    match = _match(r'^(enable):\s*(\d+)\s*$', line)
    if match:
        return 'enable', int(match.group(2))
    match = _match(r'^(policy_forward):\s*(ACCEPT|DROP)\s*$', line)
    if match:
        return 'policy_forward', match.group(2).upper()
    match = _match(r'^(log_level_forward):\s*(%s)\s*$' % LOGLEVEL_ALT, line)
    if match:
        return 'log_level_forward', match.group(2).lower()
    return None


# ---------------------------------------------------------------------------------------------
# Config files
# ---------------------------------------------------------------------------------------------

def first_line_comment(text):
    """A comment as read back from a one-line header or entry: trimmed, first line only, None if empty."""
    if not perl_true(text) or not text.strip():
        return None
    value = text.split('\n', 1)[0].strip()
    return value if perl_true(value) else None


class FwConfig:
    """One .fw file. Sections that a level does not have are None."""

    level = None
    has_aliases = False
    has_ipsets = False
    has_groups = False

    def __init__(self):
        self.options = {}
        self.aliases = {} if self.has_aliases else None
        self.ipsets = {} if self.has_ipsets else None
        self.ipset_comments = {} if self.has_ipsets else None
        self.rules = RuleList()
        self.groups = {} if self.has_groups else None
        self.group_comments = {} if self.has_groups else None
        self.version = 0
        self.refs_version = 0

    def touch(self, refs=False):
        self.version += 1
        if refs:
            self.refs_version += 1

    def is_empty(self):
        return not (self.options or self.aliases or self.ipsets or self.rules.rules or self.groups)

    # -- option writes ------------------------------------------------------------------------
    def set_option(self, key, value):
        """Store a value the way writing 'key: value' and reading it back does."""
        parsed = parse_option_line(self.level, '%s: %s' % (key, value))
        if parsed is None:
            self.options.pop(key, None)
        else:
            self.options[parsed[0]] = parsed[1]

    # -- ipset helpers ------------------------------------------------------------------------
    def normalise_ipset_names(self):
        """Sections are written sorted by name and read back lower-cased; a later one wins."""
        self.ipsets, self.ipset_comments = _normalise_sections(self.ipsets, self.ipset_comments)

    def normalise_group_names(self):
        self.groups, self.group_comments = _normalise_sections(self.groups, self.group_comments)


def _normalise_sections(sections, comments):
    new_sections, new_comments = {}, {}
    for name in sorted(sections):
        lowered = name.lower()
        new_sections[lowered] = sections[name]
        comment = first_line_comment(comments.get(name))
        if comment:
            new_comments[lowered] = comment
    return new_sections, new_comments


class ClusterFw(FwConfig):
    level = 'cluster'
    has_aliases = has_ipsets = has_groups = True


class HostFw(FwConfig):
    level = 'host'


class GuestFw(FwConfig):
    level = 'vm'
    has_aliases = has_ipsets = True


class VnetFw(FwConfig):
    level = 'vnet'


def alias_entry(name, cidr, comment):
    """An alias as the parser returns it: /32 and /128 dropped, ipversion added."""
    text, version = netutil.parse_ip_or_cidr(cidr)
    entry = {'name': name, 'cidr': text, 'ipversion': version}
    comment = first_line_comment(comment)
    if comment:
        entry['comment'] = comment
    return entry


def ipset_entry(cidr, nomatch, comment):
    entry = {'cidr': cidr}
    if perl_true(nomatch):
        entry['nomatch'] = 1
    comment = first_line_comment(comment)
    if comment:
        entry['comment'] = comment
    return entry


def ipset_entry_view(entry, cluster, local):
    """An ipset entry as GET shows it, with the parser's errors (missing alias, zero prefix)."""
    view = dict(entry)
    errors = {}
    match = netutil.ALIAS_REF_RE.match(entry['cidr'])
    if match and resolve_alias(cluster, local, match.group(2), match.group(1) or '') is None:
        errors['cidr'] = "no such alias '%s'" % match.group(2)
    elif not match and not netutil.is_ip_or_cidr_syntax(entry['cidr']):
        errors['cidr'] = 'value does not look like a valid IP address or CIDR network'
    if re.search(r'/0+$', entry['cidr']):
        errors['cidr'] = 'a zero prefix is not allowed in ipset entries\n'
    if errors:
        view['errors'] = errors
    return view


def resolve_alias(cluster, local, name, scope):
    """PVE's resolve_alias: the alias entry for a (scope, name) reference, or None."""
    name = name.lower()
    found = None
    if scope != 'dc/' and local is not None and local.aliases is not None:
        found = local.aliases.get(name)
    if scope != 'guest/' and found is None and cluster is not None:
        found = cluster.aliases.get(name)
    return found


def render_options(options):
    return '[OPTIONS]\n\n' + ''.join('%s: %s\n' % (key, value) for key, value in options.items()) + '\n'


def render_config(conf, allow_iface=True):
    """The .fw text of a config, in PVE's section order ('' when the file would not exist)."""
    raw = ''
    if conf.options:
        raw += render_options(conf.options)
    if conf.aliases:
        raw += '[ALIASES]\n\n'
        for key in sorted(conf.aliases):
            entry = conf.aliases[key]
            raw += '%s %s' % (entry['name'], entry['cidr'])
            if perl_true(entry.get('comment')) and entry['comment'].strip():
                raw += ' # %s' % entry['comment']
            raw += '\n'
        raw += '\n'
    if conf.ipsets:
        for name in sorted(conf.ipsets):
            comment = conf.ipset_comments.get(name)
            raw += '[IPSET %s] # %s\n\n' % (name, comment) if perl_true(comment) else '[IPSET %s]\n\n' % name
            seen = {}
            for entry in conf.ipsets[name]:
                seen.setdefault(entry['cidr'], entry)
            for cidr in sorted(seen):
                entry = seen[cidr]
                line = ('!' if perl_true(entry.get('nomatch')) else '') + cidr
                if perl_true(entry.get('comment')) and entry['comment'].strip():
                    line += ' # %s' % entry['comment']
                raw += line + '\n'
            raw += '\n'
    if conf.rules.rules:
        raw += '[RULES]\n\n' + ''.join(render_rule(rule.fields, allow_iface) + '\n' for rule in conf.rules.rules) + '\n'
    if conf.groups:
        for name in sorted(conf.groups):
            comment = conf.group_comments.get(name)
            raw += '[group %s] # %s\n\n' % (name, comment) if perl_true(comment) else '[group %s]\n\n' % name
            raw += ''.join(render_rule(rule.fields, False) + '\n' for rule in conf.groups[name].rules) + '\n'
    return raw


SECTION_RE = {
    'options': re.compile(r'^\[options\]$', re.I),
    'aliases': re.compile(r'^\[aliases\]$', re.I),
    'rules': re.compile(r'^\[rules\]$', re.I),
    'group': re.compile(r'^\[group\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$', re.I),
    'ipset': re.compile(r'^\[ipset\s+(\S+)\]\s*(?:#\s*(.*?)\s*)?$', re.I),
}


def parse_config(conf, text, macros, warnings=None, name='-'):
    """Fill an empty FwConfig from .fw text (PVE's generic parser); bad lines become warnings."""
    warnings = warnings if warnings is not None else []
    section, current = None, None
    for number, raw in enumerate(text.split('\n'), 1):
        line = raw.strip(' \t')
        if not line or line.startswith('#'):
            continue
        prefix = '%s (line %d)' % (name, number)
        header = _section_header(conf, line, warnings, prefix)
        if header is not None:
            section, current = header
            continue
        if section is None:
            warnings.append('%s: skip line - no section' % prefix)
            continue
        _parse_section_line(conf, section, current, line, macros, warnings, prefix)
    return warnings


def _section_header(conf, line, warnings, prefix):
    if SECTION_RE['options'].match(line):
        return 'options', None
    if conf.aliases is not None and SECTION_RE['aliases'].match(line):
        return 'aliases', None
    if SECTION_RE['rules'].match(line):
        return 'rules', None
    for kind, store, comments, limit in (('group', conf.groups, conf.group_comments, netutil.MAX_GROUP_NAME),
                                         ('ipset', conf.ipsets, conf.ipset_comments, netutil.MAX_IPSET_NAME)):
        match = SECTION_RE[kind].match(line) if store is not None else None
        if match:
            name = match.group(1).lower()
            if len(name) > limit or not netutil.NAME_RE.match(name):
                warnings.append("%s: invalid %s name '%s'" % (prefix, kind, name))
                return None, None
            store[name] = RuleList() if kind == 'group' else []
            if match.group(2):
                comments[name] = match.group(2)
            return kind, name
    return None


def _parse_section_line(conf, section, current, line, macros, warnings, prefix):
    if section == 'options':
        parsed = parse_option_line(conf.level, line)
        if parsed is None:
            warnings.append("%s: can't parse option '%s'" % (prefix, line))
        else:
            conf.options[parsed[0]] = parsed[1]
    elif section == 'aliases':
        match = re.match(r'^(.*?)\s*#\s*(.*?)\s*$', line)
        body, comment = (match.group(1), match.group(2)) if match else (line, None)
        parts = re.match(r'^(\S+)\s(\S+)$', body)
        try:
            if not parts:
                raise netutil.AddressError('unable to parse alias')
            conf.aliases[parts.group(1).lower()] = alias_entry(parts.group(1), parts.group(2), comment)
        except netutil.AddressError as exc:
            warnings.append('%s: %s' % (prefix, exc))
    elif section in ('rules', 'group'):
        try:
            fields = parse_rule_line(line)
        except RuleDropped as exc:
            warnings.append('%s: %s' % (prefix, exc))
            return
        if fields.get('macro') and macros.canonical(fields['macro']):
            fields['macro'] = macros.canonical(fields['macro'])
        target = conf.rules if section == 'rules' else conf.groups[current]
        target.rules.append(Rule(fields))
    elif section == 'ipset':
        match = re.search(r'#\s*(.*?)\s*$', line)
        comment = match.group(1) if match else None
        body = line[:match.start()] if match else line
        entry_match = re.match(r'^(!)?\s*(\S+)\s*$', body)
        if not entry_match:
            warnings.append('%s: unable to parse ipset entry' % prefix)
            return
        cidr = entry_match.group(2)
        if not netutil.ALIAS_REF_RE.match(cidr):
            try:
                cidr = netutil.parse_ip_or_cidr(cidr)[0]
            except netutil.AddressError:
                pass
        conf.ipsets[current].append(ipset_entry(cidr, entry_match.group(1), comment))


def finish_parse(conf):
    """Sort ipset entries like a save would and drop exact duplicates (the writer keeps the first)."""
    if conf.ipsets:
        for name, entries in conf.ipsets.items():
            seen = {}
            for entry in entries:
                seen.setdefault(entry['cidr'], entry)
            conf.ipsets[name] = [seen[cidr] for cidr in sorted(seen)]
