# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: offline evaluator of a PAN-OS firewall's policy for one vsys.

It answers "what does the firewall do with a new session like this?" from a configuration alone,
in the order the firewall itself works: ingress zone, route lookup of the original destination
(pre-NAT egress zone), NAT policy (first match, pre-NAT zones and addresses), route lookup of the
translated destination (post-NAT zone), security policy (first match, pre-NAT addresses, post-NAT
destination zone, pre-NAT service), then the two default rules.

Public API
----------
``PanosPolicy(config, vsys='vsys1', interface_addresses=None)``

- ``config``: the configuration as XML text or an ElementTree element: a whole ``<config>`` (as
  ``show config running`` returns it), an API answer ``<response><result><config>``, or a device
  ``<entry>``. Objects of ``shared`` are visible after the vsys' own.
- ``interface_addresses``: ``{interface: 'a.b.c.d/len'}`` for interfaces that get their address by
  DHCP (their subnets are otherwise unknown offline and said so).

``PanosPolicy.evaluate(flow)`` -> verdict. ``flow`` keys (all optional, but the zones must be
derivable): ``from_zone``, ``to_zone``, ``ingress_interface``, ``source``, ``dest`` (addresses),
``proto`` (tcp, udp, icmp, icmp6, sctp, any; tcp when only a port is given), ``sport``, ``dport``,
``application``. The ingress zone comes from ``from_zone``, else ``ingress_interface``, else the
interface whose subnet (or route) holds ``source``. The pre-NAT destination zone comes from
``to_zone``, else the virtual wire peer, else a route lookup of ``dest`` in the ingress interface's
router. A field the flow leaves out matches only rules that do not restrict it; a rule that does
is reported as undecided and skipped. Verdict::

    {'action': 'allow'|'deny'|'drop'|'reset-client'|'reset-server'|'reset-both',
     'allowed': bool,
     'rule': {'rulebase': 'security'|'default', 'name', 'position' (1-based, None for defaults), 'action'},
     'nat': None | {'rulebase': 'nat', 'name', 'position', 'source_translation', 'destination_translation'},
     'zones': {'from', 'to' (post-NAT, what security rules match), 'to_pre_nat'},
     'interfaces': {'ingress', 'egress_pre_nat', 'egress'},
     'route': lookup of the (translated) destination or None,
     'post_nat': {'dest', 'dport'},
     'reason': one sentence,
     'assumptions': [sentences], 'undecided': [{'rulebase', 'name', 'position', 'action', 'reason'}],
     'certain': bool (no assumption or undecided rule could change whether the flow is allowed),
     'flow': the normalised flow}

``evaluate_many(flows)`` maps ``evaluate``. Errors in the configuration or a flow raise
``PolicyError`` (a ``ValidationError``) with one sentence naming the object.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import panos_objects as po
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_network import Network, Trace
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_rules import read_rules

HAS_NETADDR = po.HAS_NETADDR
IMPORT_ERROR = po.IMPORT_ERROR

PROTOCOLS = ('tcp', 'udp', 'icmp', 'icmp6', 'sctp')
DEFAULT_DEVICE = 'localhost.localdomain'


class PolicyError(ValidationError):
    """The configuration or a flow cannot be evaluated."""


def device_and_vsys(root, vsys):
    """(device entry, vsys entry, shared) of a parsed configuration."""
    if root.tag == 'response':
        root = root.find('result/config') if root.find('result/config') is not None else root.find('result')
    if root is not None and root.tag == 'result' and root.find('config') is not None:
        root = root.find('config')
    if root is None:
        raise PolicyError('The configuration holds no <config> element')
    if root.tag == 'config':
        devices = root.findall('devices/entry')
        device = next((d for d in devices if d.get('name') == DEFAULT_DEVICE), devices[0] if devices else None)
        shared = root.find('shared')
    elif root.tag == 'entry' and root.find('vsys') is not None:
        device, shared = root, None
    else:
        raise PolicyError('The configuration must be a <config> element or a device <entry>, not <%s>' % root.tag)
    if device is None:
        raise PolicyError('The configuration holds no devices/entry element')
    vsys_node = next((v for v in device.findall('vsys/entry') if v.get('name') == vsys), None)
    if vsys_node is None:
        raise PolicyError('The configuration has no vsys %s' % vsys)
    return device, vsys_node, shared


def parse_config(config):
    if isinstance(config, ET.Element):
        return config
    if isinstance(config, bytes):
        config = config.decode('utf-8')
    try:
        return ET.fromstring(config.strip())
    except (ET.ParseError, AttributeError) as exc:
        raise PolicyError('The configuration is not well-formed XML: %s' % exc)


class Packet(object):
    """The fields rules match on."""

    __slots__ = ('from_zone', 'to_zone', 'source', 'dest', 'proto', 'dport', 'sport', 'application', 'family')

    def __init__(self, **fields):
        for name in self.__slots__:
            setattr(self, name, fields.get(name))


def _port(flow, key):
    value = flow.get(key)
    if value is None or value == '':
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = -1
    if not 0 <= port <= 65535:
        raise PolicyError('The flow has an invalid %s %r' % (key, value))
    return port


def _address(flow, key):
    value = flow.get(key)
    if value is None or value == '':
        return None
    address = po.ip_address(str(value).strip())
    if address is None:
        raise PolicyError('The flow has an invalid %s address %r (give one IP address)' % (key, value))
    return address


def normalize_flow(flow):
    """Check and normalise a flow dict; returns a dict with the values used."""
    proto = (flow.get('proto') or '').strip().lower() or None
    if proto == 'any':
        proto = None
    if proto in ('icmpv6', 'ipv6-icmp'):
        proto = 'icmp6'
    if proto is not None and proto not in PROTOCOLS:
        raise PolicyError('The flow has an unknown protocol %r (use %s or any)' % (flow.get('proto'), ', '.join(PROTOCOLS)))
    found = {
        'from_zone': flow.get('from_zone') or None, 'to_zone': flow.get('to_zone') or None,
        'ingress_interface': flow.get('ingress_interface') or None,
        'source': _address(flow, 'source'), 'dest': _address(flow, 'dest'),
        'proto': proto, 'sport': _port(flow, 'sport'), 'dport': _port(flow, 'dport'),
        'application': flow.get('application') or None,
    }
    if found['proto'] is None and found['dport'] is not None:
        found['proto'] = 'tcp'
    if found['proto'] in ('icmp', 'icmp6'):
        found['sport'] = found['dport'] = None
    families = set(a.version for a in (found['source'], found['dest']) if a is not None)
    if len(families) > 1:
        raise PolicyError('The flow mixes IPv4 and IPv6 addresses')
    found['family'] = families.pop() if families else None
    return found


def _flow_view(found):
    view = dict((key, value) for key, value in found.items() if key != 'family')
    for key in ('source', 'dest'):
        if view[key] is not None:
            view[key] = str(view[key])
    return view


class Verdict(object):
    """A verdict as it is built up; ``as_dict`` gives the public shape."""

    def __init__(self, flow):
        self.flow = flow
        self.trace = Trace()
        self.undecided = []
        self.zones = {'from': None, 'to': None, 'to_pre_nat': None}
        self.interfaces = {'ingress': None, 'egress_pre_nat': None, 'egress': None}
        self.route = None
        self.nat = None
        self.post_nat = {'dest': None, 'dport': None}
        self.action = None
        self.rule = None
        self.reason = None

    def decide(self, action, rule, reason):
        self.action, self.rule, self.reason = action, rule, reason
        return self

    def certain(self):
        if self.trace.uncertain:
            return False
        allowed = self.action == 'allow'
        for item in self.undecided:
            if item['rulebase'] != 'security' or (item.get('action') == 'allow') != allowed:
                return False
        return True

    def as_dict(self):
        return {
            'action': self.action, 'allowed': self.action == 'allow', 'rule': self.rule, 'nat': self.nat,
            'zones': dict(self.zones), 'interfaces': dict(self.interfaces), 'route': self.route,
            'post_nat': dict(self.post_nat), 'reason': self.reason, 'assumptions': list(self.trace.assumptions),
            'undecided': list(self.undecided), 'certain': self.certain(), 'flow': _flow_view(self.flow),
        }


class PanosPolicy(object):
    """The policy of one vsys of a PAN-OS firewall configuration (see the module docstring)."""

    def __init__(self, config, vsys='vsys1', interface_addresses=None):
        po.require_netaddr()
        self.vsys = vsys
        device, vsys_node, shared = device_and_vsys(parse_config(config), vsys)
        try:
            self.book = po.ObjectBook(vsys_node, shared)
            self.network = Network(device, vsys_node, self.book, interface_addresses)
            self.security_rules, self.nat_rules, self.default_actions = read_rules(vsys_node, self.book)
        except (po.ObjectError, ValueError) as exc:
            raise PolicyError('The configuration of %s cannot be read: %s' % (vsys, exc))

    # -- public ----------------------------------------------------------------------------------
    def evaluate(self, flow):
        verdict = Verdict(normalize_flow(flow))
        self._evaluate(verdict)
        return verdict.as_dict()

    def evaluate_many(self, flows):
        return [self.evaluate(flow) for flow in flows]

    def zones(self):
        return dict((name, dict(zone)) for name, zone in self.network.zones.items())

    # -- steps -----------------------------------------------------------------------------------
    def _evaluate(self, verdict):
        flow = verdict.flow
        self._ingress(verdict)
        if not self._egress_pre_nat(verdict):
            return
        packet = Packet(from_zone=verdict.zones['from'], to_zone=verdict.zones['to_pre_nat'], source=flow['source'],
                        dest=flow['dest'], proto=flow['proto'], dport=flow['dport'], sport=flow['sport'],
                        application=self._application(verdict), family=flow['family'])
        nat_rule = self._nat(verdict, packet)
        if not self._post_nat(verdict, nat_rule):
            return
        packet.to_zone = verdict.zones['to']
        self._security(verdict, packet)

    def _zone_known(self, verdict, zone):
        if zone not in self.network.zones:
            verdict.trace.assume('zone %s is not defined in %s' % (zone, self.vsys), uncertain=True)

    def _ingress(self, verdict):
        flow = verdict.flow
        interface = flow['ingress_interface']
        if interface:
            if interface not in self.network.interfaces and interface not in self.network.zone_of:
                raise PolicyError('The ingress interface %s does not exist in the configuration' % interface)
            zone = self.network.zone_of.get(interface)
            if zone is None:
                raise PolicyError('The ingress interface %s is in no zone of %s: the firewall drops its traffic' % (interface, self.vsys))
            if flow['from_zone'] and flow['from_zone'] != zone:
                raise PolicyError('The flow gives from_zone %s but its ingress interface %s is in zone %s' % (
                    flow['from_zone'], interface, zone))
        elif flow['from_zone']:
            zone = flow['from_zone']
            self._zone_known(verdict, zone)
        elif flow['source'] is not None:
            interface = self.network.ingress_for(flow['source'], verdict.trace)
            if interface is None:
                raise PolicyError('Cannot tell on which interface traffic from %s arrives: give from_zone or ingress_interface' % flow['source'])
            zone = self.network.zone_of[interface]
        else:
            raise PolicyError('The flow needs from_zone, ingress_interface or source')
        verdict.zones['from'] = zone
        verdict.interfaces['ingress'] = interface

    def _router(self, verdict):
        """The router that forwards the flow: the ingress interface's, else one of the ingress zone's."""
        interface = verdict.interfaces['ingress']
        if interface:
            return self.network.router_of.get(interface)
        routers = self.network.routers_of_zone(verdict.zones['from'])
        if len(routers) > 1:
            verdict.trace.assume('zone %s has interfaces in routers %s; %s was used for route lookups' % (
                verdict.zones['from'], ', '.join(routers), routers[0]), uncertain=True)
        if routers:
            return routers[0]
        if len(self.network.routers) == 1:
            return next(iter(self.network.routers))
        return None

    def _egress_pre_nat(self, verdict):
        flow = verdict.flow
        peer = self.network.vwire_peer.get(verdict.interfaces['ingress'] or '')
        if flow['to_zone']:
            verdict.zones['to_pre_nat'] = flow['to_zone']
            self._zone_known(verdict, flow['to_zone'])
            if flow['dest'] is not None and not peer:
                found = self._lookup(verdict, flow['dest'], Trace())
                if found and self.network.zone_of.get(found['interface']) == flow['to_zone']:
                    verdict.interfaces['egress_pre_nat'] = found['interface']
            return True
        if peer:
            return self._set_egress(verdict, peer, 'virtual wire peer of %s' % verdict.interfaces['ingress'])
        if flow['dest'] is None:
            raise PolicyError('The flow needs to_zone or dest (to find the destination zone)')
        found = self._lookup(verdict, flow['dest'], verdict.trace)
        if not self._routed(verdict, found, flow['dest']):
            return False
        verdict.route = found
        return self._set_egress(verdict, found['interface'], 'route')

    def _lookup(self, verdict, address, trace):
        router = self._router(verdict)
        if router is None:
            return None
        return self.network.lookup(router, address, trace)

    def _routed(self, verdict, found, address):
        if found is None:
            router = self._router(verdict)
            where = 'router %s' % router if router else 'any router (the ingress interface is in none)'
            verdict.decide('drop', None, 'no route to %s in %s: the firewall drops the packet' % (address, where))
            return False
        if found['kind'] == 'discard':
            verdict.route = found
            verdict.decide('drop', None, 'route %s discards traffic to %s' % (found['route']['router_entry'], address))
            return False
        if not found.get('interface'):
            verdict.route = found
            verdict.decide('drop', None, 'route %s to %s has no usable egress interface' % (found['route']['router_entry'], address))
            return False
        return True

    def _set_egress(self, verdict, interface, how):
        zone = self.network.zone_of.get(interface)
        verdict.interfaces['egress_pre_nat'] = interface
        if zone is None:
            verdict.decide('drop', None, 'egress interface %s (%s) is in no zone: the firewall drops the packet' % (interface, how))
            return False
        verdict.zones['to_pre_nat'] = zone
        if verdict.route and verdict.route.get('kind') == 'local':
            verdict.trace.assume('the destination is an address of the firewall itself (%s); its interface management '
                                 'profile decides which services answer' % interface)
        return True

    def _application(self, verdict):
        flow = verdict.flow
        if flow['application']:
            return flow['application']
        guessed = po.infer_application(flow['proto'], flow['dport'])
        if guessed:
            port = flow['proto'] if flow['dport'] is None else '%s/%s' % (flow['proto'], flow['dport'])
            verdict.trace.assume('application %s assumed from %s (the flow names none)' % (guessed, port))
        return guessed

    def _nat(self, verdict, packet):
        for rule in self.nat_rules:
            state, reason = rule.match(packet, verdict.interfaces['egress_pre_nat'])
            if state == po.YES:
                verdict.nat = rule.describe()
                return rule
            if state == po.MAYBE:
                verdict.undecided.append({'rulebase': 'nat', 'name': rule.name, 'position': rule.position, 'reason': reason})
        return None

    def _post_nat(self, verdict, rule):
        flow = verdict.flow
        verdict.zones['to'] = verdict.zones['to_pre_nat']
        verdict.interfaces['egress'] = verdict.interfaces['egress_pre_nat']
        verdict.post_nat = {'dest': str(flow['dest']) if flow['dest'] is not None else None, 'dport': flow['dport']}
        translation = rule.destination_translation if rule is not None else None
        if rule is not None and rule.source_translation:
            self._describe_snat(verdict)
        if not translation:
            return True
        if translation['translated_port']:
            verdict.post_nat['dport'] = translation['translated_port']
        if not translation['translated_address']:
            return True
        host, note = self.book.resolve_host(translation['translated_address'])
        if note:
            verdict.trace.assume('NAT rule %s: %s' % (rule.name, note), uncertain=host is None)
        if host is None:
            verdict.trace.assume('the post-NAT zone is unknown; the pre-NAT zone %s was used' % verdict.zones['to'], uncertain=True)
            return True
        verdict.post_nat['dest'] = str(host)
        found = self._lookup(verdict, host, verdict.trace)
        if not self._routed(verdict, found, host):
            return False
        verdict.route = found
        zone = self.network.zone_of.get(found['interface'])
        verdict.interfaces['egress'] = found['interface']
        if zone is None:
            verdict.decide('drop', None, 'the translated destination %s leaves through %s, which is in no zone' % (host, found['interface']))
            return False
        verdict.zones['to'] = zone
        return True

    def _describe_snat(self, verdict):
        translation = verdict.nat.get('source_translation') or {}
        interface = translation.get('interface')
        if interface and not translation.get('interface_ip'):
            networks = self.network.interfaces.get(interface).networks if interface in self.network.interfaces else []
            if networks:
                translation['interface_ip'] = str(networks[0].ip)
            else:
                verdict.trace.assume('source NAT to the address of %s, which is known only on the device' % interface)

    def _security(self, verdict, packet):
        for rule in self.security_rules:
            state, reason = rule.match(packet, self.book)
            if state == po.YES:
                verdict.decide(rule.action, rule.describe(), self._because(verdict, 'security rule %s (#%d)' % (rule.name, rule.position), rule.action))
                return
            if state == po.MAYBE:
                verdict.undecided.append({'rulebase': 'security', 'name': rule.name, 'position': rule.position,
                                          'action': rule.action, 'reason': reason})
        name = 'intrazone-default' if packet.from_zone == packet.to_zone else 'interzone-default'
        action = self.default_actions[name]
        rule = {'rulebase': 'default', 'name': name, 'position': None, 'action': action}
        verdict.decide(action, rule, self._because(verdict, 'default rule %s' % name, action))

    @staticmethod
    def _because(verdict, what, action):
        text = '%s: %s %s -> %s' % (what, action, verdict.zones['from'], verdict.zones['to'])
        if verdict.nat:
            translation = verdict.nat.get('destination_translation')
            if translation and verdict.post_nat['dest']:
                text += ' after destination NAT %s to %s' % (verdict.nat['name'], verdict.post_nat['dest'])
            elif verdict.nat.get('source_translation'):
                text += ' with source NAT %s' % verdict.nat['name']
        return text
