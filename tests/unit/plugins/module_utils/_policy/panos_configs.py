# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small hand-written PAN-OS configurations for the evaluator and panos_reachability tests.

``build(...)`` wraps XML fragments into a whole ``<config>``; the helpers write the fragments
the way a firewall exports them (member lists, entries by name). ``dmz_config()`` is the
three-zone DMZ: untrust ethernet1/1 203.0.113.2/24, trust ethernet1/2 10.0.1.1/24, dmz
ethernet1/3 10.0.2.1/24, default route via 203.0.113.1, the one-way valve rules, source NAT
outbound and the web server 10.0.2.10 published as 203.0.113.10 (https only).
"""

from __future__ import annotations

SKELETON = ('<config version="11.0.0"><shared>{shared}</shared><devices><entry name="localhost.localdomain">'
            '<network><interface>{interfaces}</interface>{network}<virtual-router>{routers}</virtual-router></network>'
            '<vsys><entry name="vsys1"><zone>{zones}</zone><address>{addresses}</address>'
            '<address-group>{groups}</address-group><service>{services}</service><service-group>{service_groups}</service-group>'
            '{vsys}<rulebase><security><rules>{security}</rules></security><nat><rules>{nat}</rules></nat>'
            '{defaults}</rulebase></entry></vsys></entry></devices></config>')


def members(tag, values):
    if isinstance(values, str):
        values = [values]
    return '<%s>%s</%s>' % (tag, ''.join('<member>%s</member>' % v for v in values), tag)


def ethernet(name, *addresses, **kwargs):
    """A layer3 ethernet entry; dhcp=True/'no-route' for a DHCP client, mode= for other modes."""
    mode = kwargs.get('mode', 'layer3')
    if mode != 'layer3':
        return '<entry name="%s"><%s/></entry>' % (name, mode)
    ips = ''.join('<entry name="%s"/>' % a for a in addresses)
    dhcp = kwargs.get('dhcp')
    body = '<ip>%s</ip>' % ips if ips else ''
    if dhcp:
        body += '<dhcp-client><create-default-route>%s</create-default-route></dhcp-client>' % ('no' if dhcp == 'no-route' else 'yes')
    return '<entry name="%s"><layer3>%s</layer3></entry>' % (name, body)


def loopback(name, address):
    return '<loopback><units><entry name="%s"><ip><entry name="%s"/></ip></entry></units></loopback>' % (name, address)


def zone(name, interfaces, kind='layer3'):
    return '<entry name="%s"><network>%s</network></entry>' % (name, members(kind, interfaces))


def route(name, destination, nexthop=None, interface=None, metric=None, admin_dist=None, next_vr=None, discard=False):
    hop = ''
    if nexthop:
        hop = '<nexthop><ip-address>%s</ip-address></nexthop>' % nexthop
    elif next_vr:
        hop = '<nexthop><next-vr>%s</next-vr></nexthop>' % next_vr
    elif discard:
        hop = '<nexthop><discard/></nexthop>'
    parts = [hop, '<destination>%s</destination>' % destination]
    if interface:
        parts.append('<interface>%s</interface>' % interface)
    if metric is not None:
        parts.append('<metric>%d</metric>' % metric)
    if admin_dist is not None:
        parts.append('<admin-dist>%d</admin-dist>' % admin_dist)
    return '<entry name="%s">%s</entry>' % (name, ''.join(parts))


def router(name, interfaces, routes=()):
    return '<entry name="%s">%s<routing-table><ip><static-route>%s</static-route></ip></routing-table></entry>' % (
        name, members('interface', interfaces), ''.join(routes))


def address(name, value, kind='ip-netmask'):
    return '<entry name="%s"><%s>%s</%s></entry>' % (name, kind, value, kind)


def group(name, values, dynamic=None):
    if dynamic:
        return '<entry name="%s"><dynamic><filter>%s</filter></dynamic></entry>' % (name, dynamic)
    return '<entry name="%s">%s</entry>' % (name, members('static', values))


def service(name, proto, port, source_port=None):
    source = '<source-port>%s</source-port>' % source_port if source_port else ''
    return '<entry name="%s"><protocol><%s><port>%s</port>%s</%s></protocol></entry>' % (name, proto, port, source, proto)


def service_group(name, values):
    return '<entry name="%s">%s</entry>' % (name, members('members', values))


def rule(name, frm='any', to='any', source='any', destination='any', application='any', service='any', action='allow', **extra):
    """A security rule; extra: rule_type, disabled, negate_source, negate_destination, source_user, category, schedule."""
    parts = [members('from', frm), members('to', to), members('source', source), members('destination', destination),
             members('application', application), members('service', service), '<action>%s</action>' % action]
    if extra.get('rule_type'):
        parts.append('<rule-type>%s</rule-type>' % extra['rule_type'])
    for flag in ('disabled', 'negate_source', 'negate_destination'):
        if extra.get(flag):
            parts.append('<%s>yes</%s>' % (flag.replace('_', '-'), flag.replace('_', '-')))
    if extra.get('source_user'):
        parts.append(members('source-user', extra['source_user']))
    if extra.get('category'):
        parts.append(members('category', extra['category']))
    if extra.get('schedule'):
        parts.append('<schedule>%s</schedule>' % extra['schedule'])
    return '<entry name="%s" uuid="00000000-0000-0000-0000-000000000000">%s</entry>' % (name, ''.join(parts))


def nat(name, frm, to, source='any', destination='any', service='any', to_interface=None, snat_interface=None,
        snat_addresses=None, dnat=None, dnat_port=None, dynamic_dnat=False, disabled=False):
    parts = [members('from', frm), members('to', to), members('source', source), members('destination', destination),
             '<service>%s</service>' % service]
    if to_interface:
        parts.append('<to-interface>%s</to-interface>' % to_interface)
    if snat_interface:
        parts.append('<source-translation><dynamic-ip-and-port><interface-address><interface>%s</interface>'
                     '</interface-address></dynamic-ip-and-port></source-translation>' % snat_interface)
    if snat_addresses:
        parts.append('<source-translation><dynamic-ip-and-port>%s</dynamic-ip-and-port></source-translation>'
                     % members('translated-address', snat_addresses))
    if dnat:
        tag = 'dynamic-destination-translation' if dynamic_dnat else 'destination-translation'
        port = '<translated-port>%d</translated-port>' % dnat_port if dnat_port else ''
        parts.append('<%s><translated-address>%s</translated-address>%s</%s>' % (tag, dnat, port, tag))
    if disabled:
        parts.append('<disabled>yes</disabled>')
    return '<entry name="%s">%s</entry>' % (name, ''.join(parts))


def defaults(intrazone=None, interzone=None):
    entries = ''
    for name, action in (('intrazone-default', intrazone), ('interzone-default', interzone)):
        if action:
            entries += '<entry name="%s"><action>%s</action><log-end>yes</log-end></entry>' % (name, action)
    return '<default-security-rules><rules>%s</rules></default-security-rules>' % entries


def build(interfaces=(), zones=(), routers=(), addresses=(), groups=(), services=(), service_groups=(), security=(),
          nat_rules=(), default_rules='', shared='', vsys='', network='', loopbacks=''):
    return SKELETON.format(
        interfaces='<ethernet>%s</ethernet>%s' % (''.join(interfaces), loopbacks), network=network,
        routers=''.join(routers), zones=''.join(zones), addresses=''.join(addresses), groups=''.join(groups),
        services=''.join(services), service_groups=''.join(service_groups), vsys=vsys, security=''.join(security),
        nat=''.join(nat_rules), defaults=default_rules, shared=shared)


DMZ_INTERFACES = (ethernet('ethernet1/1', '203.0.113.2/24'), ethernet('ethernet1/2', '10.0.1.1/24'), ethernet('ethernet1/3', '10.0.2.1/24'))
DMZ_ZONES = (zone('untrust', ['ethernet1/1']), zone('trust', ['ethernet1/2']), zone('dmz', ['ethernet1/3']))
DMZ_ROUTER = router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'],
                    [route('default-route', '0.0.0.0/0', nexthop='203.0.113.1', interface='ethernet1/1')])


def topology(**kwargs):
    """The DMZ's interfaces, zones and router with other parts as given."""
    kwargs.setdefault('interfaces', DMZ_INTERFACES)
    kwargs.setdefault('zones', DMZ_ZONES)
    kwargs.setdefault('routers', (DMZ_ROUTER,))
    return build(**kwargs)


def dmz_config(extra_rules=(), published=True):
    security = [
        rule('trust-to-dmz', 'trust', 'dmz', source='trust-net', application=['ssl', 'web-browsing', 'ssh'], service='application-default'),
        rule('trust-to-untrust', 'trust', 'untrust', source='trust-net'),
        rule('dmz-to-untrust', 'dmz', 'untrust', application=['dns', 'ntp', 'web-browsing', 'ssl'], service='application-default'),
    ]
    if published:
        security.append(rule('web-published', 'untrust', 'dmz', destination='public-web', service=['service-https', 'tcp-8443']))
    security.extend(extra_rules)
    security.append(rule('deny-dmz-to-trust', 'dmz', 'trust', action='deny'))
    nat_rules = [nat('snat-outbound', ['trust', 'dmz'], 'untrust', snat_interface='ethernet1/1')]
    if published:
        nat_rules.append(nat('dnat-web', 'untrust', 'untrust', destination='public-web', service='service-https', dnat='dmz-web'))
    return topology(
        addresses=(address('dmz-web', '10.0.2.10'), address('dmz-net', '10.0.2.0/24'), address('trust-net', '10.0.1.0/24'),
                   address('public-web', '203.0.113.10')),
        services=(service('tcp-8443', 'tcp', '8443'),),
        security=security, nat_rules=nat_rules)
