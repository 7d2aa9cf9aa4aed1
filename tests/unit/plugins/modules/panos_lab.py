# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared helper of the PAN-OS unit tests: the emulator in-thread, a module runner, request counts, the DMZ.

The conftest files of tests/unit/plugins/modules and tests/unit/plugins/module_utils/_panos import
the fixtures from here.
"""

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.zonewarden.firewall.tests.unit.module_runner import run_module

AUTOMATION = ('automation', 'zonewarden-automation')
WRITE_LABELS = ('config.set', 'config.edit', 'config.delete', 'config.move', 'config.rename', 'config.clone',
                'config.multi-config', 'commit')
VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
DEVICE = "/config/devices/entry[@name='localhost.localdomain']"


class PanosLab(object):
    """The in-thread PAN-OS emulator as module tests use it."""

    def __init__(self, handle):
        self.handle = handle
        self.connection = dict(host='127.0.0.1', port=handle.port, username=AUTOMATION[0], password=AUTOMATION[1],
                               ca_path=handle.ca_file)

    def run(self, name, check_mode=False, diff=False, **args):
        merged = dict(self.connection)
        merged.update(args)
        return run_module(name, merged, check_mode=check_mode, diff=diff)

    # -- request journal --------------------------------------------------------------------
    def requests(self):
        return self.handle.side('GET', 'panos/requests')

    def counts(self):
        return self.requests()['counts']

    def writes(self):
        counts = self.counts()
        return sum(counts.get(label, 0) for label in WRITE_LABELS)

    def total(self):
        return self.requests()['total']

    def clear(self):
        self.handle.side('DELETE', 'panos/requests')
        self.handle.clear_log()

    # -- configuration ----------------------------------------------------------------------
    def config(self, which='candidate'):
        return ET.fromstring(self.handle.side('GET', 'panos/config?which=%s' % which)['xml'])

    def node(self, xpath_from_config, which='candidate'):
        """An element by a simple path below <config>, e.g. "devices/entry/vsys/entry/zone"."""
        return self.config(which).find(xpath_from_config)

    def changes(self):
        return self.handle.side('GET', 'panos/changes')

    def apply_as(self, admin, **request):
        request['admin'] = admin
        return self.handle.side('POST', 'panos/apply', request)

    def settings(self, **values):
        return self.handle.side('POST', 'panos/settings', values)

    def load_config(self, spec):
        return self.handle.load({'config': spec, 'commit_delay': 0.05})


@pytest.fixture(scope='session')
def panos_lab_handle(tmp_path_factory):
    from labcore.control import start_thread  # pylint: disable=import-outside-toplevel
    from panos_xapi import PanosApp  # pylint: disable=import-outside-toplevel

    handle = start_thread(PanosApp(settings={'commit_delay': 0.05}), workdir=str(tmp_path_factory.mktemp('panos-lab')))
    yield handle
    handle.stop()


@pytest.fixture
def panos_lab(panos_lab_handle):
    """A freshly reset emulator (factory baseline, fast commits) with an empty request log."""
    panos_lab_handle.reset()
    panos_lab_handle.clear_faults()
    lab = PanosLab(panos_lab_handle)
    lab.clear()
    return lab


# -- the three-zone DMZ, as module calls ---------------------------------------------------------

DMZ = [
    ('panos_management_profiles', dict(config=[dict(name='allow-ping', ping=True)])),
    ('panos_interfaces', dict(config=[
        dict(name='ethernet1/1', ipv4_addresses=['203.0.113.2/24'], management_profile='allow-ping', comment='uplink'),
        dict(name='ethernet1/2', ipv4_addresses=['10.0.1.1/24'], management_profile='allow-ping'),
        dict(name='ethernet1/3', ipv4_addresses=['10.0.2.1/24']),
    ])),
    ('panos_zones', dict(config=[
        dict(name='untrust', interfaces=['ethernet1/1']),
        dict(name='trust', interfaces=['ethernet1/2']),
        dict(name='dmz', interfaces=['ethernet1/3']),
    ])),
    ('panos_virtual_routers', dict(config=[dict(name='default', interfaces=['ethernet1/1', 'ethernet1/2', 'ethernet1/3'],
                                                static_routes=[dict(name='default-route', destination='0.0.0.0/0',
                                                                    nexthop='203.0.113.1', interface='ethernet1/1')])])),
    ('panos_address_objects', dict(config=[
        dict(name='dmz-web', ip_netmask='10.0.2.10', description='public web server'),
        dict(name='dmz-net', ip_netmask='10.0.2.0/24'),
        dict(name='trust-net', ip_netmask='10.0.1.0/24'),
        dict(name='public-web', ip_netmask='203.0.113.10'),
    ])),
    ('panos_service_objects', dict(config=[
        dict(name='tcp-8443', protocol='tcp', destination_port='8443'),
        dict(name='udp-514', protocol='udp', destination_port='514'),
    ])),
    ('panos_security_rules', dict(config=[
        dict(name='trust-to-dmz', from_zones=['trust'], to_zones=['dmz'], source_addresses=['trust-net'],
             applications=['ssl', 'web-browsing', 'ssh'], log_setting='default'),
        dict(name='trust-to-untrust', from_zones=['trust'], to_zones=['untrust'], source_addresses=['trust-net']),
        dict(name='dmz-to-untrust', from_zones=['dmz'], to_zones=['untrust'], applications=['dns', 'ntp', 'web-browsing', 'ssl']),
        dict(name='web-published', from_zones=['untrust'], to_zones=['dmz'], destination_addresses=['public-web'],
             services=['service-https', 'tcp-8443'], applications=['any'], tags=['published']),
        dict(name='dmz-syslog-to-trust', from_zones=['dmz'], to_zones=['trust'], destination_addresses=['10.0.1.5'],
             services=['udp-514'], applications=['any'], description='the one hole in the valve'),
        dict(name='deny-dmz-to-trust', from_zones=['dmz'], to_zones=['trust'], action='deny', log_start=True),
    ])),
    ('panos_nat_rules', dict(config=[
        dict(name='snat-outbound', from_zones=['trust', 'dmz'], to_zones=['untrust'],
             source_translation=dict(type='dynamic_ip_and_port', interface='ethernet1/1')),
        dict(name='dnat-web', from_zones=['untrust'], to_zones=['untrust'], destination_addresses=['public-web'],
             service='service-https', destination_translation=dict(translated_address='dmz-web')),
    ])),
    ('panos_commit', dict(description='three-zone DMZ', poll_interval=0.05, job_timeout=30)),
]


def apply_dmz(lab, check_mode=False, skip=()):
    """Run every DMZ task; return {module: result}. Fails the test on the first failed task."""
    results = {}
    for name, args in DMZ:
        if name in skip:
            continue
        result = lab.run(name, check_mode=check_mode, **args)
        assert not result.failed, (name, result)
        results[name] = result
    return results
