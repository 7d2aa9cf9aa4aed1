# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: PAN-OS objects (addresses, services, applications) as match sets.

Matching is three-valued: ``YES``, ``NO`` or ``MAYBE``. ``MAYBE`` carries a reason and means the
configuration alone cannot settle it (an FQDN or an external dynamic list, a field the flow does
not give, an application whose default ports we do not know). The evaluator never turns a
``MAYBE`` into a match silently: it reports it.
"""

from __future__ import annotations

import re

try:
    import netaddr
    HAS_NETADDR = True
    IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the controller
    netaddr = None
    HAS_NETADDR = False
    IMPORT_ERROR = exc

YES = 'yes'
NO = 'no'
MAYBE = 'maybe'

ANY = 'any'
APPLICATION_DEFAULT = 'application-default'

PROTOCOL_NUMBERS = {'icmp': 1, 'tcp': 6, 'udp': 17, 'icmp6': 58, 'ipv6-icmp': 58, 'sctp': 132}
PORT_PROTOCOLS = ('tcp', 'udp', 'sctp')

# Predefined service objects of every PAN-OS firewall.
PREDEFINED_SERVICES = {
    'service-http': [('tcp', [(80, 80), (8080, 8080)], None)],
    'service-https': [('tcp', [(443, 443)], None)],
}

# The default ports of a few common App-IDs (what ``application-default`` allows for them).
# Deliberately short: for any other application the evaluator says it does not know.
APP_DEFAULT_PORTS = {
    'web-browsing': [('tcp', [(80, 80)])],
    'ssl': [('tcp', [(443, 443)])],
    'ssh': [('tcp', [(22, 22)])],
    'dns': [('tcp', [(53, 53)]), ('udp', [(53, 53)])],
    'ntp': [('udp', [(123, 123)])],
    'ping': [('icmp', None), ('icmp6', None)],
    'icmp': [('icmp', None)],
    'ipv6-icmp': [('icmp6', None)],
}

# When a flow names no application, the App-ID a well-known port most likely carries.
APP_BY_PORT = {
    ('tcp', 80): 'web-browsing',
    ('tcp', 443): 'ssl',
    ('tcp', 22): 'ssh',
    ('tcp', 53): 'dns',
    ('udp', 53): 'dns',
    ('udp', 123): 'ntp',
}

_REGION = re.compile(r'^[A-Z]{2}$')
_PORT_RANGE = re.compile(r'^(\d+)(?:-(\d+))?$')


class ObjectError(ValueError):
    """An object definition that cannot be read."""


def require_netaddr():
    if not HAS_NETADDR:
        raise ObjectError('the Python library netaddr is required by the PAN-OS policy evaluator: %s' % IMPORT_ERROR)


def parse_ports(text):
    """'80,443,1000-2000' -> [(80, 80), (443, 443), (1000, 2000)]."""
    ranges = []
    for part in (text or '').split(','):
        part = part.strip()
        if not part:
            continue
        found = _PORT_RANGE.match(part)
        if not found:
            raise ObjectError('invalid port %r' % part)
        low = int(found.group(1))
        high = int(found.group(2)) if found.group(2) else low
        if low > high or high > 65535:
            raise ObjectError('invalid port range %r' % part)
        ranges.append((low, high))
    return ranges


def in_ranges(port, ranges):
    return any(low <= port <= high for low, high in ranges)


def ip_address(text):
    """A netaddr IPAddress for ``text`` or None when it is not a plain address."""
    try:
        return netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def literal_network(text):
    """IPSet of an address literal (IP, CIDR or 'a-b' range) or None when ``text`` is not one."""
    text = (text or '').strip()
    if not text or not (text[0].isdigit() or ':' in text):
        return None
    try:
        if '-' in text:
            first, last = text.split('-', 1)
            return netaddr.IPSet(netaddr.IPRange(first.strip(), last.strip()))
        return netaddr.IPSet([netaddr.IPNetwork(text)])
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def wildcard(text):
    """'10.1.0.5/0.0.255.0' -> (value, care mask) on 32-bit integers; 1 bits of the wildcard are ignored."""
    try:
        base, mask = text.split('/', 1)
        wild = int(netaddr.IPAddress(mask.strip(), 4))
        care = 0xFFFFFFFF ^ wild
        return int(netaddr.IPAddress(base.strip(), 4)) & care, care
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ObjectError('invalid ip-wildcard %r' % text)


class AddressSet(object):
    """What a list of address members stands for: known addresses plus members that cannot be known."""

    def __init__(self):
        self.is_any = False
        self.ipset = netaddr.IPSet()
        self.wildcards = []
        self.unknown = []

    def match(self, address, what):
        """Tri-state match of one address (a netaddr IPAddress or None when the flow gives none)."""
        if self.is_any:
            return YES, None
        if address is None:
            return MAYBE, 'the flow gives no %s address and the rule restricts it' % what
        if address in self.ipset:
            return YES, None
        if address.version == 4 and any(int(address) & care == value for value, care in self.wildcards):
            return YES, None
        if self.unknown:
            return MAYBE, '%s %s' % (what, '; '.join(self.unknown))
        return NO, None

    def first_host(self):
        """The first address of the set, or None."""
        for cidr in self.ipset.iter_cidrs():
            return cidr.ip if cidr.size == 1 else cidr[0]
        return None

    def size(self):
        return self.ipset.size


class ServiceSet(object):
    """Protocol and port entries of a list of services; ``any`` and ``application-default`` are flags."""

    def __init__(self):
        self.is_any = False
        self.app_default = False
        self.entries = []
        self.unknown = []

    def match(self, proto, dport, sport):
        """Tri-state match of the flow's protocol and ports against the explicit service entries."""
        if self.is_any:
            return YES, None
        if not self.entries and not self.unknown:
            return NO, None
        if proto is None:
            return MAYBE, 'the flow gives no protocol and the rule restricts services'
        state, reason = NO, None
        for entry_proto, dports, sports in self.entries:
            if entry_proto != proto:
                continue
            if dport is None:
                state, reason = MAYBE, 'the flow gives no destination port and the rule restricts it'
                continue
            if not in_ranges(dport, dports):
                continue
            if sports:
                if sport is None:
                    state, reason = MAYBE, 'the service restricts the source port and the flow gives none'
                    continue
                if not in_ranges(sport, sports):
                    continue
            return YES, None
        if state == NO and self.unknown:
            return MAYBE, 'service %s' % '; '.join(self.unknown)
        return state, reason


class ApplicationSet(object):
    """Application names of a rule (groups expanded); filters and unknown names make MAYBE."""

    def __init__(self):
        self.is_any = False
        self.names = set()
        self.unknown = []

    def match(self, application):
        if self.is_any:
            return YES, None
        if application is None:
            return MAYBE, 'the flow names no application and the rule allows only %s' % ', '.join(sorted(self.names) or self.unknown)
        if application in self.names:
            return YES, None
        if self.unknown:
            return MAYBE, 'application %s' % '; '.join(self.unknown)
        return NO, None


def _members(node, path):
    found = node.find(path) if node is not None else None
    if found is None:
        return []
    return [(m.text or '').strip() for m in found.findall('member') if (m.text or '').strip()]


def _entries(container):
    if container is None:
        return {}
    return dict((e.get('name'), e) for e in container.findall('entry') if e.get('name'))


class ObjectBook(object):
    """Resolves object names of one vsys (vsys objects first, then shared ones) into match sets."""

    def __init__(self, vsys_node, shared_node):
        require_netaddr()
        scopes = [node for node in (vsys_node, shared_node) if node is not None]
        self.addresses = self._merge(scopes, 'address')
        self.address_groups = self._merge(scopes, 'address-group')
        self.services = self._merge(scopes, 'service')
        self.service_groups = self._merge(scopes, 'service-group')
        self.applications = self._merge(scopes, 'application')
        self.application_groups = self._merge(scopes, 'application-group')
        self.application_filters = self._merge(scopes, 'application-filter')
        self.external_lists = self._merge(scopes, 'external-list')
        self.regions = self._merge(scopes, 'region')
        self.edl_urls = set()
        for entry in self.external_lists.values():
            url = entry.findtext('type/predefined-ip/url')
            if url:
                self.edl_urls.add(url.strip())
        self._address_cache = {}

    @staticmethod
    def _merge(scopes, tag):
        merged = {}
        for scope in reversed(scopes):
            merged.update(_entries(scope.find(tag)))
        return merged

    # -- addresses -------------------------------------------------------------------------------
    def address_set(self, members):
        """AddressSet for a rule's member list; an empty list or 'any' is any."""
        key = tuple(members)
        cached = self._address_cache.get(key)
        if cached is not None:
            return cached
        result = AddressSet()
        if not members or ANY in members:
            result.is_any = True
        else:
            for name in members:
                self._add_address(result, name, set())
        self._address_cache[key] = result
        return result

    def _add_address(self, result, name, seen):
        if name in seen:
            return
        seen.add(name)
        entry = self.addresses.get(name)
        if entry is not None:
            self._add_address_entry(result, name, entry)
            return
        group = self.address_groups.get(name)
        if group is not None:
            if group.find('dynamic') is not None:
                result.unknown.append('%s is a dynamic address group (members known only on the device)' % name)
            for member in _members(group, 'static'):
                self._add_address(result, member, seen)
            return
        literal = literal_network(name)
        if literal is not None:
            result.ipset |= literal
            return
        if name in self.external_lists or name in self.edl_urls or name.startswith('panw-'):
            result.unknown.append('%s is an external dynamic list (contents unknown offline)' % name)
        elif name in self.regions or _REGION.match(name):
            result.unknown.append('%s is a region (geolocation unknown offline)' % name)
        else:
            result.unknown.append('%s is not defined' % name)

    def _add_address_entry(self, result, name, entry):
        netmask = entry.findtext('ip-netmask')
        ip_range = entry.findtext('ip-range')
        ip_wildcard = entry.findtext('ip-wildcard')
        fqdn = entry.findtext('fqdn')
        if netmask:
            literal = literal_network(netmask.strip())
            if literal is None:
                raise ObjectError('address %s has an invalid ip-netmask %r' % (name, netmask))
            result.ipset |= literal
        elif ip_range:
            literal = literal_network(ip_range.strip())
            if literal is None:
                raise ObjectError('address %s has an invalid ip-range %r' % (name, ip_range))
            result.ipset |= literal
        elif ip_wildcard:
            result.wildcards.append(wildcard(ip_wildcard.strip()))
        elif fqdn:
            result.unknown.append('%s is the FQDN %s (resolved only on the device)' % (name, fqdn.strip()))
        else:
            result.unknown.append('%s has no address' % name)

    def resolve_host(self, name):
        """(IPAddress or None, note) for a translated address: a literal or an object name."""
        text = (name or '').strip()
        if '/' in text and literal_network(text) is not None and '-' not in text:
            return netaddr.IPNetwork(text).ip, None
        found = self.address_set([text])
        host = found.first_host()
        if host is None:
            return None, '; '.join(found.unknown) or '%s holds no address' % text
        note = None
        if found.size() > 1:
            note = '%s holds %d addresses; the first, %s, was used' % (text, found.size(), host)
        return host, note

    def interface_network(self, name):
        """IPNetwork (address and prefix) of an interface address given literally or as an address object."""
        text = (name or '').strip()
        entry = self.addresses.get(text)
        if entry is not None:
            text = (entry.findtext('ip-netmask') or '').strip()
        try:
            return netaddr.IPNetwork(text)
        except (netaddr.AddrFormatError, ValueError, TypeError):
            return None

    # -- services --------------------------------------------------------------------------------
    def service_set(self, members):
        result = ServiceSet()
        if not members or ANY in members:
            result.is_any = True
            return result
        for name in members:
            if name == APPLICATION_DEFAULT:
                result.app_default = True
            else:
                self._add_service(result, name, set())
        return result

    def _add_service(self, result, name, seen):
        if name in seen:
            return
        seen.add(name)
        entry = self.services.get(name)
        if entry is not None:
            for proto in PORT_PROTOCOLS:
                node = entry.find('protocol/%s' % proto)
                if node is not None:
                    dports = parse_ports(node.findtext('port'))
                    sports = parse_ports(node.findtext('source-port')) or None
                    result.entries.append((proto, dports, sports))
            return
        group = self.service_groups.get(name)
        if group is not None:
            for member in _members(group, 'members'):
                self._add_service(result, member, seen)
            return
        if name in PREDEFINED_SERVICES:
            result.entries.extend(PREDEFINED_SERVICES[name])
            return
        result.unknown.append('%s is not defined' % name)

    # -- applications ----------------------------------------------------------------------------
    def application_set(self, members):
        result = ApplicationSet()
        if not members or ANY in members:
            result.is_any = True
            return result
        for name in members:
            self._add_application(result, name, set())
        return result

    def _add_application(self, result, name, seen):
        if name in seen:
            return
        seen.add(name)
        group = self.application_groups.get(name)
        if group is not None:
            for member in _members(group, 'members') or [(m.text or '').strip() for m in group.findall('member')]:
                self._add_application(result, member, seen)
            return
        if name in self.application_filters:
            result.unknown.append('%s is an application filter (its applications are known only on the device)' % name)
            return
        result.names.add(name)

    def default_ports(self, application):
        """[(proto, port ranges or None)] that application-default allows for ``application``, or None if unknown."""
        entry = self.applications.get(application)
        if entry is not None:
            return self._custom_default_ports(entry)
        return APP_DEFAULT_PORTS.get(application)

    @staticmethod
    def _custom_default_ports(entry):
        ports = []
        for member in _members(entry, 'default/port'):
            proto, _sep, spec = member.partition('/')
            proto = proto.strip().lower()
            if spec.strip() in ('', 'dynamic'):
                return None
            ports.append((proto, parse_ports(spec)))
        ident = entry.findtext('default/ident-by-ip-protocol')
        if ident:
            for number in ident.split(','):
                ports.append(('ip:%s' % number.strip(), None))
        icmp = entry.find('default/ident-by-icmp-type')
        if icmp is not None:
            ports.append(('icmp', None))
        return ports or None


def app_default_match(book, application, proto, dport):
    """Tri-state: does application-default allow ``application`` on (proto, dport)?"""
    if application is None:
        return MAYBE, 'service application-default and the flow names no application'
    ports = book.default_ports(application)
    if ports is None:
        return MAYBE, 'unknown: application-default (default ports of %s are not known offline)' % application
    if proto is None:
        return MAYBE, 'service application-default and the flow gives no protocol'
    number = PROTOCOL_NUMBERS.get(proto)
    for app_proto, ranges in ports:
        if app_proto.startswith('ip:'):
            if number is not None and app_proto[3:] == str(number):
                return YES, None
            continue
        if app_proto != proto:
            continue
        if ranges is None:
            return YES, None
        if dport is None:
            return MAYBE, 'service application-default and the flow gives no destination port'
        if in_ranges(dport, ranges):
            return YES, None
    return NO, None


def infer_application(proto, dport):
    """The App-ID a well-known port most likely carries, or None."""
    if proto in ('icmp', 'icmp6'):
        return 'ping'
    return APP_BY_PORT.get((proto, dport))
