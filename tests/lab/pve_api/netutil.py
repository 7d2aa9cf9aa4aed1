# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Address, port and protocol checks with the outcomes (and, where it matters, the texts) of PVE.

PVE validates with Perl regexes plus Net::IP; here the standard library's ``ipaddress`` decides
validity and the messages follow what Net::IP reports for the common mistakes (host bits set,
prefix too long, reversed range). Rare Net::IP spellings (``10/8``, ``a + n``) are not accepted.
"""

import functools
import ipaddress
import re

# Names of /etc/protocols on a Debian-based PVE node (netbase), plus the special 'icmpv6'.
PROTOCOLS = {
    'ip': 0, 'hopopt': 0, 'icmp': 1, 'igmp': 2, 'ggp': 3, 'ipencap': 4, 'st': 5, 'tcp': 6, 'egp': 8, 'igp': 9,
    'pup': 12, 'udp': 17, 'hmp': 20, 'xns-idp': 22, 'rdp': 27, 'iso-tp4': 29, 'dccp': 33, 'xtp': 36, 'ddp': 37,
    'idpr-cmtp': 38, 'ipv6': 41, 'ipv6-route': 43, 'ipv6-frag': 44, 'idrp': 45, 'rsvp': 46, 'gre': 47, 'esp': 50,
    'ah': 51, 'skip': 57, 'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, 'rspf': 73, 'vmtp': 81, 'eigrp': 88,
    'ospf': 89, 'ax.25': 93, 'ipip': 94, 'etherip': 97, 'encap': 98, 'pim': 103, 'ipcomp': 108, 'vrrp': 112,
    'l2tp': 115, 'isis': 124, 'sctp': 132, 'fc': 133, 'mobility-header': 135, 'udplite': 136, 'mpls-in-ip': 137,
    'manet': 138, 'hip': 139, 'shim6': 140, 'wesp': 141, 'rohc': 142, 'ethernet': 143, 'mptcp': 262,
}
PROTOCOL_IDS = {str(number) for number in PROTOCOLS.values()}
PROTOCOLS_WITH_PORTS = {'udp', '17', 'udplite', '136', 'tcp', '6', 'dccp', '33', 'sctp', '132'}
ICMP_PROTOCOLS = ('icmp', 'icmpv6', 'ipv6-icmp')

# A common subset of /etc/services names (tcp, udp or sctp), enough for rules people write.
SERVICES = frozenset('''
    tcpmux echo discard systat daytime netstat qotd chargen ftp-data ftp ssh telnet smtp time whois tacacs
    domain gopher finger http kerberos iso-tsap pop3 sunrpc auth nntp ntp epmap netbios-ns netbios-dgm
    netbios-ssn imap2 snmp snmp-trap bgp irc ldap https microsoft-ds kpasswd submissions isakmp syslog
    printer talk ntalk route uucp nntps submission ldaps rsync ftps-data ftps telnets imaps pop3s socks
    openvpn ms-sql-s ms-sql-m ingreslock wins l2f radius radius-acct nfs gnunet rtcm-sc104 gsigatekeeper
    gris cvspserver venus venus-se codasrv codasrv-se mysql rfe postgresql svn sip sip-tls xmpp-client
    xmpp-server cfengine mdns x11 x11-1 x11-2 x11-3 x11-4 x11-5 x11-6 x11-7 gnutella-svc gnutella-rtr
    redis sge-qmaster sge-execd mysql-proxy afs3-fileserver afs3-callback bacula-dir bacula-fd bacula-sd
    amanda kamanda amandaidx amidxtape zabbix-agent zabbix-trapper tftp bootps bootpc dhcpv6-client
    dhcpv6-server webmin git hkp http-alt iax puppet munin spamd mtp iprop dicom nut domain-s
'''.split())

ICMP_TYPES = frozenset('''
    any echo-reply destination-unreachable network-unreachable host-unreachable protocol-unreachable
    port-unreachable fragmentation-needed source-route-failed network-unknown host-unknown
    network-prohibited host-prohibited TOS-network-unreachable TOS-host-unreachable communication-prohibited
    host-precedence-violation precedence-cutoff source-quench redirect network-redirect host-redirect
    TOS-network-redirect TOS-host-redirect echo-request router-advertisement router-solicitation
    time-exceeded ttl-zero-during-transit ttl-zero-during-reassembly parameter-problem ip-header-bad
    required-option-missing timestamp-request timestamp-reply address-mask-request address-mask-reply
'''.split())

ICMPV6_TYPES = frozenset('''
    destination-unreachable no-route communication-prohibited beyond-scope address-unreachable
    port-unreachable failed-policy reject-route packet-too-big time-exceeded ttl-zero-during-transit
    ttl-zero-during-reassembly parameter-problem bad-header unknown-header-type unknown-option echo-request
    echo-reply router-solicitation router-advertisement neighbor-solicitation neighbour-solicitation
    neighbor-advertisement neighbour-advertisement redirect
'''.split())

CONNTRACK_HELPERS = ('amanda', 'ftp', 'irc', 'netbios-ns', 'pptp', 'sane', 'sip', 'snmp', 'tftp')

NAME_PATTERN = '[A-Za-z][A-Za-z0-9\\-\\_]+'
NAME_RE = re.compile('^%s$' % NAME_PATTERN)
ALIAS_REF_RE = re.compile('^(dc/|guest/)?(%s)$' % NAME_PATTERN)
IPSET_REF_RE = re.compile('^\\+(guest/|dc/|sdn/)?(%s)$' % NAME_PATTERN)
MAX_ALIAS_NAME = 64
MAX_IPSET_NAME = 64
MAX_GROUP_NAME = 18


class AddressError(ValueError):
    """A value that PVE refuses; the text is what PVE would say."""


def _v4(text):
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return None


def _v6(text):
    if '%' in text or not text or text.strip() != text:
        return None
    try:
        return ipaddress.IPv6Address(text)
    except ValueError:
        return None


def ip_version(text):
    """4 or 6 for a plain address, else None."""
    if _v4(text) is not None:
        return 4
    if _v6(text) is not None:
        return 6
    return None


def is_ip_or_cidr_syntax(text):
    """The regex stage of PVE's IPorCIDR check: an address, optionally with /digits."""
    address, _sep, length = text.partition('/')
    if _sep and not length.isdigit():
        return False
    return ip_version(address) is not None


def _binary(address):
    width = 32 if address.version == 4 else 128
    return format(int(address), '0%db' % width)


@functools.lru_cache(maxsize=4096)
def net_ip_check(text):
    """Accept what Net::IP->new accepts (address, prefix with clean host bits, a-b range).

    Returns the IP version; raises AddressError with Net::IP's wording otherwise.
    """
    if '-' in text:
        begin, _sep, end = text.partition('-')
        begin, end = begin.strip(), end.strip()
        first, last = _any_ip(begin), _any_ip(end)
        if first.version != last.version:
            raise AddressError('Begin and End addresses have different IP versions - %s - %s' % (begin, end))
        if int(first) > int(last):
            raise AddressError('Begin address is greater than End address %s - %s' % (begin, end))
        return first.version
    address, sep, length = text.partition('/')
    ip = _any_ip(address)
    if not sep:
        return ip.version
    width = 32 if ip.version == 4 else 128
    if not length.isdigit():
        raise AddressError('Invalid prefix length /%s' % length)
    if int(length) > width:
        raise AddressError('Prefix length %s is longer than IP address (%d)' % (length, width))
    binary = _binary(ip)
    if binary[int(length):].strip('0'):
        raise AddressError('Invalid prefix %s/%s' % (binary, length))
    return ip.version


def _any_ip(text):
    ip = _v4(text) or _v6(text)
    if ip is None:
        if re.match(r'^[\d.]+$', text):
            raise AddressError('Invalid IP address %s' % text)
        raise AddressError('Cannot determine IP version for %s' % text)
    return ip


def clean_cidr(cidr):
    """Clear host bits of a prefix and compress IPv6 (a missing or zero length keeps the text)."""
    address, _sep, length = cidr.partition('/')
    if not length or length == '0' or not length.isdigit():
        return cidr
    version = ip_version(address)
    width = 32 if version == 4 else 128
    bits = min(int(length), width)
    network = ipaddress.ip_network('%s/%d' % (address, bits), strict=False)
    return '%s/%s' % (network.network_address.compressed if version == 6 else str(network.network_address), length)


def verify_ip_or_cidr(text):
    """Format IPorCIDR: raises AddressError with PVE's text."""
    if not is_ip_or_cidr_syntax(text):
        raise AddressError('value does not look like a valid IP address or CIDR network')
    net_ip_check(clean_cidr(text))
    return text


def verify_ip_or_cidr_or_alias(text):
    if ALIAS_REF_RE.match(text):
        return text
    return verify_ip_or_cidr(text)


def parse_ip_or_cidr(text):
    """What the .fw parser does with an address: drop /32 and /128, return (text, version)."""
    address, sep, length = text.partition('/')
    if sep and not length.isdigit():
        raise AddressError('value does not look like a valid IP address or CIDR network')
    version = ip_version(address)
    if version == 6:
        return (text[:-4] if text.endswith('/128') else text), 6
    if version == 4:
        return (text[:-3] if text.endswith('/32') else text), 4
    raise AddressError('value does not look like a valid IP address or CIDR network')


def parse_address_list(text):
    """Format pve-fw-addr-spec: returns the IP version of a literal list, None for references."""
    if text.startswith('+') and re.match(r'^\+\S+$', text):
        if len(text) > MAX_IPSET_NAME + 1:
            raise AddressError('ipset name too long')
        return None
    if ALIAS_REF_RE.match(text):
        if len(text) > MAX_ALIAS_NAME:
            raise AddressError('alias name too long')
        return None
    elements = text.split(',')
    while elements and elements[-1] == '':
        elements.pop()
    if text != ','.join(elements):
        raise AddressError('extraneous commas in list')
    version = None
    has_range = False
    for element in elements:
        try:
            new_version = net_ip_check(element)
        except AddressError as exc:
            raise AddressError('invalid IP address: %s' % exc) from None
        has_range = has_range or '-' in element
        if version and new_version != version:
            raise AddressError("detected mixed ipv4/ipv6 addresses in address list '%s'" % text)
        version = new_version
    if has_range and len(elements) > 1:
        raise AddressError("you can't use a range in a list")
    return version


@functools.lru_cache(maxsize=4096)
def parse_port_spec(text, dport):
    """Formats pve-fw-dport-spec / pve-fw-sport-spec; ICMP type names are legacy dport values."""
    elements = text.split(',')
    while elements and elements[-1] == '':
        elements.pop()
    if text != ','.join(elements):
        raise AddressError('extraneous commas in list')
    count = 0
    icmp_port = False
    for item in elements:
        match = re.match(r'^([0-9]+):([0-9]+)$', item)
        if match:
            count += 2
            first, second = int(match.group(1)), int(match.group(2))
            for port in (match.group(1), match.group(2)):
                if int(port) > 65535:
                    raise AddressError("invalid port '%s'" % port)
            if first > second:
                raise AddressError("backwards range '%s:%s' not allowed, did you mean '%s:%s'?" % (
                    match.group(1), match.group(2), match.group(2), match.group(1)))
        elif re.match(r'^[0-9]+$', item):
            count += 1
            if int(item) > 65535:
                raise AddressError("invalid port '%s'" % item)
        elif dport and (item in ICMP_TYPES or item in ICMPV6_TYPES):
            icmp_port = True
        elif item not in SERVICES:
            raise AddressError("invalid port '%s'" % item)
    if icmp_port and count > 0:
        raise AddressError('ICMP ports not allowed in port range')
    if count > 15:
        raise AddressError('too many entries in port list (> 15 numbers)')
    return len(elements) > 1


def verify_protocol(text):
    if text and text != 'icmpv6' and text not in PROTOCOLS and text not in PROTOCOL_IDS:
        raise AddressError("unknown protocol '%s'" % text)
    return text


def verify_icmp_type(text):
    if text in ICMP_TYPES or text in ICMPV6_TYPES or text == '':
        return text
    raise AddressError("invalid icmp-type value '%s'" % text)


def verify_conntrack_helpers(text):
    helpers = text.split(',')
    while helpers and helpers[-1] == '':
        helpers.pop()
    if text != ','.join(helpers):
        raise AddressError('extraneous commas in list')
    for helper in helpers:
        if helper not in CONNTRACK_HELPERS:
            # PVE's die here has no newline, hence the Perl location suffix.
            raise AddressError('unknown helper %s at /usr/share/perl5/PVE/Firewall.pm line 1167.' % helper)
    return text
