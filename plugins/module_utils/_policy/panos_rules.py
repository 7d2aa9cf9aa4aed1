# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: PAN-OS security and NAT rules, read once and matched three-valued.

A rule's match is ``(YES|NO|MAYBE, reasons)``: every part is checked, the first ``NO`` ends it,
and the reasons of ``MAYBE`` parts are kept so the verdict can say why a rule could not be decided.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_objects import (
    ANY,
    MAYBE,
    NO,
    YES,
    app_default_match,
)

SECURITY_ACTIONS = ('allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both')
DEFAULT_RULE_ACTIONS = {'intrazone-default': 'allow', 'interzone-default': 'deny'}


def members(node, path):
    found = node.find(path) if node is not None else None
    if found is None:
        return []
    return [(m.text or '').strip() for m in found.findall('member') if (m.text or '').strip()]


def text(node, path, default=None):
    value = node.findtext(path) if node is not None else None
    return value.strip() if value and value.strip() else default


def yes(node, path):
    return text(node, path, 'no') == 'yes'


def zone_match(wanted, zones):
    return not zones or ANY in zones or wanted in zones


class Matcher(object):
    """Collects the parts of one rule match."""

    def __init__(self):
        self.state = YES
        self.reasons = []

    def add(self, result):
        state, reason = result
        if state == NO:
            self.state = NO
        elif state == MAYBE and self.state == YES:
            self.state = MAYBE
        if state == MAYBE and reason:
            self.reasons.append(reason)
        return self.state != NO

    def result(self):
        return self.state, '; '.join(self.reasons) if self.state == MAYBE else None


def negated(result, negate):
    state, reason = result
    if not negate or state == MAYBE:
        return state, reason
    return (NO if state == YES else YES), None


def not_any(values, what):
    values = [v for v in values if v != ANY]
    if not values:
        return YES, None
    return MAYBE, '%s is %s (not known offline)' % (what, ', '.join(values))


class SecurityRule(object):
    rulebase = 'security'

    def __init__(self, position, entry, book):
        self.position = position
        self.name = entry.get('name')
        self.from_zones = members(entry, 'from')
        self.to_zones = members(entry, 'to')
        self.source = book.address_set(members(entry, 'source'))
        self.destination = book.address_set(members(entry, 'destination'))
        self.negate_source = yes(entry, 'negate-source')
        self.negate_destination = yes(entry, 'negate-destination')
        self.users = members(entry, 'source-user')
        self.categories = members(entry, 'category')
        self.hips = members(entry, 'source-hip') + members(entry, 'destination-hip')
        self.applications = book.application_set(members(entry, 'application'))
        self.services = book.service_set(members(entry, 'service'))
        self.action = text(entry, 'action', 'allow')
        self.rule_type = text(entry, 'rule-type', 'universal')
        self.disabled = yes(entry, 'disabled')
        self.schedule = text(entry, 'schedule')

    def zones_match(self, from_zone, to_zone):
        if self.rule_type == 'intrazone' and from_zone != to_zone:
            return False
        if self.rule_type == 'interzone' and from_zone == to_zone:
            return False
        if self.rule_type == 'intrazone':
            return zone_match(from_zone, self.from_zones)
        return zone_match(from_zone, self.from_zones) and zone_match(to_zone, self.to_zones)

    def match(self, packet, book):
        """Tri-state match of a packet (pre-NAT addresses and ports, post-NAT destination zone)."""
        if self.disabled or not self.zones_match(packet.from_zone, packet.to_zone):
            return NO, None
        found = Matcher()
        checks = (
            lambda: negated(self.source.match(packet.source, 'source'), self.negate_source),
            lambda: negated(self.destination.match(packet.dest, 'destination'), self.negate_destination),
            lambda: self._application_match(packet, book),
            lambda: self._service_match(packet, book),
            lambda: not_any(self.users, 'the source user'),
            lambda: not_any(self.categories, 'the URL category'),
            lambda: not_any(self.hips, 'the HIP profile'),
            lambda: (MAYBE, 'the rule has the schedule %s' % self.schedule) if self.schedule else (YES, None),
        )
        for check in checks:
            if not found.add(check()):
                return NO, None
        return found.result()

    def _unnamed_with_app_default(self, packet):
        return packet.application is None and self.services.app_default and not self.applications.is_any

    def _application_match(self, packet, book):
        if not self._unnamed_with_app_default(packet):
            return self.applications.match(packet.application)
        # No application given: the rule can only match if the flow's port is a default port of one of its applications.
        fits, unknown = [], []
        for application in sorted(self.applications.names):
            state = app_default_match(book, application, packet.proto, packet.dport)[0]
            if state == YES:
                fits.append(application)
            elif state == MAYBE:
                unknown.append(application)
        if not fits and not unknown and not self.applications.unknown:
            return NO, None
        parts = []
        if fits:
            parts.append('the flow names no application and on its port it could be %s' % ', '.join(fits))
        if unknown:
            parts.append('unknown: application-default (default ports of %s are not known offline)' % ', '.join(unknown))
        return MAYBE, '; '.join(parts + self.applications.unknown)

    def _service_match(self, packet, book):
        explicit = self.services.match(packet.proto, packet.dport, packet.sport)
        if not self.services.app_default or explicit[0] == YES:
            return explicit
        if self._unnamed_with_app_default(packet):
            return YES, None
        return app_default_match(book, packet.application, packet.proto, packet.dport)

    def describe(self):
        return {'rulebase': self.rulebase, 'name': self.name, 'position': self.position, 'action': self.action}


class NatRule(object):
    rulebase = 'nat'

    def __init__(self, position, entry, book):
        self.position = position
        self.name = entry.get('name')
        self.from_zones = members(entry, 'from')
        self.to_zones = members(entry, 'to')
        self.to_interface = text(entry, 'to-interface', ANY)
        self.source = book.address_set(members(entry, 'source'))
        self.destination = book.address_set(members(entry, 'destination'))
        service = text(entry, 'service', ANY)
        self.service = book.service_set([service])
        self.nat_type = text(entry, 'nat-type', 'ipv4')
        self.disabled = yes(entry, 'disabled')
        self.source_translation = self._source_translation(entry.find('source-translation'))
        self.destination_translation = self._destination_translation(entry)

    @staticmethod
    def _source_translation(node):
        if node is None or not len(node):
            return None
        kind = node[0]
        found = {'type': kind.tag}
        interface = text(kind, 'interface-address/interface')
        if interface:
            found['interface'] = interface
            found['interface_ip'] = text(kind, 'interface-address/ip')
        addresses = members(kind, 'translated-address') or ([text(kind, 'translated-address')] if text(kind, 'translated-address') else [])
        if addresses:
            found['translated_addresses'] = addresses
        if kind.tag == 'static-ip':
            found['bi_directional'] = yes(kind, 'bi-directional')
        return found

    @staticmethod
    def _destination_translation(entry):
        for tag, dynamic in (('destination-translation', False), ('dynamic-destination-translation', True)):
            node = entry.find(tag)
            if node is not None:
                port = text(node, 'translated-port')
                return {'translated_address': text(node, 'translated-address'), 'translated_port': int(port) if port else None,
                        'dynamic': dynamic, 'distribution': text(node, 'distribution')}
        return None

    def match(self, packet, egress_interface):
        """Tri-state match on pre-NAT zones, egress interface, addresses and service."""
        # nat64 and nptv6 rules translate between families; they are not modelled and never match.
        if self.disabled or self.nat_type != ('ipv6' if packet.family == 6 else 'ipv4'):
            return NO, None
        if not zone_match(packet.from_zone, self.from_zones) or not zone_match(packet.to_zone, self.to_zones):
            return NO, None
        found = Matcher()
        if self.to_interface != ANY:
            if egress_interface is None:
                found.add((MAYBE, 'the rule needs egress interface %s and the flow gives only zones' % self.to_interface))
            elif egress_interface != self.to_interface:
                return NO, None
        checks = (
            lambda: self.source.match(packet.source, 'source'),
            lambda: self.destination.match(packet.dest, 'destination'),
            lambda: self.service.match(packet.proto, packet.dport, packet.sport),
        )
        for check in checks:
            if not found.add(check()):
                return NO, None
        return found.result()

    def describe(self):
        found = {'rulebase': self.rulebase, 'name': self.name, 'position': self.position}
        if self.source_translation:
            found['source_translation'] = dict(self.source_translation)
        if self.destination_translation:
            found['destination_translation'] = dict(self.destination_translation)
        return found


def read_rules(vsys_node, book):
    """(security rules, NAT rules, default rule actions) of a vsys."""
    rulebase = vsys_node.find('rulebase') if vsys_node is not None else None
    security, nat = [], []
    defaults = dict(DEFAULT_RULE_ACTIONS)
    if rulebase is None:
        return security, nat, defaults
    for position, entry in enumerate(rulebase.findall('security/rules/entry'), 1):
        security.append(SecurityRule(position, entry, book))
    for position, entry in enumerate(rulebase.findall('nat/rules/entry'), 1):
        nat.append(NatRule(position, entry, book))
    for entry in rulebase.findall('default-security-rules/rules/entry'):
        if entry.get('name') in defaults:
            defaults[entry.get('name')] = text(entry, 'action', defaults[entry.get('name')])
    return security, nat, defaults
