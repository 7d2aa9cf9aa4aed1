# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: static checks of a Proxmox VE firewall configuration.

``lint(firewalls)`` takes one ``PveFirewall`` per node (``{node: firewall}``) and returns findings,
each naming the rule (level, position, text) and why:

- ``shadowed``: never matched, because earlier rules match every packet it would match, with a
  different action; ``redundant``: the same with the same action, or a later rule with the same
  action covers it and nothing in between decides differently (removing it changes nothing);
- ``matches_nothing``: its addresses resolve to nothing (an empty IP set, say);
- ``missing_reference``: it names an IP set, alias or security group that does not exist (PVE
  skips such rules without telling anybody); ``invalid``: other errors that make PVE skip it;
- ``allow_any``: it accepts every packet of its direction; ``disabled``: it is switched off;
- ``unfiltered_guest``: a guest has rules, but a switch (cluster, guest ``enable``, the NIC's
  ``firewall`` flag) leaves a NIC unfiltered; ``unmatched_iface``: a guest rule names a NIC the guest
  does not have; ``firewall_disabled``: rules exist while the cluster firewall is off.

Coverage is decided on the rules' match fields per IP version, with macros expanded and security
groups inlined where they are used: a rule is reported only when it is dead in every chain it is
part of. Covering rules are read conservatively (an IP set's ``nomatch`` entries are taken out),
so a finding is never a guess; rules covered only by several rules together are not reported.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwfile import perl_true
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import pve_match as pm
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_rules import (
    ALIAS_REF,
    IPSET_REF,
    RuleError,
    lookup_alias,
)

FULL = {4: ((0, (1 << 32) - 1),), 6: ((0, (1 << 128) - 1),)}
SEVERITY = {
    'shadowed': 'warning', 'redundant': 'info', 'matches_nothing': 'warning', 'missing_reference': 'error',
    'invalid': 'error', 'allow_any': 'warning', 'disabled': 'info', 'unfiltered_guest': 'warning',
    'unmatched_iface': 'warning', 'firewall_disabled': 'warning',
}
KINDS = tuple(sorted(SEVERITY))
_LEVEL_ORDER = {'cluster': 0, 'host': 1, 'group': 2, 'vm': 3, 'ct': 3}


class Unanalyzable(Exception):
    """A rule PVE would fail to compile; it is skipped like PVE skips it."""


# -- interval sets ------------------------------------------------------------------------------------

def merge(ranges):
    merged = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return tuple(merged)


def subtract(ranges, holes):
    result = []
    for low, high in ranges:
        pieces = [(low, high)]
        for hlow, hhigh in holes:
            next_pieces = []
            for plow, phigh in pieces:
                if hhigh < plow or hlow > phigh:
                    next_pieces.append((plow, phigh))
                    continue
                if plow < hlow:
                    next_pieces.append((plow, hlow - 1))
                if hhigh < phigh:
                    next_pieces.append((hhigh + 1, phigh))
            pieces = next_pieces
        result.extend(pieces)
    return merge(result)


def within(inner, outer):
    """Every interval of ``inner`` lies inside one interval of ``outer`` (both merged)."""
    for low, high in inner:
        if not any(olow <= low and high <= ohigh for olow, ohigh in outer):
            return False
    return True


def intersects(first, second):
    return any(alow <= bhigh and blow <= ahigh for alow, ahigh in first for blow, bhigh in second)


# -- rule pieces ----------------------------------------------------------------------------------------

class Piece(object):
    """The packets one (macro-expanded) rule matches in one IP version.

    ``src``/``dst`` are what it may match (IP set nomatch entries ignored), ``src_sure``/``dst_sure``
    what it surely matches (nomatch entries taken out); ``None`` ports or ICMP mean "any".
    """

    __slots__ = ('iface', 'proto', 'sport', 'dport', 'icmp', 'src', 'dst', 'src_sure', 'dst_sure')

    def void(self):
        return not self.src or not self.dst

    def covers(self, other):
        """Every packet ``other`` may match is surely matched by this piece."""
        if self.iface is not None and self.iface != other.iface:
            return False
        if self.proto is not None and self.proto != other.proto:
            return False
        for field in ('dport', 'sport'):
            mine, theirs = getattr(self, field), getattr(other, field)
            if mine is not None and (theirs is None or not within(theirs, mine)):
                return False
        if self.icmp is not None:
            if other.icmp is None or self.icmp[0] != other.icmp[0]:
                return False
            if self.icmp[1] is not None and self.icmp[1] != other.icmp[1]:
                return False
        return within(other.src, self.src_sure) and within(other.dst, self.dst_sure)

    def overlaps(self, other):
        """Some packet may match both."""
        if self.iface is not None and other.iface is not None and self.iface != other.iface:
            return False
        if self.proto is not None and other.proto is not None and self.proto != other.proto:
            return False
        for field in ('dport', 'sport'):
            mine, theirs = getattr(self, field), getattr(other, field)
            if mine is not None and theirs is not None and not intersects(mine, theirs):
                return False
        if self.icmp is not None and other.icmp is not None:
            if self.icmp[0] != other.icmp[0]:
                return False
            if None not in (self.icmp[1], other.icmp[1]) and self.icmp[1] != other.icmp[1]:
                return False
        return intersects(self.src, other.src) and intersects(self.dst, other.dst)


class PieceBuilder(object):
    """Turns verified rules of one model into Pieces for one IP version."""

    def __init__(self, model, version):
        self.model = model
        self.version = version

    def pieces(self, vrule, local, vmid, iface=None):
        rule = dict(vrule.rule)
        if iface:
            rule['iface'] = iface
        items = [rule]
        if vrule.macro:
            rule['macro'] = vrule.macro
            try:
                items = self.model.macros.expand(vrule.macro, rule, self.version)
            except RuleError as exc:
                raise Unanalyzable(str(exc))
        return [self.piece(item, local, vmid) for item in items]

    def piece(self, item, local, vmid):
        piece = Piece()
        piece.iface = item.get('iface') if perl_true(item.get('iface')) else None
        piece.proto = piece.sport = piece.dport = piece.icmp = None
        proto = item.get('proto')
        if perl_true(proto):
            piece.proto = pm.proto_number(proto)
            if piece.proto is None:
                raise Unanalyzable("unknown protocol '%s'" % proto)
            self._ports(piece, item, proto)
        elif perl_true(item.get('dport')) or perl_true(item.get('sport')):
            raise Unanalyzable('port given, but no protocol specified')
        piece.src, piece.src_sure = self.addresses(item.get('source'), local, vmid)
        piece.dst, piece.dst_sure = self.addresses(item.get('dest'), local, vmid)
        return piece

    def _ports(self, piece, item, proto):
        is_icmp = proto in pm.ICMP_PROTOCOLS
        icmp_type, dport, sport = item.get('icmp-type'), item.get('dport'), item.get('sport')
        try:
            if icmp_type is not None and str(icmp_type) != '':
                piece.icmp = pm.icmp_spec(icmp_type, 4 if proto == 'icmp' else 6) if is_icmp else None
            if perl_true(dport) and proto in ('icmp', 'icmpv6'):
                piece.icmp = pm.icmp_spec(dport, 4 if proto == 'icmp' else 6)
            elif perl_true(dport):
                if proto not in pm.PROTOCOLS_WITH_PORTS:
                    raise Unanalyzable('protocol %s does not have ports' % proto)
                piece.dport = merge(pm.port_ranges(dport, self.model.services))
            if perl_true(sport):
                piece.sport = merge(pm.port_ranges(sport, self.model.services))
        except (pm.MatchError, KeyError, ValueError) as exc:
            raise Unanalyzable(str(exc))

    def addresses(self, spec, local, vmid):
        """(may match, surely matches) interval sets of an address field for this IP version."""
        if not perl_true(spec):
            return FULL[self.version], FULL[self.version]
        spec = str(spec)
        if spec.startswith('+'):
            return self._ipset(spec, local, vmid)
        match = ALIAS_REF.match(spec)
        if match:
            entry = lookup_alias(match.group(2), match.group(1) or '', self.model.cluster, local)
            if not entry:
                raise Unanalyzable("no such alias '%s'" % spec)
            version, first, last = pm.cidr_range(entry['cidr'])[:3]
            ranges = ((first, last),) if version == self.version else ()
            return ranges, ranges
        try:
            elements = [pm.address_element(elem) for elem in pm.perl_split_commas(spec)]
        except pm.MatchError as exc:
            raise Unanalyzable(str(exc))
        ranges = merge((first, last) for version, first, last in elements if version == self.version)
        return ranges, ranges

    def _ipset(self, spec, local, vmid):
        match = IPSET_REF.match(spec)
        if not match:
            raise Unanalyzable("invalid ipset name '%s'" % spec)
        scope, name = match.group(1) or '', match.group(2)
        ipset = None
        if scope in ('', 'guest/') and local and name in (local.get('ipset') or {}):
            ipset = self.model.guest_ipsets.get((vmid, name))
        elif scope in ('', 'dc/'):
            ipset = self.model.cluster_ipsets.get(name)
        if ipset is None:
            raise Unanalyzable("no such ipset '%s'" % name)
        entries = ipset.entries.get(self.version, ())
        positive = merge((low, high) for low, high, nomatch in entries if not nomatch)
        holes = merge((low, high) for low, high, nomatch in entries if nomatch)
        return positive, subtract(positive, holes)


# -- chains -----------------------------------------------------------------------------------------------

def origin_key(origin, node):
    level = origin.get('level')
    return (level, node if level == 'host' else None, origin.get('vmid'), origin.get('group'), origin.get('position'))


class Entry(object):
    """One user rule in a chain (a group's rule once per place the group is used)."""

    __slots__ = ('key', 'origin', 'node', 'action', 'pieces', 'via')

    def __init__(self, key, origin, node, action, pieces, via=None):
        self.key = key
        self.origin = origin
        self.node = node
        self.action = action
        self.pieces = pieces
        self.via = via


def chain_entries(builder, vrules, rtype, node, local=None, vmid=None):
    """The entries of one chain: the rules of type ``rtype`` with security groups inlined."""
    model = builder.model
    entries = []
    for vrule in vrules:
        if not vrule.active(builder.version):
            continue
        iface = vrule.rule.get('iface') if perl_true(vrule.rule.get('iface')) else None
        if vrule.rule.get('type') == 'group':
            for grule in model.groups.get(vrule.rule.get('action'), ()):
                if grule.rule.get('type') == rtype and grule.active(builder.version):
                    _add_entry(entries, builder, grule, node, None, None, iface, via=vrule.origin)
        elif vrule.rule.get('type') == rtype:
            _add_entry(entries, builder, vrule, node, local, vmid, None)
    return entries


def _add_entry(entries, builder, vrule, node, local, vmid, iface, via=None):
    try:
        pieces = builder.pieces(vrule, local, vmid, iface)
    except Unanalyzable:
        return  # PVE skips the rule while compiling; the evaluator reports it as a warning
    entries.append(Entry(origin_key(vrule.origin, node), vrule.origin, node, vrule.rule.get('action'), pieces, via))


def _first_cover(piece, entries):
    for entry in entries:
        for other in entry.pieces:
            if not other.void() and other.covers(piece):
                return entry
    return None


def analyse_chain(entries):
    """{key: (status, covering entry, entry)} for one chain; status dead/later/void/alive."""
    status = {}
    dead = set()
    for index, entry in enumerate(entries):
        live = [piece for piece in entry.pieces if not piece.void()]
        if not live:
            status[index] = ('void', None)
            continue
        covering = [_first_cover(piece, entries[:index]) for piece in live]
        if all(covering):
            conflict = next((cover for cover in covering if cover.action != entry.action), None)
            status[index] = ('shadowed' if conflict else 'redundant', conflict or covering[0])
            dead.add(index)
        else:
            status[index] = ('alive', None)
    for index in range(len(entries) - 1, -1, -1):
        if status[index][0] != 'alive':
            continue
        later = _later_cover(entries, index, status)
        if later is not None:
            status[index] = ('redundant_later', later)
    return dict((index, (state, cover, entries[index])) for index, (state, cover) in status.items())


def _later_cover(entries, index, status):
    entry = entries[index]
    live = [piece for piece in entry.pieces if not piece.void()]
    for later in range(index + 1, len(entries)):
        candidate = entries[later]
        if status[later][0] != 'alive':
            continue
        if candidate.action == entry.action and all(
                any(not other.void() and other.covers(piece) for other in candidate.pieces) for piece in live):
            between = entries[index + 1:later]
            if not any(mid.action != entry.action and any(p.overlaps(q) for p in live for q in mid.pieces if not q.void())
                       for mid in between):
                return candidate
    return None


# -- findings ------------------------------------------------------------------------------------------

def where_text(origin, node=None):
    if origin.get('group'):
        return 'group %s' % origin['group']
    if origin.get('vmid') is not None:
        return '%s%s' % (origin.get('level'), origin['vmid'])
    if origin.get('level') == 'host' and node:
        return 'host %s' % node
    return str(origin.get('level'))


def rule_ref(origin, node=None, via=None):
    text = '%s rule %s (%s)' % (where_text(origin, node), origin.get('position'), origin.get('rule'))
    if via:
        text += ' via %s rule %s' % (where_text(via, node), via.get('position'))
    return text


def finding(kind, origin, reason, node=None, related=None, **extra):
    item = dict(kind=kind, severity=SEVERITY[kind], level=origin.get('level'), node=node if origin.get('level') == 'host' else None,
                vmid=origin.get('vmid'), group=origin.get('group'), position=origin.get('position'), rule=origin.get('rule'),
                reason=reason, related=related)
    item.update(extra)
    return item


class Linter(object):
    """Collects findings over the firewalls of several nodes (cluster-wide rules counted once)."""

    def __init__(self, firewalls):
        self.firewalls = firewalls
        self.findings = {}
        self.occurrences = {}

    def add(self, key, item):
        self.findings.setdefault(key, item)

    def run(self):
        for node in sorted(self.firewalls, key=str):
            model = self.firewalls[node].model
            self.rule_findings(node, model)
            self.guest_findings(model)
            self.coverage(node, model)
        self.coverage_findings()
        return sorted(self.findings.values(), key=_sort_key)

    # per rule -------------------------------------------------------------------------------------------

    def all_rules(self, node, model):
        for vrule in model.host_rules:
            yield vrule, node
        for name in sorted(model.groups):
            for vrule in model.groups[name]:
                yield vrule, None
        for vmid in sorted(model.guests):
            for vrule in model.guests[vmid].rules:
                yield vrule, None

    def rule_findings(self, node, model):
        for vrule, rnode in self.all_rules(node, model):
            origin = vrule.origin
            key = origin_key(origin, rnode)
            rule = vrule.rule
            if not perl_true(rule.get('enable', 1)):
                self.add(('disabled',) + key, finding('disabled', origin, 'the rule is disabled (enable 0)', rnode))
                continue
            if vrule.errors:
                self.rule_errors(vrule, key, rnode)
                continue
            if rule.get('type') == 'group' and rule.get('action') not in model.groups:
                self.add(('missing_reference',) + key, finding(
                    'missing_reference', origin, "security group '%s' does not exist: Proxmox skips this rule" % rule.get('action'),
                    rnode))
                continue
            if (rule.get('type') in ('in', 'out') and rule.get('action') == 'ACCEPT' and not vrule.macro
                    and not any(perl_true(rule.get(field)) for field in ('proto', 'source', 'dest'))):
                scope = 'on %s' % rule['iface'] if perl_true(rule.get('iface')) else 'on every interface'
                self.add(('allow_any',) + key, finding(
                    'allow_any', origin, 'accepts every %s packet %s (no source, destination, protocol or macro)' % (
                        'incoming' if rule['type'] == 'in' else 'outgoing', scope), rnode))

    def rule_errors(self, vrule, key, node):
        missing = [msg for msg in vrule.errors.values() if msg.startswith(('no such ipset', 'no such alias'))]
        if missing:
            self.add(('missing_reference',) + key, finding(
                'missing_reference', vrule.origin, '%s: Proxmox skips this rule' % '; '.join(sorted(missing)), node))
        else:
            detail = '; '.join('%s: %s' % item for item in sorted(vrule.errors.items()))
            self.add(('invalid',) + key, finding('invalid', vrule.origin, 'Proxmox skips this rule: %s' % detail, node))

    # guests ---------------------------------------------------------------------------------------------

    def guest_findings(self, model):
        for vmid in sorted(model.guests):
            guest = model.guests[vmid]
            active = [vrule for vrule in guest.rules if perl_true(vrule.rule.get('enable', 1)) and not vrule.errors]
            origin = {'level': guest.kind, 'vmid': vmid, 'position': None, 'rule': None}
            if active:
                self.unfiltered(guest, origin, model, len(active))
            netids = set(nic.netid for nic in guest.nics)
            for vrule in active:
                iface = vrule.rule.get('iface')
                if perl_true(iface) and guest.nics and iface not in netids:
                    self.add(('unmatched_iface',) + origin_key(vrule.origin, None), finding(
                        'unmatched_iface', vrule.origin, '%s%s has no NIC %s: the rule never matches' % (guest.kind, vmid, iface)))

    def unfiltered(self, guest, origin, model, count):
        if not guest.nics:
            self.add(('unfiltered_guest', guest.vmid, None), finding(
                'unfiltered_guest', origin, '%s%s has %d rule(s) but no NIC on a bridge (or no NIC data)' % (
                    guest.kind, guest.vmid, count), nic=None))
            return
        for nic in guest.nics:
            why = guest.status(nic, model.enabled)
            if why:
                self.add(('unfiltered_guest', guest.vmid, nic.netid), finding(
                    'unfiltered_guest', origin, '%s has %d rule(s) but %s is not filtered: %s' % (
                        '%s%s' % (guest.kind, guest.vmid), count, nic.netid, why), nic=nic.netid))

    # coverage -------------------------------------------------------------------------------------------

    def used_groups(self, model):
        used = set()
        rules = list(model.host_rules)
        for guest in model.guests.values():
            rules.extend(guest.rules)
        for vrule in rules:
            if vrule.rule.get('type') == 'group' and not vrule.errors and perl_true(vrule.rule.get('enable', 1)):
                used.add(vrule.rule.get('action'))
        return used

    def coverage(self, node, model):
        if not model.enabled:
            if any(perl_true(v.rule.get('enable', 1)) for v in model.host_rules) or any(g.rules for g in model.guests.values()):
                self.add(('firewall_disabled',), finding(
                    'firewall_disabled', {'level': 'cluster', 'position': None, 'rule': None},
                    'rules exist but the cluster firewall is off (cluster option enable is 0): nothing is filtered'))
        used = self.used_groups(model)
        for version in (4, 6):
            builder = PieceBuilder(model, version)
            chains = []
            for rtype in ('in', 'out'):
                chains.append(chain_entries(builder, model.host_rules, rtype, node))
                for vmid in sorted(model.guests):
                    guest = model.guests[vmid]
                    if guest.conf:
                        chains.append(chain_entries(builder, guest.rules, rtype, node, guest.conf, vmid))
                for name in sorted(set(model.groups) - used):
                    chains.append(chain_entries(builder, model.groups[name], rtype, node))
            for entries in chains:
                for _index, result in analyse_chain(entries).items():
                    self.occurrences.setdefault(result[2].key, []).append(result)

    def coverage_findings(self):
        rank = {'shadowed': 0, 'redundant': 1, 'redundant_later': 2}
        for key, results in self.occurrences.items():
            states = [state for state, _cover, _entry in results]
            if 'alive' in states:
                continue
            entry = results[0][2]
            if all(state == 'void' for state in states):
                self.add(('matches_nothing',) + key, finding(
                    'matches_nothing', entry.origin, 'its addresses match nothing (an empty IP set or alias of the other '
                                                     'IP version): the rule never applies', entry.node))
                continue
            state, cover, entry = min((r for r in results if r[0] in rank), key=lambda r: rank[r[0]])
            related = dict(level=cover.origin.get('level'), node=cover.node if cover.origin.get('level') == 'host' else None,
                           vmid=cover.origin.get('vmid'), group=cover.origin.get('group'),
                           position=cover.origin.get('position'), rule=cover.origin.get('rule'))
            target = rule_ref(cover.origin, cover.node, cover.via)
            if state == 'shadowed':
                reason = 'never matched: %s matches every packet it would match first, and %s them' % (
                    target, _verb(cover.action))
            elif state == 'redundant':
                reason = 'never matched: %s matches every packet it would match first, with the same action' % target
            else:
                reason = ('redundant: %s, later in the same chain, matches every packet it matches with the same action, and no '
                          'rule in between decides otherwise' % target)
            if entry.via:
                reason += ' (the rule is in security group %s, which %s uses)' % (
                    entry.origin.get('group'), rule_ref(entry.via, entry.node).split(' (', 1)[0])
            kind = 'shadowed' if state == 'shadowed' else 'redundant'
            self.add((kind,) + key, finding(kind, entry.origin, reason, entry.node, related, via=entry.via))


def _verb(action):
    return {'ACCEPT': 'accepts', 'DROP': 'drops', 'REJECT': 'rejects'}.get(action, action)


def _sort_key(item):
    return (_LEVEL_ORDER.get(item['level'], 9), str(item.get('node') or ''), item.get('vmid') or 0, str(item.get('group') or ''),
            -1 if item.get('position') is None else item['position'], item['kind'])


def lint(firewalls):
    """Findings for ``{node: PveFirewall}`` (see the module docstring)."""
    return Linter(firewalls).run()


def counts(findings):
    result = dict((kind, 0) for kind in KINDS)
    for item in findings:
        result[item['kind']] += 1
    return result
