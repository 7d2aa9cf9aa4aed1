# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the xpaths of the objects the PAN-OS modules manage.

Every write goes to the entry's own xpath (or below it), never to the container, so that the
candidate-configuration ownership PAN-OS records for partial commits covers only our changes.
"""

from __future__ import annotations

DEVICE = "/config/devices/entry[@name='localhost.localdomain']"
SHARED = '/config/shared'
DEFAULT_VSYS = 'vsys1'


def literal(value):
    """An XPath string literal; PAN-OS names never hold both quote characters (validation refuses them)."""
    if "'" in value:
        return '"%s"' % value
    return "'%s'" % value


def entry(name):
    return 'entry[@name=%s]' % literal(name)


def member(value):
    return 'member[text()=%s]' % literal(value)


def join(*parts):
    return '/'.join(part.strip('/') if index else part.rstrip('/') for index, part in enumerate(parts) if part)


def vsys(name=None):
    return join(DEVICE, 'vsys', entry(name or DEFAULT_VSYS))


def entry_xpath(container, name):
    return join(container, entry(name))


# Containers, by resource.
def zones(vsys_name=None):
    return join(vsys(vsys_name), 'zone')


def ethernet():
    return join(DEVICE, 'network/interface/ethernet')


def vsys_import(vsys_name=None):
    return join(vsys(vsys_name), 'import/network/interface')


def management_profiles():
    return join(DEVICE, 'network/profiles/interface-management-profile')


def virtual_routers():
    return join(DEVICE, 'network/virtual-router')


def addresses(vsys_name=None):
    return join(vsys(vsys_name), 'address')


def address_groups(vsys_name=None):
    return join(vsys(vsys_name), 'address-group')


def services(vsys_name=None):
    return join(vsys(vsys_name), 'service')


def service_groups(vsys_name=None):
    return join(vsys(vsys_name), 'service-group')


def security_rules(vsys_name=None):
    return join(vsys(vsys_name), 'rulebase/security/rules')


def nat_rules(vsys_name=None):
    return join(vsys(vsys_name), 'rulebase/nat/rules')


def names_of(*containers):
    """One read that lists the entry names of several containers (an XPath union)."""
    return ' | '.join(join(container, 'entry/@name') for container in containers)
