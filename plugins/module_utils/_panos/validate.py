# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: input checks that PAN-OS would otherwise refuse at commit time.

Every check raises :class:`ValidationError` with one sentence that names the field and the value,
before the module writes anything.
"""

from __future__ import annotations

import ipaddress
import re

from ansible.module_utils.six import text_type

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError

# PAN-OS object names: letters, digits, space, hyphen, underscore, period; starting with a letter or digit.
NAME_RE = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9._ -]*[A-Za-z0-9._-])?$')
INTERFACE_RE = re.compile(r'^ethernet([1-9][0-9]*)/([1-9][0-9]*)(?:\.([1-9][0-9]{0,3}))?$')
HOST_RE = re.compile(r'^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$')
PORT_RE = re.compile(r'^[0-9]{1,5}(-[0-9]{1,5})?(,[0-9]{1,5}(-[0-9]{1,5})?)*$')
NAME_LIMITS = {'zone': 31, 'virtual router': 31, 'management profile': 31, 'rule': 63, 'NAT rule': 63, 'address': 63,
               'address group': 63, 'service': 63, 'service group': 63, 'static route': 63, 'tag': 127}


def article(noun):
    return ('an ' if noun[:1].lower() in 'aeiou' else 'a ') + noun


def where(prefix, index, field):
    return '%s[%d].%s' % (prefix, index, field)


def check_name(value, label, kind):
    """A PAN-OS object name of ``kind`` (limits in NAME_LIMITS)."""
    limit = NAME_LIMITS.get(kind, 63)
    if not isinstance(value, text_type) or not value:
        raise ValidationError('%s is missing: every %s needs a name' % (label, kind))
    if len(value) > limit:
        raise ValidationError("%s='%s' is %d characters long: PAN-OS allows at most %d for %s name" % (
            label, value, len(value), limit, article(kind)))
    if not NAME_RE.match(value):
        raise ValidationError("%s='%s' is not a valid %s name: use letters, digits, spaces, hyphens, underscores and "
                              "periods, starting with a letter or digit" % (label, value, kind))


def check_unique(items, prefix, kind, key='name'):
    seen = {}
    for index, item in enumerate(items):
        name = item.get(key)
        if name in seen:
            raise ValidationError("%s='%s' is listed twice (also %s): each %s name must be unique" % (
                where(prefix, index, key), name, where(prefix, seen[name], key), kind))
        seen[name] = index


def interface_parts(name):
    match = INTERFACE_RE.match(name or '')
    if not match:
        return None
    return match.group(1), match.group(2), match.group(3)


def check_interface(value, label):
    if not isinstance(value, text_type) or interface_parts(value) is None:
        raise ValidationError("%s='%s' is not an ethernet interface name: use ethernetX/Y or ethernetX/Y.SUB "
                              "(for example ethernet1/3 or ethernet1/3.10)" % (label, value))


def check_interfaces(values, label):
    for index, value in enumerate(values or []):
        check_interface(value, '%s[%d]' % (label, index))


def interface_cidr(value, label):
    """An IPv4 interface address with prefix length, normalized (10.0.2.1/24)."""
    text = str(value or '')
    try:
        if '/' not in text:
            raise ValueError('no prefix length')
        address = ipaddress.ip_interface(text)
    except ValueError:
        raise ValidationError("%s='%s' is not in CIDR form: give the address with its prefix length, for example "
                              "10.0.2.1/24" % (label, value))
    if address.version != 4:
        raise ValidationError("%s='%s' is an IPv6 address: only IPv4 interface addresses are managed" % (label, value))
    return str(address)


def network_cidr(value, label):
    """A network in CIDR form with no host bits set (0.0.0.0/0, 10.0.2.0/24)."""
    text = str(value or '')
    try:
        if '/' not in text:
            raise ValueError('no prefix length')
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        raise ValidationError("%s='%s' is not a network in CIDR form: give network/prefix with no host bits set, for "
                              "example 0.0.0.0/0 or 10.0.2.0/24" % (label, value))
    return str(network)


def ip_address(value, label):
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        raise ValidationError("%s='%s' is not an IP address" % (label, value))


def address_value(kind, value, label):
    """Check and normalize an address object value of ``kind`` (ip_netmask, ip_range, fqdn, ip_wildcard)."""
    text = str(value)
    if kind == 'ip_netmask':
        try:
            if '/' in text:
                ipaddress.ip_interface(text)
            else:
                ipaddress.ip_address(text)
            return text
        except ValueError:
            raise ValidationError("%s='%s' is not an IP address or network in CIDR form" % (label, value))
    if kind == 'ip_range':
        parts = text.split('-')
        try:
            if len(parts) != 2:
                raise ValueError(text)
            first, last = ipaddress.ip_address(parts[0].strip()), ipaddress.ip_address(parts[1].strip())
            if first.version != last.version or first > last:
                raise ValueError(text)
        except ValueError:
            raise ValidationError("%s='%s' is not an IP range: give first-last, for example 10.0.2.10-10.0.2.20" % (label, value))
        return '%s-%s' % (first, last)
    if kind == 'fqdn':
        if not HOST_RE.match(text):
            raise ValidationError("%s='%s' is not a host name" % (label, value))
        return text
    if '/' not in text:
        raise ValidationError("%s='%s' is not an IP wildcard mask: give address/mask, for example 10.0.0.1/0.0.255.0" % (label, value))
    return text


def check_ports(value, label):
    if value is None:
        return None
    text = str(value).replace(' ', '')
    if not PORT_RE.match(text):
        raise ValidationError("%s='%s' is not a port list: use numbers, ranges and commas, for example 80,443 or 8000-8080" % (label, value))
    for piece in re.split('[,-]', text):
        if not 0 <= int(piece) <= 65535:
            raise ValidationError("%s='%s' holds port %s, outside 0-65535" % (label, value, piece))
    return text


def same_address(value):
    """Comparison form of an ip-netmask value: a host route written with or without /32 (/128) is the same."""
    text = str(value or '')
    try:
        iface = ipaddress.ip_interface(text)
    except ValueError:
        return text
    if iface.network.prefixlen == iface.max_prefixlen:
        return str(iface.ip)
    return str(iface)


def is_address_literal(value):
    """An IP address, CIDR network or IP range that PAN-OS accepts in a rule without an object."""
    text = str(value)
    try:
        if '-' in text:
            first, last = text.split('-', 1)
            ipaddress.ip_address(first)
            ipaddress.ip_address(last)
        elif '/' in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
