# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: a guest's static addresses, as its config declares them.

No guest agent is asked, so this works for stopped guests too and costs no extra request:
- a VM gets its addresses from cloud-init, ``ipconfigN`` for NIC ``netN``:
  ``ip=<IPv4/len|dhcp>,gw=...,ip6=<IPv6/len|dhcp|auto>,gw6=...``;
- a container carries them in the NIC string ``netN`` itself:
  ``ip=<IPv4/len|dhcp|manual>`` and ``ip6=<IPv6/len|auto|dhcp|manual>``.
The keywords leave the address to the guest, so they give no address. A value that is neither a
keyword nor an address with its prefix length is reported as a warning and skipped: one odd guest
must not stop a read of the whole cluster.
"""

from __future__ import annotations

import re

# netaddr through the guarded import of addresses.py (callers check its HAS_NETADDR).
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import addresses as _addresses
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.nics import split_property_string

KEYWORDS = frozenset(('dhcp', 'auto', 'manual'))
FAMILIES = (('ip', 4), ('ip6', 6))
HOST_BITS = {4: 32, 6: 128}
INDEXED_KEY = re.compile(r'^(net|ipconfig)(\d+)$')


class AddressError(ValueError):
    """A config value that is not an address with its prefix length."""


def indexed_keys(config, prefix):
    """{index: key} of the ``<prefix>N`` keys of a guest config."""
    found = {}
    for key in config or {}:
        match = INDEXED_KEY.match(str(key))
        if match and match.group(1) == prefix:
            found[int(match.group(2))] = key
    return found


def parse_interface_address(text, family):
    """``10.0.0.5/24`` -> (IPAddress, prefix length); raises AddressError when it is not one of ``family``."""
    address, sep, length = text.partition('/')
    try:
        # INET_PTON refuses the short IPv4 forms ('10.1') that inet_aton would take.
        ip = _addresses.netaddr.IPAddress(address, flags=_addresses.netaddr.INET_PTON)
    except (_addresses.netaddr.AddrFormatError, ValueError, TypeError):
        raise AddressError('%r is not an IP address' % address)
    if ip.version != family:
        raise AddressError('%s is not an IPv%d address' % (ip, family))
    if not sep or not length.isdigit():
        raise AddressError('an address needs its prefix length (address/length)')
    if int(length) > HOST_BITS[family]:
        raise AddressError('/%s is longer than %d bits' % (length, HOST_BITS[family]))
    return ip, int(length)


def address_entry(nic, source, text, family):
    ip, length = parse_interface_address(text, family)
    network = _addresses.netaddr.IPNetwork('%s/%d' % (ip, length))
    return dict(nic=nic, source=source, family=family, address=str(ip), cidr='%s/%d' % (ip, length),
                network=str(network.cidr))


def static_addresses(kind, config):
    """The static addresses of a guest: (list of address dicts, list of warnings).

    ``kind`` is ``qemu`` (or ``vm``) or ``lxc`` (or ``ct``). Entries come in NIC order, IPv4
    before IPv6, each with the NIC it belongs to and the config key it was read from.
    """
    qemu = kind in ('qemu', 'vm')
    nics = indexed_keys(config, 'net')
    sources = indexed_keys(config, 'ipconfig') if qemu else nics
    addresses, warnings = [], []
    for index in sorted(sources):
        source = sources[index]
        nic = 'net%d' % index
        if index not in nics:
            warnings.append('%s is set but there is no %s: its addresses are ignored' % (source, nic))
            continue
        props = dict((key.strip(), value.strip()) for key, value in split_property_string(config[source]) if key is not None)
        for key, family in FAMILIES:
            value = props.get(key, '')
            if not value or value.lower() in KEYWORDS:
                continue
            try:
                addresses.append(address_entry(nic, source, value, family))
            except AddressError as exc:
                warnings.append('%s %s=%s is ignored: %s' % (source, key, value, exc))
    return addresses, warnings
