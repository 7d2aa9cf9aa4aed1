# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: check that rules and groups name objects that exist.

A reference resolves when it is a keyword or literal PAN-OS accepts (``any``, an IP or range, a
region code, a predefined service or external list), an object defined by the same task, or an
object of the device's candidate configuration (vsys or shared). Device names are read only when
something is left unresolved, with one read per kind of object (an XPath union of name lists).
"""

from __future__ import annotations

import re

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import is_address_literal

PREDEFINED_SERVICES = frozenset(('any', 'application-default', 'service-http', 'service-https'))
REGION_RE = re.compile(r'^[A-Z][A-Z0-9]$')
PREDEFINED_EDL_RE = re.compile(r'^panw-[\w-]+-list$')
KIND_TEXT = {'zone': 'a zone', 'address': 'an address, address group or external list', 'service': 'a service or service group'}


def builtin(kind, value):
    if value == 'any':
        return True
    if kind == 'address':
        return is_address_literal(value) or bool(REGION_RE.match(value)) or bool(PREDEFINED_EDL_RE.match(value))
    if kind == 'service':
        return value in PREDEFINED_SERVICES
    return False


class Namespace(object):
    """Names of zones, addresses and services on the device, each read at most once."""

    def __init__(self, client, vsys_name):
        self.client = client
        self.vsys = vsys_name
        self._names = {}

    def _xpath(self, kind):
        if kind == 'zone':
            return xpaths.names_of(xpaths.zones(self.vsys))
        if kind == 'address':
            return xpaths.names_of(xpaths.addresses(self.vsys), xpaths.address_groups(self.vsys),
                                   xpaths.join(xpaths.vsys(self.vsys), 'external-list'),
                                   xpaths.join(xpaths.SHARED, 'address'), xpaths.join(xpaths.SHARED, 'address-group'),
                                   xpaths.join(xpaths.SHARED, 'external-list'))
        return xpaths.names_of(xpaths.services(self.vsys), xpaths.service_groups(self.vsys),
                               xpaths.join(xpaths.SHARED, 'service'), xpaths.join(xpaths.SHARED, 'service-group'))

    def names(self, kind):
        if kind not in self._names:
            self._names[kind] = self.client.names(self._xpath(kind), desc='list the %s names on the device' % kind)
        return self._names[kind]


def check_references(refs, namespace, defined=None, removed=None, warn=None):
    """``refs``: (label, kind, value). ``defined``: kind -> names the task creates; ``removed``: names it deletes.

    Raises one ValidationError for the first reference that resolves nowhere. With ``warn`` (check mode, where an
    earlier task of the same run may not have created the object) each problem is passed to ``warn`` instead.
    """
    defined = defined or {}
    removed = removed or {}
    pending = [(label, kind, value) for label, kind, value in refs
               if not builtin(kind, value) and value not in defined.get(kind, ())]
    for label, kind, value in pending:
        problem = None
        if value in removed.get(kind, ()):
            problem = "%s='%s' names %s that this task deletes" % (label, value, KIND_TEXT[kind])
        elif namespace is None or value not in namespace.names(kind):
            problem = "%s='%s' is not %s defined in this task or on the device" % (label, value, KIND_TEXT[kind])
        if problem and warn is None:
            raise ValidationError(problem)
        if problem:
            warn(problem + ' (check mode: an earlier task may create it)')
