# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Static addresses from guest configs: cloud-init ipconfigN of VMs, ip=/ip6= in container netN strings."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guest_addresses import static_addresses

QEMU_NET = 'virtio=BC:24:11:00:01:00,bridge=vmbr1,firewall=1'


def lxc_net(extra):
    return 'name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:00:02:00,type=veth' + (',' + extra if extra else '')


def entries(addresses):
    return [(a['nic'], a['source'], a['family'], a['address'], a['cidr'], a['network']) for a in addresses]


def test_qemu_ipconfig_gives_both_families_in_nic_order():
    config = dict(net0=QEMU_NET, net1=QEMU_NET, net10=QEMU_NET,
                  ipconfig10='ip=198.51.100.9/25',
                  ipconfig0='ip=192.0.2.10/24,gw=192.0.2.1,ip6=2001:DB8:0:0::10/64,gw6=2001:db8::1',
                  ipconfig1='ip6=2001:db8:1::7/48')
    addresses, warnings = static_addresses('qemu', config)
    assert warnings == []
    assert entries(addresses) == [
        ('net0', 'ipconfig0', 4, '192.0.2.10', '192.0.2.10/24', '192.0.2.0/24'),
        ('net0', 'ipconfig0', 6, '2001:db8::10', '2001:db8::10/64', '2001:db8::/64'),
        ('net1', 'ipconfig1', 6, '2001:db8:1::7', '2001:db8:1::7/48', '2001:db8:1::/48'),
        ('net10', 'ipconfig10', 4, '198.51.100.9', '198.51.100.9/25', '198.51.100.0/25'),
    ]


@pytest.mark.parametrize('ipconfig', ['ip=dhcp', 'ip6=auto', 'ip=dhcp,ip6=dhcp', 'ip6=auto,ip=dhcp', 'gw=192.0.2.1', ''])
def test_qemu_keywords_give_no_address(ipconfig):
    assert static_addresses('qemu', dict(net0=QEMU_NET, ipconfig0=ipconfig)) == ([], [])


def test_qemu_net_strings_carry_no_address_and_ip_in_them_is_not_read():
    # Only cloud-init configures a VM's address; an ip= in a VM's netN string is no VM setting.
    addresses, warnings = static_addresses('vm', dict(net0=QEMU_NET + ',ip=192.0.2.99/24'))
    assert (addresses, warnings) == ([], [])


def test_lxc_net_gives_ip_and_ip6():
    config = dict(net0=lxc_net('gw=192.0.2.1,ip=192.0.2.50/24,ip6=2001:db8::50/64'),
                  net1=lxc_net('ip=10.1.2.3/8'),
                  ipconfig0='ip=203.0.113.1/24')
    addresses, warnings = static_addresses('lxc', config)
    assert warnings == []
    assert entries(addresses) == [
        ('net0', 'net0', 4, '192.0.2.50', '192.0.2.50/24', '192.0.2.0/24'),
        ('net0', 'net0', 6, '2001:db8::50', '2001:db8::50/64', '2001:db8::/64'),
        ('net1', 'net1', 4, '10.1.2.3', '10.1.2.3/8', '10.0.0.0/8'),
    ]


@pytest.mark.parametrize('extra', ['ip=dhcp', 'ip=manual', 'ip6=dhcp', 'ip6=manual', 'ip6=auto', 'ip=dhcp,ip6=auto', ''])
def test_lxc_keywords_give_no_address(extra):
    assert static_addresses('ct', dict(net0=lxc_net(extra))) == ([], [])


def test_lxc_keeps_the_good_family_when_the_other_is_dynamic():
    addresses, warnings = static_addresses('lxc', dict(net2=lxc_net('ip=dhcp,ip6=2001:db8::2/64')))
    assert warnings == []
    assert entries(addresses) == [('net2', 'net2', 6, '2001:db8::2', '2001:db8::2/64', '2001:db8::/64')]


@pytest.mark.parametrize('kind,key,value,reason', [
    ('qemu', 'ipconfig0', 'ip=192.0.2.300/24', 'is not an IP address'),
    ('qemu', 'ipconfig0', 'ip=192.0.2.10', 'needs its prefix length'),
    ('qemu', 'ipconfig0', 'ip=192.0.2.10/', 'needs its prefix length'),
    ('qemu', 'ipconfig0', 'ip=192.0.2.10/abc', 'needs its prefix length'),
    ('qemu', 'ipconfig0', 'ip=192.0.2.10/33', 'longer than 32 bits'),
    ('qemu', 'ipconfig0', 'ip=10.1/8', 'is not an IP address'),
    ('qemu', 'ipconfig0', 'ip=2001:db8::1/64', 'is not an IPv4 address'),
    ('qemu', 'ipconfig0', 'ip6=192.0.2.10/24', 'is not an IPv6 address'),
    ('qemu', 'ipconfig0', 'ip6=2001:db8::1/129', 'longer than 128 bits'),
    ('lxc', 'net0', lxc_net('ip=static'), 'is not an IP address'),
    ('lxc', 'net0', lxc_net('ip6=fe80::1%eth0/64'), 'is not an IP address'),
])
def test_malformed_values_are_warned_about_and_skipped(kind, key, value, reason):
    if kind == 'qemu':
        config = dict(net0=QEMU_NET, net1=QEMU_NET, ipconfig1='ip=198.51.100.1/24')
    else:
        config = dict(net1=lxc_net('ip=198.51.100.1/24'))
    config[key] = value
    addresses, warnings = static_addresses(kind, config)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(key + ' ') and 'is ignored' in warnings[0] and reason in warnings[0], warnings
    # The other NIC is still read: one bad value does not hide the rest.
    assert [a['address'] for a in addresses] == ['198.51.100.1']


def test_ipconfig_without_its_nic_is_warned_about():
    addresses, warnings = static_addresses('qemu', dict(net0=QEMU_NET, ipconfig0='ip=192.0.2.10/24', ipconfig3='ip=192.0.2.13/24'))
    assert [a['address'] for a in addresses] == ['192.0.2.10']
    assert warnings == ['ipconfig3 is set but there is no net3: its addresses are ignored']


def test_empty_or_missing_config():
    assert static_addresses('qemu', {}) == ([], [])
    assert static_addresses('lxc', None) == ([], [])
