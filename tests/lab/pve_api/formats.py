# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validators for the named string formats that the schema file only mentions by name.

Each validator returns nothing or raises FormatError with the text PVE's verifier dies with; the
caller wraps it as ``invalid format - <text>``. Formats that only matter to guest hardware (cpu
models, PCI passthrough, ...) are accepted as they come (LENIENT); a format that is in neither
table makes the schema loader fail, so a new schema cannot silently skip validation.
"""

import re

from . import netutil

CONFIGID_RE = re.compile(r'^[a-z][a-z0-9_-]+$', re.I)
TAG_RE = re.compile(r'^[a-z0-9_][a-z0-9_\-+.]*$', re.I)
DNS_LABEL = '([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)'
DNS_RE = re.compile(r'^(%s\.)*%s$' % (DNS_LABEL, DNS_LABEL))
VOLUME_ID_RE = re.compile(r'^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$', re.I)
SIZE_RE = re.compile(r'^(\d+(\.\d+)?)([KMGT](?:iB)?)?$')
BOOT_DEVICE_RE = re.compile(r'^((ide|sata|scsi|virtio|net|hostpci|usb)\d+|efidisk0|tpmstate0)$')
IPV4_MASKS = {'%d.%d.%d.%d' % tuple(((0xffffffff << (32 - bits)) & 0xffffffff) >> shift & 0xff
                                    for shift in (24, 16, 8, 0)) for bits in range(0, 33)}


class FormatError(ValueError):
    """Raised by a validator; str() is PVE's message without the 'invalid format - ' prefix."""


def split_list(text):
    """PVE's split_list: commas, semicolons and whitespace separate items."""
    if '\0' in text:
        return text.split('\0')
    return re.sub(r'[,;]', ' ', text).split()


def _from_net(function):
    def validate(value):
        try:
            function(value)
        except netutil.AddressError as exc:
            raise FormatError(str(exc)) from None
    return validate


def _regex(pattern, message, flags=0):
    compiled = re.compile(pattern, flags)

    def validate(value):
        if not compiled.match(value):
            raise FormatError(message.format(value=value))
    return validate


def _ipv4(value):
    if netutil.ip_version(value) != 4:
        raise FormatError('value does not look like a valid IPv4 address')


def _ipv6(value):
    if netutil.ip_version(value) != 6:
        raise FormatError('value does not look like a valid IPv6 address')


def _ip(value):
    if netutil.ip_version(value) is None:
        raise FormatError('value does not look like a valid IP address')


def _cidr_check(value, version):
    address, sep, length = value.partition('/')
    width = 32 if version == 4 else 128
    return bool(sep) and length.isdigit() and netutil.ip_version(address) == version and 7 < int(length) <= width


def _cidrv4(value):
    if not _cidr_check(value, 4):
        raise FormatError('value does not look like a valid IPv4 CIDR network')


def _cidrv6(value):
    if not _cidr_check(value, 6):
        raise FormatError('value does not look like a valid IPv6 CIDR network')


def _ipv4_config(value):
    if value not in ('dhcp', 'manual') and not _cidr_check(value, 4):
        raise FormatError('value does not look like a valid ipv4 network configuration')


def _ipv6_config(value):
    if value not in ('auto', 'dhcp', 'manual') and not _cidr_check(value, 6):
        raise FormatError('value does not look like a valid ipv6 network configuration')


def _ipv4mask(value):
    if value not in IPV4_MASKS:
        raise FormatError('value does not look like a valid IP netmask')


def _storage_id(value):
    if len(value) < 2:
        raise FormatError("storage ID '%s' cannot be shorter than 2 characters" % value)
    if not re.match(r'^[a-z][a-z0-9\-_.]*[a-z0-9]$', value, re.I):
        raise FormatError("storage ID '%s' contains illegal characters" % value)


def _vnet_id(value):
    if not re.match(r'^[a-z][a-z0-9]*[a-z0-9]$', value, re.I):
        raise FormatError("vnet ID '%s' contains illegal characters" % value)
    if len(value) > 8:
        raise FormatError("vnet ID '%s' can't be more length than 8 characters" % value)


def _volume_id(value):
    if not VOLUME_ID_RE.match(value):
        raise FormatError("unable to parse volume ID '%s'" % value)


def _volume_or_path(value):
    if value in ('none', 'cdrom') or value.startswith('/'):
        return
    _volume_id(value)


def _disk_size(value):
    if not SIZE_RE.match(value):
        raise FormatError('value does not look like a valid disk size: %s' % value)


def _vlan_id_or_range(value):
    match = re.match(r'^(\d+)(?:-(\d+))?$', value)
    if not match:
        raise FormatError("invalid VLAN configuration '%s'" % value)
    for tag in match.groups():
        if tag is not None and not 2 <= int(tag) <= 4094:
            raise FormatError("invalid VLAN tag '%s'" % tag)
    if match.group(2) and int(match.group(1)) >= int(match.group(2)):
        raise FormatError("VLAN range must go from lower to higher tag '%s'" % value)


def _address(value):
    if netutil.ip_version(value) is None and not DNS_RE.match(value):
        raise FormatError('value does not look like a valid address: %s' % value)


def _boot(value):
    for part in value.split(','):
        key, sep, item = part.partition('=')
        if not sep:
            key, item = 'legacy', part
        if key == 'legacy':
            if not re.match(r'^[acdn]{1,4}$', item):
                raise FormatError('format error\nlegacy: value does not match the regex pattern')
        elif key == 'order':
            for device in item.split(';'):
                if not BOOT_DEVICE_RE.match(device):
                    raise FormatError("format error\norder: invalid format - invalid boot device '%s'\n" % device)
        else:
            raise FormatError('invalid key in comma-separated list property: %s' % key)


VALIDATORS = {
    'pve-node': _regex(r'^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)$', 'value does not look like a valid node name'),
    'pve-vmid': _regex(r'^[1-9][0-9]{2,8}$', 'value does not look like a valid VM ID'),
    'pve-configid': _regex(CONFIGID_RE.pattern, "invalid configuration ID '{value}'", re.I),
    'pve-iface': _regex(r'^[a-z][a-z0-9_]{1,20}([:.]\d+)?$', "invalid network interface name '{value}'", re.I),
    'pve-tag': _regex(TAG_RE.pattern, 'invalid characters in tag', re.I),
    'pve-bridge-id': _regex(r'^[-_.\w\d]+$', "invalid bridge ID '{value}'"),
    'mac-addr': _regex(r'^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$', 'value does not look like a valid unicast MAC address',
                       re.I),
    'dns-name': _regex(DNS_RE.pattern, 'value does not look like a valid DNS name'),
    'urlencoded': _regex(r"^[-%a-zA-Z0-9_.!~*'()]*$", 'invalid urlencoded string: {value}'),
    'pve-poolid': _regex(r'^[A-Za-z0-9_\-]+$', "invalid pool ID '{value}'"),
    'pve-sdn-vnet-id': _vnet_id,
    'pve-storage-id': _storage_id,
    'pve-volume-id': _volume_id,
    'pve-volume-id-or-qm-path': _volume_or_path,
    'pve-volume-id-or-absolute-path': _volume_or_path,
    'disk-size': _disk_size,
    'ipv4': _ipv4,
    'ipv6': _ipv6,
    'ip': _ip,
    'CIDRv4': _cidrv4,
    'CIDRv6': _cidrv6,
    'ipv4mask': _ipv4mask,
    'pve-ipv4-config': _ipv4_config,
    'pve-ipv6-config': _ipv6_config,
    'pve-vlan-id-or-range': _vlan_id_or_range,
    'address': _address,
    'pve-qm-boot': _boot,
    'IPorCIDR': _from_net(netutil.verify_ip_or_cidr),
    'IPorCIDRorAlias': _from_net(netutil.verify_ip_or_cidr_or_alias),
    'pve-fw-addr-spec': _from_net(netutil.parse_address_list),
    'pve-fw-dport-spec': _from_net(lambda value: netutil.parse_port_spec(value, True)),
    'pve-fw-sport-spec': _from_net(lambda value: netutil.parse_port_spec(value, False)),
    'pve-fw-protocol-spec': _from_net(netutil.verify_protocol),
    'pve-fw-icmp-type-spec': _from_net(netutil.verify_icmp_type),
    'pve-fw-conntrack-helper': _from_net(netutil.verify_conntrack_helpers),
}

# Guest-hardware formats the emulator does not model; any string passes.
LENIENT = frozenset((
    'pve-startup-order', 'pve-cpuset', 'pve-qemu-sev-fmt', 'pve-qm-bootdisk', 'pve-qm-ide', 'pve-qm-cicustom',
    'pve-vm-cpu-conf', 'pve-qm-hostpci', 'pve-hotplug-features', 'pve-qemu-tdx-fmt', 'pve-qm-ipconfig',
    'pve-qm-rng', 'pve-qm-smbios1', 'pve-qm-watchdog', 'lxc-ip-with-ll-iface', 'pve-ct-timezone',
    'pve-lxc-mp-string', 'pve-lxc-dev-string', 'pve-sdn-subnet-id', 'pve-sdn-dhcp-range',
    'pve-storage-content', 'pve-storage-content-list',
))


def split_format_name(name):
    """'pve-configid-list' -> ('pve-configid', 'list'), as PVE's check_format splits it."""
    match = re.match(r'^(.*?)(?:-(list|opt))?$', name)
    return match.group(1), match.group(2)


def is_known(name):
    base, kind = split_format_name(name)
    if name in VALIDATORS or name in LENIENT:
        return True
    return kind is not None and (base in VALIDATORS or base in LENIENT)


def check(name, value):
    """Validate ``value`` against the named format; raises FormatError."""
    validator = VALIDATORS.get(name)
    if validator is None and name not in LENIENT:
        base, kind = split_format_name(name)
        if base in LENIENT:
            return
        validator = VALIDATORS[base]
        if kind == 'list':
            for item in split_list(value):
                validator(item)
            return
        if kind == 'opt':
            if value:
                validator(value)
            return
    if validator is not None:
        validator(value)
