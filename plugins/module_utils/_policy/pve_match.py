# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: packet fields and match predicates for the PVE evaluator.

Everything here works on integers prepared once: addresses are (first, last) integer ranges made
with netaddr, ports are integers, protocols are IANA numbers. A compiled rule is a chain of the
small predicates below, each a closure over its constants.
"""

from __future__ import annotations

import operator
import re

try:
    import netaddr
    HAS_NETADDR = True
    IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the controller
    netaddr = None
    HAS_NETADDR = False
    IMPORT_ERROR = exc

# ICMP type names accepted by iptables (and PVE): name -> (type, code or None); 'any' matches all.
ICMP_TYPES = {
    'any': None, 'echo-reply': (0, None), 'destination-unreachable': (3, None),
    'network-unreachable': (3, 0), 'host-unreachable': (3, 1), 'protocol-unreachable': (3, 2),
    'port-unreachable': (3, 3), 'fragmentation-needed': (3, 4), 'source-route-failed': (3, 5),
    'network-unknown': (3, 6), 'host-unknown': (3, 7), 'network-prohibited': (3, 9),
    'host-prohibited': (3, 10), 'TOS-network-unreachable': (3, 11), 'TOS-host-unreachable': (3, 12),
    'communication-prohibited': (3, 13), 'host-precedence-violation': (3, 14), 'precedence-cutoff': (3, 15),
    'source-quench': (4, None), 'redirect': (5, None), 'network-redirect': (5, 0), 'host-redirect': (5, 1),
    'TOS-network-redirect': (5, 2), 'TOS-host-redirect': (5, 3), 'echo-request': (8, None),
    'router-advertisement': (9, None), 'router-solicitation': (10, None), 'time-exceeded': (11, None),
    'ttl-zero-during-transit': (11, 0), 'ttl-zero-during-reassembly': (11, 1), 'parameter-problem': (12, None),
    'ip-header-bad': (12, 0), 'required-option-missing': (12, 1), 'timestamp-request': (13, None),
    'timestamp-reply': (14, None), 'address-mask-request': (17, None), 'address-mask-reply': (18, None),
}
ICMPV6_TYPES = {
    'destination-unreachable': (1, None), 'no-route': (1, 0), 'communication-prohibited': (1, 1),
    'beyond-scope': (1, 2), 'address-unreachable': (1, 3), 'port-unreachable': (1, 4),
    'failed-policy': (1, 5), 'reject-route': (1, 6), 'packet-too-big': (2, None), 'time-exceeded': (3, None),
    'ttl-zero-during-transit': (3, 0), 'ttl-zero-during-reassembly': (3, 1), 'parameter-problem': (4, None),
    'bad-header': (4, 0), 'unknown-header-type': (4, 1), 'unknown-option': (4, 2),
    'echo-request': (128, None), 'echo-reply': (129, None), 'router-solicitation': (133, None),
    'router-advertisement': (134, None), 'neighbor-solicitation': (135, None),
    'neighbour-solicitation': (135, None), 'neighbor-advertisement': (136, None),
    'neighbour-advertisement': (136, None), 'redirect': (137, None),
}

# The /etc/protocols names PVE validates against (Debian netbase), plus PVE's own 'icmpv6'.
PROTOCOLS = {
    'ip': 0, 'hopopt': 0, 'icmp': 1, 'igmp': 2, 'ggp': 3, 'ipencap': 4, 'st': 5, 'tcp': 6, 'egp': 8,
    'igp': 9, 'pup': 12, 'udp': 17, 'hmp': 20, 'xns-idp': 22, 'rdp': 27, 'iso-tp4': 29, 'dccp': 33,
    'xtp': 36, 'ddp': 37, 'idpr-cmtp': 38, 'ipv6': 41, 'ipv6-route': 43, 'ipv6-frag': 44, 'idrp': 45,
    'rsvp': 46, 'gre': 47, 'esp': 50, 'ah': 51, 'skip': 57, 'ipv6-icmp': 58, 'icmpv6': 58,
    'ipv6-nonxt': 59, 'ipv6-opts': 60, 'rspf': 73, 'vmtp': 81, 'eigrp': 88, 'ospf': 89, 'ax.25': 93,
    'ipip': 94, 'etherip': 97, 'encap': 98, 'pim': 103, 'ipcomp': 108, 'vrrp': 112, 'l2tp': 115,
    'isis': 124, 'sctp': 132, 'fc': 133, 'mobility-header': 135, 'udplite': 136, 'mpls-in-ip': 137,
    'manet': 138, 'hip': 139, 'shim6': 140, 'wesp': 141, 'rohc': 142, 'ethernet': 143,
}
PROTOCOL_IDS = frozenset(str(num) for name, num in PROTOCOLS.items() if name != 'icmpv6')
PROTOCOLS_WITH_PORTS = frozenset(('udp', '17', 'udplite', '136', 'tcp', '6', 'dccp', '33', 'sctp', '132'))
ICMP_PROTOCOLS = frozenset(('icmp', 'icmpv6', 'ipv6-icmp'))

# Common /etc/services names; callers can pass their own table.
SERVICES = {
    'ftp-data': 20, 'ftp': 21, 'ssh': 22, 'telnet': 23, 'smtp': 25, 'time': 37, 'whois': 43, 'tacacs': 49,
    'domain': 53, 'bootps': 67, 'bootpc': 68, 'tftp': 69, 'gopher': 70, 'finger': 79, 'http': 80,
    'kerberos': 88, 'pop3': 110, 'sunrpc': 111, 'auth': 113, 'nntp': 119, 'ntp': 123, 'epmap': 135,
    'netbios-ns': 137, 'netbios-dgm': 138, 'netbios-ssn': 139, 'imap2': 143, 'snmp': 161, 'snmp-trap': 162,
    'bgp': 179, 'irc': 194, 'ldap': 389, 'https': 443, 'microsoft-ds': 445, 'kpasswd': 464,
    'submissions': 465, 'isakmp': 500, 'syslog': 514, 'printer': 515, 'submission': 587, 'ipp': 631,
    'ldaps': 636, 'rsync': 873, 'ftps-data': 989, 'ftps': 990, 'telnets': 992, 'imaps': 993,
    'pop3s': 995, 'socks': 1080, 'openvpn': 1194, 'ms-sql-s': 1433, 'ms-sql-m': 1434, 'l2f': 1701,
    'pptp': 1723, 'radius': 1812, 'radius-acct': 1813, 'nfs': 2049, 'cvspserver': 2401, 'squid': 3128,
    'mysql': 3306, 'ms-wbt-server': 3389, 'svn': 3690, 'ipsec-nat-t': 4500, 'sip': 5060, 'sip-tls': 5061,
    'xmpp-client': 5222, 'xmpp-server': 5269, 'postgresql': 5432, 'x11': 6000, 'ircd': 6667,
    'http-alt': 8080, 'git': 9418, 'zabbix-agent': 10050, 'zabbix-trapper': 10051,
}

_PERL_SPLIT_TRAILING = re.compile(r',+$')


class MatchError(ValueError):
    """A rule part that PVE refuses, with PVE's message."""


def require_netaddr():
    if not HAS_NETADDR:
        raise MatchError('the Python library netaddr is required by the PVE firewall evaluator: %s' % IMPORT_ERROR)


def perl_split_commas(text):
    """Split like Perl's split(/,/): trailing empty fields are dropped."""
    return _PERL_SPLIT_TRAILING.sub('', text).split(',') if text else []


def proto_number(proto):
    """IANA number of a protocol name or number string, or None when unknown."""
    if proto is None:
        return None
    text = str(proto).lower()
    if text.isdigit():
        return int(text)
    return PROTOCOLS.get(text)


def is_known_protocol(proto):
    return proto in PROTOCOLS or proto in PROTOCOL_IDS


def check_port_spec(spec, dport_icmp, services):
    """Validate a port list as PVE does; return True when it has several elements (multiport)."""
    elements = perl_split_commas(spec)
    if spec != ','.join(elements):
        raise MatchError('extraneous commas in list')
    count = 0
    icmp_port = False
    for item in elements:
        match = re.match(r'^([0-9]+):([0-9]+)$', item)
        if match:
            count += 2
            low, high = int(match.group(1)), int(match.group(2))
            for port in (low, high):
                if port > 65535:
                    raise MatchError("invalid port '%s'" % port)
            if low > high:
                raise MatchError("backwards range '%s:%s' not allowed, did you mean '%s:%s'?" % (low, high, high, low))
        elif re.match(r'^[0-9]+$', item):
            count += 1
            if int(item) > 65535:
                raise MatchError("invalid port '%s'" % item)
        elif dport_icmp and (item in ICMP_TYPES or item in ICMPV6_TYPES):
            icmp_port = True
        elif item not in services:
            raise MatchError("invalid port '%s'" % item)
    if icmp_port and count > 0:
        raise MatchError('ICMP ports not allowed in port range')
    if count > 15:
        raise MatchError('too many entries in port list (> 15 numbers)')
    return len(elements) > 1


def port_ranges(spec, services):
    """Integer (low, high) ranges of a validated port list."""
    ranges = []
    for item in perl_split_commas(str(spec)):
        if ':' in item:
            low, high = item.split(':', 1)
            ranges.append((int(low), int(high)))
        elif item.isdigit():
            ranges.append((int(item), int(item)))
        else:
            port = services[item]
            ranges.append((port, port))
    return tuple(ranges)


def icmp_spec(value, version):
    """(type, code) for an ICMP type name or number; None means any. Raise MatchError when unknown."""
    text = str(value)
    if text.isdigit():
        if int(text) > 255:
            raise MatchError("invalid icmp-type '%s'" % text)
        return (int(text), None)
    table = ICMP_TYPES if version == 4 else ICMPV6_TYPES
    if text not in table:
        raise MatchError("unknown icmp-type '%s'" % text)
    return table[text]


def _parse_ip(text):
    return netaddr.IPAddress(text, flags=netaddr.INET_PTON)


def address_element(elem):
    """(version, first, last) of one rule address element with Net::IP strictness (clean prefixes)."""
    require_netaddr()
    try:
        if '-' in elem:
            low, high = elem.split('-', 1)
            low, high = _parse_ip(low.strip()), _parse_ip(high.strip())
            if low.version != high.version or int(low) > int(high):
                raise MatchError("invalid IP address: bad range '%s'" % elem)
            return low.version, int(low), int(high)
        if '/' in elem:
            addr, plen = elem.split('/', 1)
            ip = _parse_ip(addr)
            if not plen.isdigit():
                raise MatchError("invalid IP address: bad prefix '%s'" % elem)
            net = netaddr.IPNetwork('%s/%s' % (ip, plen))
            if net.ip != net.network:
                raise MatchError("invalid IP address: invalid prefix '%s'" % elem)
            return net.version, net.first, net.last
        ip = _parse_ip(elem)
        return ip.version, int(ip), int(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        if isinstance(exc, MatchError):
            raise
        raise MatchError("invalid IP address: '%s'" % elem)


def cidr_range(cidr):
    """(version, first, last, prefixlen) of a stored CIDR or address; host bits are ignored like ipset does."""
    require_netaddr()
    try:
        net = netaddr.IPNetwork(cidr)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise MatchError("invalid IP address or network '%s'" % cidr)
    return net.version, net.first, net.last, net.prefixlen


def packet_address(text):
    """(version, first, last) of a packet address: an IP, or a CIDR meaning 'any address in it'."""
    require_netaddr()
    text = str(text).strip()
    try:
        if '/' in text:
            net = netaddr.IPNetwork(text)
            return net.version, net.first, net.last
        ip = netaddr.IPAddress(text, flags=netaddr.INET_PTON)
        return ip.version, int(ip), int(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise MatchError("invalid packet address '%s'" % text)


def address_type(version, first):
    """Kernel address type of an address for -m addrtype: MULTICAST, BROADCAST or UNICAST."""
    if version == 4:
        if 0xE0000000 <= first <= 0xEFFFFFFF:
            return 'MULTICAST'
        if first == 0xFFFFFFFF:
            return 'BROADCAST'
        return 'UNICAST'
    if first >> 120 == 0xFF:
        return 'MULTICAST'
    return 'UNICAST'


class IpSet(object):
    """A hash:net ipset: the most specific entry containing an address decides; nomatch entries exclude.

    Entries are ``(version, first, last, prefixlen, nomatch, text)``; ``text`` is the address as PVE
    writes it into the set. ``simulator_contains`` answers like PVE's simulator, which takes the
    first overlapping entry in text order; where the simulator cannot answer (it fails on nomatch
    entries and on networks with host bits set) the kernel's answer is used.
    """

    __slots__ = ('name', 'entries', 'ordered')

    def __init__(self, name, entries):
        self.name = name
        self.entries = {4: [], 6: []}
        self.ordered = {4: [], 6: []}
        for entry in sorted(entries, key=lambda item: -item[3]):
            self.entries[entry[0]].append((entry[1], entry[2], bool(entry[4])))
        for entry in sorted(entries, key=lambda item: item[5]):
            fails = bool(entry[4]) or not _clean_prefix(entry[5])
            self.ordered[entry[0]].append((entry[1], entry[2], fails))

    def contains(self, version, first, last):
        entries = self.entries.get(version, ())
        if first == last:
            for low, high, nomatch in entries:
                if low <= first <= high:
                    return not nomatch
            return False
        for low, high, nomatch in entries:
            if not nomatch and low <= last and first <= high:
                return True
        return False

    def simulator_contains(self, version, first, last):
        for low, high, fails in self.ordered.get(version, ()):
            if fails:
                return self.contains(version, first, last)
            if low <= last and first <= high:
                return True
        return False


def _clean_prefix(text):
    if '/' not in text:
        return True
    try:
        net = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return False
    return net.ip == net.network


def ipset_text(version, cidr):
    """The address text PVE puts into an ipset (/32 and /128 dropped, IPv6 compressed and lower case)."""
    addr, sep, plen = cidr.partition('/')
    if version == 6:
        addr = str(netaddr.IPAddress(addr)).lower()
        text = addr + sep + plen
        return text[:-4] if text.endswith('/128') else text
    return cidr[:-3] if cidr.endswith('/32') else cidr


class Packet(object):
    """One packet on its way through the chains; interface fields change per hop."""

    __slots__ = ('version', 'src', 'dst', 'proto', 'sport', 'dport', 'icmp', 'icmp_text', 'srctype', 'dsttype',
                 'state', 'syn', 'iface_in', 'iface_out', 'physdev_in', 'physdev_out', 'mac', 'mark')

    def __init__(self):
        for name in self.__slots__:
            setattr(self, name, None)
        self.mark = 0


# -- predicates: each returns a closure pkt -> bool ------------------------------------------------

def p_proto(number):
    return lambda pkt: pkt.proto == number


def p_ports(attr, ranges):
    get = operator.attrgetter(attr)
    if len(ranges) == 1:
        low, high = ranges[0]
        if attr == 'dport':
            return lambda pkt: pkt.dport is not None and low <= pkt.dport <= high
        return lambda pkt: pkt.sport is not None and low <= pkt.sport <= high

    def match(pkt):
        port = get(pkt)
        if port is None:
            return False
        for low, high in ranges:
            if low <= port <= high:
                return True
        return False
    return match


def p_addr(attr, ranges):
    """Packet address (first, last) overlaps one of the (first, last) ranges (Net::IP overlap, like the simulator)."""
    get = operator.attrgetter(attr)
    if len(ranges) == 1:
        low, high = ranges[0]

        def match_one(pkt):
            first, last = get(pkt)
            return first <= high and low <= last
        return match_one

    def match(pkt):
        first, last = get(pkt)
        for low, high in ranges:
            if first <= high and low <= last:
                return True
        return False
    return match


def p_ipset(attr, ipset, negate=False, simulator=False):
    contains = ipset.simulator_contains if simulator else ipset.contains
    get = operator.attrgetter(attr)

    def match(pkt):
        first, last = get(pkt)
        return contains(pkt.version, first, last) != negate
    return match


def p_icmp(spec, text, exact_names):
    """ICMP type match. ``exact_names`` compares the written type with the packet's text (the simulator's way)."""
    if exact_names:
        return lambda pkt: pkt.icmp_text is not None and pkt.icmp_text == text
    if spec is None:
        return lambda pkt: True
    rtype, rcode = spec

    def match(pkt):
        if pkt.icmp is None:
            return False
        if rcode is None:
            return pkt.icmp[0] == rtype
        return pkt.icmp == (rtype, rcode)
    return match


def p_ctstate(states):
    states = frozenset(states)
    return lambda pkt: pkt.state in states


def p_value(attr, value):
    get = operator.attrgetter(attr)
    return lambda pkt: get(pkt) == value


def p_dev(attr, pattern):
    """Interface match; a trailing '+' is a prefix wildcard, as in iptables."""
    get = operator.attrgetter(attr)
    if pattern.endswith('+'):
        prefix = pattern[:-1]

        def match(pkt):
            dev = get(pkt)
            return dev is not None and dev.startswith(prefix)
        return match
    return lambda pkt: get(pkt) == pattern


def p_mac_not(mac):
    mac = mac.lower()
    return lambda pkt: (pkt.mac or '').lower() != mac


def p_mark(value, mask):
    return lambda pkt: (pkt.mark & mask) == value


def p_tcp_not_syn():
    return lambda pkt: pkt.proto == 6 and not pkt.syn


def p_tcp_syn_sport0():
    return lambda pkt: pkt.proto == 6 and bool(pkt.syn) and pkt.sport == 0


def combine(preds):
    """One closure for all predicates (None when there is nothing to check)."""
    preds = tuple(pred for pred in preds if pred is not None)
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        first, second = preds
        return lambda pkt: first(pkt) and second(pkt)
    if len(preds) == 3:
        first, second, third = preds
        return lambda pkt: first(pkt) and second(pkt) and third(pkt)

    def match(pkt):
        for pred in preds:
            if not pred(pkt):
                return False
        return True
    return match
