# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: interface management profiles (which services an interface answers)."""

from __future__ import annotations

import ipaddress

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import Bool, EntrySpec, Names
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, config_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import same_address

SERVICES = ('ping', 'ssh', 'https', 'http', 'telnet', 'snmp', 'response_pages', 'userid_service', 'userid_syslog_listener_ssl',
            'userid_syslog_listener_udp', 'http_ocsp')

SPEC = EntrySpec('management profile', [Bool(option, option.replace('_', '-')) for option in SERVICES] + [
    Names('permitted_ips', 'permitted-ip', canonical=same_address),
])

OPTIONS = dict((option, dict(type='bool')) for option in SERVICES)
OPTIONS['permitted_ips'] = dict(type='list', elements='str')
CONFIG = config_option(OPTIONS)


class ManagementProfiles(KeyedResource):
    kind = 'management profile'
    spec = SPEC

    def container(self):
        return xpaths.management_profiles()

    def check_item(self, item, index):
        for number, value in enumerate(item.get('permitted_ips') or []):
            try:
                ipaddress.ip_network(str(value), strict=False)
            except ValueError:
                raise ValidationError("config[%d].permitted_ips[%d]='%s' is not an IP address or network in CIDR form" % (
                    index, number, value))
