# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: object names and addresses the way Proxmox VE stores them."""

from __future__ import annotations

import re
import traceback

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError

NETADDR_IMPORT_ERROR = None
try:
    import netaddr
    HAS_NETADDR = True
except ImportError:
    HAS_NETADDR = False
    NETADDR_IMPORT_ERROR = traceback.format_exc()

OBJECT_NAME = re.compile(r'^[A-Za-z][A-Za-z0-9\-_]+$')
ALIAS_REFERENCE = re.compile(r'^(?:(dc|guest)/)?([A-Za-z][A-Za-z0-9\-_]+)$')


def check_name(field, name, max_length=64):
    """Names of IP sets, aliases and groups: 2..max characters, a letter first, then letters, digits, - and _."""
    if not isinstance(name, str) or not OBJECT_NAME.match(name) or len(name) > max_length:
        raise ValidationError('%s=%r is not a valid Proxmox VE name: 2 to %d characters, a letter first, then letters, '
                              'digits, - or _' % (field, name, max_length))
    return name


def _looks_like_address(text):
    return ':' in text or text[:1].isdigit()


def ipset_entry(field, text):
    """Normalise an IP set entry as PVE stores it.

    Host bits are cleared, /32 and /128 dropped, IPv6 compressed and lower-cased; alias
    references (``name``, ``dc/name``, ``guest/name``) are kept, with the name lower-cased for
    comparison because aliases are case-insensitive.
    """
    text = str(text).strip()
    if not _looks_like_address(text):
        match = ALIAS_REFERENCE.match(text)
        if not match:
            raise ValidationError('%s=%r is neither an IP address, a CIDR nor an alias name' % (field, text))
        scope, name = match.groups()
        return ('%s/%s' % (scope, name.lower())) if scope else name.lower()
    try:
        network = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValidationError('%s=%r is not a valid IP address or CIDR' % (field, text))
    if '/' in text and network.prefixlen == 0:
        raise ValidationError('%s=%r: a zero prefix is not allowed in IP set entries' % (field, text))
    if network.prefixlen == (32 if network.version == 4 else 128):
        return str(network.ip)
    return str(network.cidr)


def alias_cidr(field, text):
    """Normalise an alias address: PVE keeps host bits but drops /32 and /128 on read."""
    text = str(text).strip()
    try:
        network = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise ValidationError('%s=%r is not a valid IP address or CIDR' % (field, text))
    if network.prefixlen == (32 if network.version == 4 else 128):
        return str(network.ip)
    return '%s/%d' % (network.ip, network.prefixlen)
