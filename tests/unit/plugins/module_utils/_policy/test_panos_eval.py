# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offline PAN-OS policy evaluator: one small hand-written configuration per semantic feature,
the three-zone DMZ one-way valve, and the shared reference configurations (read in place)."""

from __future__ import annotations

import pytest

from labcore.reference import reference_path

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos import PanosPolicy, PolicyError
from ansible_collections.zonewarden.firewall.tests.unit.plugins.module_utils._policy.panos_configs import (
    address,
    build,
    defaults,
    dmz_config,
    ethernet,
    group,
    loopback,
    members,
    nat,
    route,
    router,
    rule,
    service,
    service_group,
    topology,
    zone,
)

REFERENCE_CONFIGS = ('factory-baseline-11.0.xml', 'iron-skillet-full-11.0.xml', 'trust-untrust-nat-ha-10.1.xml')


def evaluate(config, **flow):
    return PanosPolicy(config).evaluate(flow)


def undecided_names(verdict):
    return [item['name'] for item in verdict['undecided']]


def reference_text(name):
    with open(reference_path('panos', 'configs', name), encoding='utf-8') as handle:
        return handle.read()


# -- zones and routing ---------------------------------------------------------------------------

class TestZonesAndRoutes:
    def test_ingress_zone_from_interface_and_egress_from_route(self):
        verdict = evaluate(topology(), ingress_interface='ethernet1/2', source='10.0.1.5', dest='10.0.2.7', dport=22)
        assert verdict['zones'] == {'from': 'trust', 'to': 'dmz', 'to_pre_nat': 'dmz'}
        assert verdict['interfaces']['egress'] == 'ethernet1/3'
        assert verdict['route']['route']['kind'] == 'connected'
        assert verdict['rule']['name'] == 'interzone-default' and verdict['action'] == 'deny'

    def test_ingress_zone_from_the_connected_subnet_of_the_source(self):
        verdict = evaluate(topology(), source='10.0.2.9', dest='10.0.2.20', dport=80)
        assert verdict['zones']['from'] == 'dmz'
        assert verdict['interfaces']['ingress'] == 'ethernet1/3'
        assert any('connected subnet 10.0.2.0/24' in text for text in verdict['assumptions'])
        assert verdict['rule']['name'] == 'intrazone-default' and verdict['allowed']

    def test_ingress_zone_from_the_route_back_to_a_remote_source(self):
        verdict = evaluate(topology(), source='198.51.100.7', dest='10.0.1.20', dport=443)
        assert verdict['zones']['from'] == 'untrust'
        assert any('route back to the source' in text and 'default-route' in text for text in verdict['assumptions'])

    def test_unknown_ingress_is_an_error(self):
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3']),))
        with pytest.raises(PolicyError, match='give from_zone or ingress_interface'):
            evaluate(config, source='198.51.100.7', dest='10.0.1.20')

    def test_flow_needs_a_destination_zone_or_address(self):
        with pytest.raises(PolicyError, match='to_zone or dest'):
            evaluate(topology(), from_zone='trust')

    def test_longest_prefix_wins_over_metric(self):
        routes = [route('wide', '10.8.0.0/13', nexthop='10.0.1.254', interface='ethernet1/2', metric=1),
                  route('narrow', '10.9.0.0/16', nexthop='10.0.2.254', interface='ethernet1/3', metric=200)]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        assert evaluate(config, from_zone='untrust', dest='10.9.1.1')['zones']['to'] == 'dmz'
        assert evaluate(config, from_zone='untrust', dest='10.10.1.1')['zones']['to'] == 'trust'

    def test_admin_distance_then_metric_break_ties(self):
        routes = [route('cheap-metric', '172.16.0.0/12', interface='ethernet1/2', metric=1, admin_dist=200),
                  route('low-distance', '172.16.0.0/12', interface='ethernet1/3', metric=50, admin_dist=20),
                  route('low-distance-worse-metric', '172.16.0.0/12', interface='ethernet1/1', metric=60, admin_dist=20)]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        verdict = evaluate(config, from_zone='untrust', dest='172.16.5.5')
        assert verdict['route']['route']['router_entry'] == 'low-distance'
        assert verdict['zones']['to'] == 'dmz'

    def test_connected_subnet_beats_a_static_route_of_the_same_prefix(self):
        routes = [route('shadow', '10.0.2.0/24', interface='ethernet1/1')]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        assert evaluate(config, from_zone='trust', dest='10.0.2.50')['zones']['to'] == 'dmz'

    def test_next_hop_without_interface_is_resolved_through_the_connected_subnet(self):
        routes = [route('lab', '192.168.50.0/24', nexthop='10.0.2.254')]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        verdict = evaluate(config, from_zone='trust', dest='192.168.50.5')
        assert verdict['interfaces']['egress'] == 'ethernet1/3' and verdict['zones']['to'] == 'dmz'

    def test_no_route_drops_before_the_policy(self):
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3']),))
        verdict = evaluate(config, from_zone='trust', dest='8.8.8.8', dport=53, proto='udp')
        assert verdict['action'] == 'drop' and verdict['rule'] is None
        assert 'no route to 8.8.8.8' in verdict['reason']

    def test_discard_route_drops(self):
        routes = [route('blackhole', '192.0.2.0/24', discard=True)]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        verdict = evaluate(config, from_zone='trust', dest='192.0.2.9')
        assert verdict['action'] == 'drop' and 'discards' in verdict['reason']

    def test_route_to_an_interface_in_no_zone_drops(self):
        config = topology(interfaces=(ethernet('ethernet1/1', '203.0.113.2/24'), ethernet('ethernet1/2', '10.0.1.1/24'),
                                      ethernet('ethernet1/3', '10.0.2.1/24'), ethernet('ethernet1/4', '10.0.4.1/24')),
                          routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3', 'ethernet1/4']),))
        verdict = evaluate(config, from_zone='trust', dest='10.0.4.8')
        assert verdict['action'] == 'drop' and 'in no zone' in verdict['reason']

    def test_traffic_to_the_firewall_itself_lands_in_the_interface_zone(self):
        config = topology(security=(rule('ping-fw', 'trust', 'untrust', destination='203.0.113.2', application='ping',
                                         service='application-default'),))
        verdict = evaluate(config, from_zone='trust', dest='203.0.113.2', proto='icmp')
        assert verdict['route']['kind'] == 'local' and verdict['zones']['to'] == 'untrust'
        assert verdict['rule']['name'] == 'ping-fw'
        assert any('address of the firewall itself' in text for text in verdict['assumptions'])

    def test_next_vr_continues_in_the_other_router(self):
        routers = (router('outer', ['ethernet1/1'], [route('to-inner', '10.0.0.0/8', next_vr='inner')]),
                   router('inner', ['ethernet1/2', 'ethernet1/3']))
        verdict = evaluate(topology(routers=routers), ingress_interface='ethernet1/1', source='198.51.100.1', dest='10.0.2.4')
        assert verdict['route']['router'] == 'inner' and verdict['route']['via_router'] == 'outer'
        assert verdict['zones']['to'] == 'dmz'

    def test_equal_cost_paths_through_different_zones_are_uncertain(self):
        routes = [route('via-trust', '172.20.0.0/16', interface='ethernet1/2'), route('via-dmz', '172.20.0.0/16', interface='ethernet1/3')]
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3'], routes),))
        verdict = evaluate(config, from_zone='untrust', dest='172.20.1.1')
        assert verdict['zones']['to'] == 'trust' and not verdict['certain']
        assert any('equal-cost' in text for text in verdict['assumptions'])

    def test_dhcp_interfaces_are_said_to_be_unknown_unless_given(self):
        interfaces = (ethernet('ethernet1/1', dhcp=True), ethernet('ethernet1/2', '10.0.1.1/24'), ethernet('ethernet1/3', '10.0.2.1/24'))
        config = topology(interfaces=interfaces, routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3']),))
        verdict = evaluate(config, from_zone='trust', dest='8.8.8.8', dport=443)
        assert verdict['zones']['to'] == 'untrust' and verdict['route']['kind'] == 'dhcp'
        assert any('DHCP interfaces ethernet1/1' in text for text in verdict['assumptions'])
        guessed = evaluate(config, source='100.64.9.9', dest='10.0.1.5', dport=22)
        assert any('route back to the source' in text for text in guessed['assumptions'])
        policy = PanosPolicy(config, interface_addresses={'ethernet1/1': '100.64.9.2/24'})
        known = policy.evaluate({'source': '100.64.9.9', 'dest': '10.0.1.5', 'dport': 22})
        assert known['zones']['from'] == 'untrust'
        assert any('connected subnet 100.64.9.0/24' in text for text in known['assumptions'])
        assert not any('DHCP interfaces' in text for text in known['assumptions'])

    def test_virtual_wire_peer_gives_the_destination_zone(self):
        network = '<virtual-wire><entry name="vw"><interface1>ethernet1/1</interface1><interface2>ethernet1/2</interface2></entry></virtual-wire>'
        config = build(interfaces=(ethernet('ethernet1/1', mode='virtual-wire'), ethernet('ethernet1/2', mode='virtual-wire')),
                       zones=(zone('outside', ['ethernet1/1'], 'virtual-wire'), zone('inside', ['ethernet1/2'], 'virtual-wire')),
                       network=network, security=(rule('in-to-out', 'inside', 'outside'),))
        out = evaluate(config, ingress_interface='ethernet1/2', source='10.1.1.1', dest='8.8.8.8', dport=443)
        assert out['zones'] == {'from': 'inside', 'to': 'outside', 'to_pre_nat': 'outside'} and out['rule']['name'] == 'in-to-out'
        back = evaluate(config, ingress_interface='ethernet1/1', source='8.8.8.8', dest='10.1.1.1', dport=443)
        assert back['zones']['to'] == 'inside' and back['rule']['name'] == 'interzone-default'

    def test_ipv6_connected_routes(self):
        interfaces = (ethernet('ethernet1/1', '2001:db8:1::1/64'), ethernet('ethernet1/2', '2001:db8:2::1/64'))
        config = build(interfaces=interfaces, zones=(zone('a', ['ethernet1/1']), zone('b', ['ethernet1/2'])),
                       routers=(router('default', ['ethernet1/1', 'ethernet1/2']),), security=(rule('a-to-b', 'a', 'b', destination='2001:db8:2::/64'),))
        verdict = evaluate(config, source='2001:db8:1::5', dest='2001:db8:2::9', dport=443)
        assert verdict['zones'] == {'from': 'a', 'to': 'b', 'to_pre_nat': 'b'} and verdict['rule']['name'] == 'a-to-b'

    def test_zone_names_without_addresses(self):
        verdict = evaluate(topology(security=(rule('t-d', 'trust', 'dmz'),)), from_zone='trust', to_zone='dmz', dport=8080)
        assert verdict['rule']['name'] == 't-d' and verdict['route'] is None

    def test_undefined_zone_makes_the_verdict_uncertain(self):
        verdict = evaluate(topology(), from_zone='trsut', to_zone='dmz')
        assert not verdict['certain'] and any('trsut is not defined' in text for text in verdict['assumptions'])

    def test_interface_and_zone_must_agree(self):
        with pytest.raises(PolicyError, match='is in zone trust'):
            evaluate(topology(), from_zone='dmz', ingress_interface='ethernet1/2', to_zone='untrust')
        with pytest.raises(PolicyError, match='does not exist'):
            evaluate(topology(), ingress_interface='ethernet1/9', to_zone='untrust')


# -- addresses -----------------------------------------------------------------------------------

class TestAddresses:
    def config(self, *rules, **parts):
        parts.setdefault('addresses', (
            address('web', '10.0.2.10'), address('pool', '10.0.2.20-10.0.2.29', 'ip-range'),
            address('odd-hosts', '10.0.2.1/0.0.0.254', 'ip-wildcard'), address('cdn', 'cdn.example.org', 'fqdn'),
            address('net', '10.0.2.0/25'),
        ))
        parts.setdefault('groups', (group('inner', ['web', 'pool']), group('outer', ['inner', '10.0.2.40/30']),
                                    group('loop-a', ['loop-b', 'web']), group('loop-b', ['loop-a']), group('tagged', [], dynamic="'web'")))
        return topology(security=rules, **parts)

    def test_ip_netmask_and_ip_range(self):
        config = self.config(rule('to-pool', 'trust', 'dmz', destination='pool'))
        assert evaluate(config, from_zone='trust', dest='10.0.2.25', dport=1)['rule']['name'] == 'to-pool'
        assert evaluate(config, from_zone='trust', dest='10.0.2.30', dport=1)['rule']['name'] == 'interzone-default'

    def test_ip_wildcard(self):
        config = self.config(rule('odd', 'trust', 'dmz', destination='odd-hosts'))
        assert evaluate(config, from_zone='trust', dest='10.0.2.7', dport=1)['rule']['name'] == 'odd'
        assert evaluate(config, from_zone='trust', dest='10.0.2.8', dport=1)['rule']['name'] == 'interzone-default'

    def test_nested_groups_and_literals(self):
        config = self.config(rule('outer', 'trust', 'dmz', destination='outer'))
        for dest, expected in (('10.0.2.10', 'outer'), ('10.0.2.21', 'outer'), ('10.0.2.42', 'outer'), ('10.0.2.44', 'interzone-default')):
            assert evaluate(config, from_zone='trust', dest=dest, dport=1)['rule']['name'] == expected, dest

    def test_group_cycles_terminate(self):
        config = self.config(rule('loop', 'trust', 'dmz', destination='loop-a'))
        assert evaluate(config, from_zone='trust', dest='10.0.2.10', dport=1)['rule']['name'] == 'loop'

    def test_fqdn_is_unknown_and_said_so(self):
        config = self.config(rule('cdn-deny', 'trust', 'untrust', destination='cdn', action='deny'), rule('out', 'trust', 'untrust'))
        verdict = evaluate(config, from_zone='trust', dest='198.51.100.80', dport=443)
        assert verdict['rule']['name'] == 'out' and verdict['allowed']
        assert undecided_names(verdict) == ['cdn-deny'] and 'FQDN cdn.example.org' in verdict['undecided'][0]['reason']
        assert not verdict['certain']

    def test_dynamic_group_and_undefined_names_are_unknown(self):
        config = self.config(rule('dag', 'trust', 'dmz', destination='tagged'), rule('typo', 'trust', 'dmz', destination='wbe'))
        verdict = evaluate(config, from_zone='trust', dest='10.0.2.10', dport=1)
        reasons = ' '.join(item['reason'] for item in verdict['undecided'])
        assert undecided_names(verdict) == ['dag', 'typo'] and 'dynamic address group' in reasons and 'wbe is not defined' in reasons

    def test_negate_source_and_destination(self):
        config = self.config(rule('not-web', 'trust', 'dmz', destination='web', negate_destination=True, action='deny'),
                             rule('not-net', 'trust', 'dmz', source='10.0.1.0/28', negate_source=True, action='reset-both'),
                             rule('rest', 'trust', 'dmz'))
        assert evaluate(config, source='10.0.1.5', dest='10.0.2.11', dport=1)['rule']['name'] == 'not-web'
        assert evaluate(config, source='10.0.1.5', dest='10.0.2.10', dport=1)['rule']['name'] == 'rest'
        verdict = evaluate(config, source='10.0.1.99', dest='10.0.2.10', dport=1)
        assert verdict['rule']['name'] == 'not-net' and verdict['action'] == 'reset-both' and not verdict['allowed']

    def test_shared_objects_are_visible_and_vsys_objects_win(self):
        shared = '<address>%s%s</address>' % (address('shared-only', '10.0.2.50'), address('web', '10.0.2.99'))
        config = self.config(rule('shared', 'trust', 'dmz', destination=['shared-only', 'web']), shared=shared)
        assert evaluate(config, from_zone='trust', dest='10.0.2.50', dport=1)['rule']['name'] == 'shared'
        assert evaluate(config, from_zone='trust', dest='10.0.2.10', dport=1)['rule']['name'] == 'shared'
        assert evaluate(config, from_zone='trust', dest='10.0.2.99', dport=1)['rule']['name'] == 'interzone-default'

    def test_missing_flow_address_against_a_restricting_rule_is_undecided(self):
        config = self.config(rule('web-only', 'trust', 'dmz', destination='web'), rule('deny-rest', 'trust', 'dmz', action='deny'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=443)
        assert verdict['rule']['name'] == 'deny-rest' and undecided_names(verdict) == ['web-only']
        assert 'no destination address' in verdict['undecided'][0]['reason'] and not verdict['certain']


# -- services and applications ---------------------------------------------------------------------

class TestServicesAndApplications:
    def config(self, *rules, **parts):
        parts.setdefault('services', (service('web-ports', 'tcp', '80,8000-8099'), service('syslog', 'udp', '514'),
                                      service('from-low', 'tcp', '9000', source_port='1-1023')))
        parts.setdefault('service_groups', (service_group('inner', ['syslog']), service_group('outer', ['inner', 'web-ports'])))
        return topology(security=rules, **parts)

    def test_port_lists_ranges_and_protocols(self):
        config = self.config(rule('web', 'trust', 'dmz', service='web-ports'))
        for proto, port, expected in (('tcp', 80, 'web'), ('tcp', 8050, 'web'), ('tcp', 8100, 'interzone-default'),
                                      ('udp', 80, 'interzone-default')):
            assert evaluate(config, from_zone='trust', to_zone='dmz', proto=proto, dport=port)['rule']['name'] == expected

    def test_nested_service_groups(self):
        config = self.config(rule('grp', 'trust', 'dmz', service='outer'))
        assert evaluate(config, from_zone='trust', to_zone='dmz', proto='udp', dport=514)['rule']['name'] == 'grp'
        assert evaluate(config, from_zone='trust', to_zone='dmz', proto='udp', dport=515)['rule']['name'] == 'interzone-default'

    def test_source_port_restriction(self):
        config = self.config(rule('low', 'trust', 'dmz', service='from-low'))
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=9000, sport=999)['rule']['name'] == 'low'
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=9000, sport=40000)['rule']['name'] == 'interzone-default'
        assert undecided_names(evaluate(config, from_zone='trust', to_zone='dmz', dport=9000)) == ['low']

    def test_predefined_services(self):
        config = self.config(rule('http', 'trust', 'dmz', service=['service-http', 'service-https']))
        for port, expected in ((80, 'http'), (8080, 'http'), (443, 'http'), (8443, 'interzone-default')):
            assert evaluate(config, from_zone='trust', to_zone='dmz', dport=port)['rule']['name'] == expected

    def test_service_any_matches_icmp_but_port_services_do_not(self):
        config = self.config(rule('ports', 'trust', 'dmz', service='web-ports'), rule('anything', 'trust', 'dmz'))
        assert evaluate(config, from_zone='trust', to_zone='dmz', proto='icmp')['rule']['name'] == 'anything'

    def test_application_default_for_known_applications(self):
        config = self.config(rule('web', 'trust', 'dmz', application='web-browsing', service='application-default'),
                             rule('dns', 'trust', 'dmz', application='dns', service='application-default'))
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=80, application='web-browsing')['rule']['name'] == 'web'
        off_port = evaluate(config, from_zone='trust', to_zone='dmz', dport=8080, application='web-browsing')
        assert off_port['rule']['name'] == 'interzone-default' and off_port['certain']
        assert evaluate(config, from_zone='trust', to_zone='dmz', proto='udp', dport=53, application='dns')['rule']['name'] == 'dns'

    def test_application_default_for_unknown_applications_is_flagged(self):
        config = self.config(rule('rdp', 'trust', 'dmz', application='ms-rdp', service='application-default'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=3389, application='ms-rdp')
        assert verdict['rule']['name'] == 'interzone-default' and not verdict['certain']
        assert 'unknown: application-default' in verdict['undecided'][0]['reason']

    def test_application_default_of_a_custom_application(self):
        vsys = '<application><entry name="inventory"><default><port><member>tcp/7000-7010</member></port></default></entry></application>'
        config = self.config(rule('inv', 'trust', 'dmz', application='inventory', service='application-default'), vsys=vsys)
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=7005, application='inventory')['rule']['name'] == 'inv'
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=7011, application='inventory')['rule']['name'] == 'interzone-default'

    def test_application_assumed_from_a_well_known_port(self):
        config = self.config(rule('ssh', 'trust', 'dmz', application='ssh', service='application-default'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=22)
        assert verdict['rule']['name'] == 'ssh'
        assert any('application ssh assumed from tcp/22' in text for text in verdict['assumptions'])
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=22, application='ssl')['rule']['name'] == 'interzone-default'

    def test_no_application_on_a_port_none_of_the_rule_applications_uses(self):
        config = self.config(rule('web', 'trust', 'dmz', application=['web-browsing', 'ssl'], service='application-default'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=3306)
        assert verdict['rule']['name'] == 'interzone-default' and verdict['undecided'] == [] and verdict['certain']

    def test_named_application_with_explicit_service_and_no_application_given(self):
        config = self.config(rule('git', 'trust', 'dmz', application='git', service='web-ports'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=8000)
        assert undecided_names(verdict) == ['git'] and 'names no application' in verdict['undecided'][0]['reason']
        assert evaluate(config, from_zone='trust', to_zone='dmz', dport=8000, application='git')['rule']['name'] == 'git'

    def test_application_groups_and_filters(self):
        vsys = ('<application-group><entry name="remote">%s</entry><entry name="admin">%s</entry></application-group>'
                '<application-filter><entry name="risky"><risk><member>5</member></risk></entry></application-filter>') % (
            members('members', ['ssh', 'ms-rdp']), members('members', ['remote']))
        config = self.config(rule('filtered', 'trust', 'dmz', application='risky', action='deny'),
                             rule('admin', 'trust', 'dmz', application='admin'), vsys=vsys)
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=3389, application='ms-rdp')
        assert verdict['rule']['name'] == 'admin' and undecided_names(verdict) == ['filtered']
        assert 'application filter' in verdict['undecided'][0]['reason'] and not verdict['certain']

    def test_user_category_and_schedule_restrictions_are_undecided(self):
        config = self.config(rule('users', 'trust', 'dmz', source_user='corp\\admins'), rule('urls', 'trust', 'dmz', category='news'),
                             rule('timed', 'trust', 'dmz', schedule='office-hours'), rule('rest', 'trust', 'dmz'))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=443)
        assert verdict['rule']['name'] == 'rest' and undecided_names(verdict) == ['users', 'urls', 'timed']
        # Every undecided rule allows too: whatever they do, the flow is allowed.
        assert verdict['certain']


# -- rule order, types and defaults ----------------------------------------------------------------

class TestRulebase:
    def test_first_match_wins_and_positions_are_reported(self):
        config = topology(security=(rule('block-ssh', 'trust', 'dmz', service='ssh-port', action='drop'), rule('allow-all', 'trust', 'dmz')),
                          services=(service('ssh-port', 'tcp', '22'),))
        blocked = evaluate(config, from_zone='trust', to_zone='dmz', dport=22)
        assert blocked['action'] == 'drop' and blocked['rule'] == {'rulebase': 'security', 'name': 'block-ssh', 'position': 1, 'action': 'drop'}
        other = evaluate(config, from_zone='trust', to_zone='dmz', dport=443)
        assert other['rule']['name'] == 'allow-all' and other['rule']['position'] == 2

    def test_disabled_rules_are_skipped(self):
        config = topology(security=(rule('off', 'trust', 'dmz', disabled=True),))
        verdict = evaluate(config, from_zone='trust', to_zone='dmz', dport=443)
        assert verdict['rule']['name'] == 'interzone-default' and verdict['undecided'] == []

    def test_rule_types(self):
        config = topology(security=(rule('intra', 'any', 'any', rule_type='intrazone', action='deny'),
                                    rule('inter', 'trust', 'dmz', rule_type='interzone', action='reset-client'),
                                    rule('universal', 'trust', ['trust', 'dmz'])))
        assert evaluate(config, from_zone='dmz', to_zone='dmz')['rule']['name'] == 'intra'
        assert evaluate(config, from_zone='trust', to_zone='dmz')['rule']['name'] == 'inter'
        intrazone_only = topology(security=(rule('intra', 'trust', 'trust', rule_type='intrazone', action='deny'),
                                            rule('universal', 'trust', ['trust', 'dmz'])))
        assert evaluate(intrazone_only, from_zone='trust', to_zone='dmz')['rule']['name'] == 'universal'
        interzone_only = topology(security=(rule('inter', 'trust', 'trust', rule_type='interzone', action='deny'),
                                            rule('universal', 'trust', ['trust', 'dmz'])))
        assert evaluate(interzone_only, from_zone='trust', to_zone='trust')['rule']['name'] == 'universal'

    def test_default_rules(self):
        intra = evaluate(topology(), from_zone='dmz', to_zone='dmz')
        assert intra['rule'] == {'rulebase': 'default', 'name': 'intrazone-default', 'position': None, 'action': 'allow'}
        inter = evaluate(topology(), from_zone='dmz', to_zone='trust')
        assert inter['rule']['name'] == 'interzone-default' and inter['action'] == 'deny' and not inter['allowed']

    def test_default_rule_overrides(self):
        config = topology(default_rules=defaults(intrazone='deny', interzone='drop'))
        assert evaluate(config, from_zone='dmz', to_zone='dmz')['action'] == 'deny'
        assert evaluate(config, from_zone='dmz', to_zone='trust')['action'] == 'drop'
        only_inter = topology(default_rules=defaults(interzone='allow'))
        assert evaluate(only_inter, from_zone='dmz', to_zone='trust')['allowed']
        assert evaluate(only_inter, from_zone='dmz', to_zone='dmz')['action'] == 'allow'


# -- NAT -------------------------------------------------------------------------------------------

class TestNat:
    def test_destination_nat_changes_the_zone_and_rules_match_the_pre_nat_address(self):
        config = dmz_config(extra_rules=[rule('post-nat-address', 'untrust', 'dmz', destination='dmz-web', action='deny')])
        verdict = evaluate(config, ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443)
        assert verdict['nat']['name'] == 'dnat-web' and verdict['nat']['position'] == 2
        assert verdict['zones'] == {'from': 'untrust', 'to': 'dmz', 'to_pre_nat': 'untrust'}
        assert verdict['post_nat']['dest'] == '10.0.2.10' and verdict['interfaces']['egress'] == 'ethernet1/3'
        assert verdict['rule']['name'] == 'web-published' and verdict['allowed']
        assert 'after destination NAT dnat-web to 10.0.2.10' in verdict['reason']

    def test_a_rule_on_the_post_nat_address_does_not_match(self):
        config = dmz_config(published=False, extra_rules=[rule('wrong-published', 'untrust', 'dmz', destination='dmz-web')])
        config = config.replace('<nat><rules>', '<nat><rules>' + nat('dnat-web', 'untrust', 'untrust', destination='public-web', dnat='dmz-web'))
        verdict = evaluate(config, ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443)
        assert verdict['zones']['to'] == 'dmz' and verdict['rule']['name'] == 'interzone-default'

    def test_port_translation_keeps_the_pre_nat_service_for_security(self):
        config = topology(addresses=(address('public', '203.0.113.10'),), services=(service('tcp-2222', 'tcp', '2222'), service('tcp-22', 'tcp', '22')),
                          nat_rules=(nat('ssh-in', 'untrust', 'untrust', destination='public', service='tcp-2222', dnat='10.0.2.22', dnat_port=22),),
                          security=(rule('by-post-port', 'untrust', 'dmz', service='tcp-22', action='deny'),
                                    rule('by-pre-port', 'untrust', 'dmz', destination='public', service='tcp-2222')))
        verdict = evaluate(config, from_zone='untrust', source='198.51.100.7', dest='203.0.113.10', dport=2222)
        assert verdict['post_nat'] == {'dest': '10.0.2.22', 'dport': 22}
        assert verdict['rule']['name'] == 'by-pre-port'

    def test_source_nat_is_noted_and_does_not_permit(self):
        config = topology(nat_rules=(nat('snat', 'trust', 'untrust', snat_interface='ethernet1/1'),))
        verdict = evaluate(config, from_zone='trust', dest='198.51.100.7', dport=443)
        assert verdict['nat']['source_translation'] == {'type': 'dynamic-ip-and-port', 'interface': 'ethernet1/1', 'interface_ip': '203.0.113.2'}
        assert verdict['rule']['name'] == 'interzone-default' and not verdict['allowed']
        assert 'with source NAT snat' in verdict['reason']

    def test_nat_first_match_disabled_to_interface_and_service(self):
        rules = (nat('off', 'untrust', 'untrust', dnat='10.0.2.5', disabled=True),
                 nat('wrong-port', 'untrust', 'untrust', service='service-http', dnat='10.0.2.6'),
                 nat('wrong-if', 'untrust', 'untrust', to_interface='ethernet1/2', dnat='10.0.1.7'),
                 nat('hit', 'untrust', 'untrust', to_interface='ethernet1/1', dnat='10.0.1.8'),
                 nat('later', 'untrust', 'untrust', dnat='10.0.2.9'))
        verdict = evaluate(topology(nat_rules=rules), ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.50', dport=443)
        assert verdict['nat']['name'] == 'hit' and verdict['zones']['to'] == 'trust' and verdict['post_nat']['dest'] == '10.0.1.8'

    def test_nat_to_interface_with_zones_only_is_undecided(self):
        rules = (nat('pinned', 'untrust', 'untrust', to_interface='ethernet1/1', dnat='10.0.1.8'),)
        verdict = evaluate(topology(nat_rules=rules), from_zone='untrust', to_zone='untrust', dport=443)
        assert verdict['nat'] is None and verdict['undecided'][0]['rulebase'] == 'nat' and not verdict['certain']

    def test_dynamic_destination_translation_to_an_fqdn_is_unknown(self):
        config = topology(addresses=(address('backend', 'app.internal.example', 'fqdn'),),
                          nat_rules=(nat('dyn', 'untrust', 'untrust', dnat='backend', dynamic_dnat=True),))
        verdict = evaluate(config, from_zone='untrust', dest='203.0.113.77', dport=443)
        assert verdict['nat']['destination_translation']['dynamic'] and verdict['zones']['to'] == 'untrust'
        assert not verdict['certain'] and any('post-NAT zone is unknown' in text for text in verdict['assumptions'])

    def test_translated_address_without_a_route_drops(self):
        config = topology(routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3']),),
                          nat_rules=(nat('far', 'untrust', 'untrust', dnat='192.0.2.200'),))
        verdict = evaluate(config, from_zone='untrust', dest='203.0.113.9', dport=443)
        assert verdict['action'] == 'drop' and 'no route to 192.0.2.200' in verdict['reason']


# -- the three-zone DMZ one-way valve ---------------------------------------------------------------

VALVE = [
    # (label, flow, allowed, deciding rule)
    ('trust to dmz web', dict(source='10.0.1.20', dest='10.0.2.10', dport=443), True, 'trust-to-dmz'),
    ('trust to dmz ssh', dict(source='10.0.1.20', dest='10.0.2.10', dport=22), True, 'trust-to-dmz'),
    ('trust to internet', dict(source='10.0.1.20', dest='198.51.100.80', proto='udp', dport=5000), True, 'trust-to-untrust'),
    ('dmz to internet', dict(source='10.0.2.10', dest='198.51.100.80', dport=443), True, 'dmz-to-untrust'),
    ('dmz to trust', dict(source='10.0.2.10', dest='10.0.1.20', dport=22), False, 'deny-dmz-to-trust'),
    ('dmz to trust by zone', dict(from_zone='dmz', to_zone='trust', proto='udp', dport=514), False, 'deny-dmz-to-trust'),
    ('inbound to dmz', dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='10.0.2.10', dport=22), False, 'interzone-default'),
    ('inbound to trust', dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='10.0.1.20', dport=443), False, 'interzone-default'),
    ('published web', dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443), True, 'web-published'),
    ('published address, other port', dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=22),
     True, 'intrazone-default'),
]


@pytest.mark.parametrize('label, flow, allowed, rule_name', VALVE, ids=[item[0] for item in VALVE])
def test_three_zone_dmz_one_way_valve(label, flow, allowed, rule_name):
    verdict = PanosPolicy(dmz_config()).evaluate(flow)
    assert verdict['allowed'] is allowed, (label, verdict['reason'])
    assert verdict['rule']['name'] == rule_name, (label, verdict['reason'])


def test_dmz_published_port_goes_to_the_dmz_only_through_nat():
    policy = PanosPolicy(dmz_config())
    published = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443))
    assert published['zones']['to'] == 'dmz' and published['nat']['name'] == 'dnat-web'
    # The hairpin on the published address without NAT stays in untrust: it never reaches the DMZ.
    other = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=22))
    assert other['zones']['to'] == 'untrust' and other['nat'] is None
    # 8443 is in the rule's services but not published by NAT: direct access to the server is denied.
    direct = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='10.0.2.10', dport=8443))
    assert direct['zones']['to'] == 'dmz' and not direct['allowed']


def test_dmz_without_publication_denies_everything_inbound():
    policy = PanosPolicy(dmz_config(published=False))
    verdict = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.10', dport=443))
    assert verdict['zones']['to'] == 'untrust' and verdict['nat'] is None
    inbound = policy.evaluate(dict(from_zone='untrust', to_zone='dmz', dport=443))
    assert not inbound['allowed'] and inbound['rule']['name'] == 'interzone-default'


def test_dmz_outbound_is_source_natted():
    verdict = PanosPolicy(dmz_config()).evaluate(dict(source='10.0.2.10', dest='198.51.100.80', proto='udp', dport=53))
    assert verdict['rule']['name'] == 'dmz-to-untrust' and verdict['nat']['name'] == 'snat-outbound'
    assert verdict['nat']['source_translation']['interface_ip'] == '203.0.113.2'


# -- reference configurations (read in place from the shared reference folder) ---------------------

@pytest.mark.parametrize('name', REFERENCE_CONFIGS)
def test_reference_configs_load_and_evaluate(name):
    policy = PanosPolicy(reference_text(name))
    verdict = policy.evaluate(dict(from_zone='trust', to_zone='untrust', source='10.0.2.5', dest='198.51.100.7', dport=443))
    assert verdict['action'] in ('allow', 'deny', 'drop')
    assert verdict['rule'] is not None
    assert policy.network.problems == []


@pytest.fixture(scope='module')
def policy():
    return PanosPolicy(reference_text('trust-untrust-nat-ha-10.1.xml'))


class TestTrustUntrustReference:
    """trust-untrust-nat-ha-10.1.xml: untrust ethernet1/1 (DHCP, default route), trust ethernet1/2 (DHCP),
    loopback.1 203.0.113.10/32 (untrust), loopback.254 100.64.0.1/32 (probes), both default rules deny."""

    def test_zones_and_interfaces(self, policy):
        assert policy.zones()['untrust']['interfaces'] == ['ethernet1/1', 'loopback.1']
        assert policy.network.router_of['loopback.254'] == 'default'

    def test_inbound_web_is_translated_to_the_test_vm(self, policy):
        # inbound-app1 (NAT #4) sends 203.0.113.20 to test-vm 10.0.2.5, reached through route rfc-b (10/8 via ethernet1/2).
        verdict = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.20', dport=80))
        assert verdict['nat']['name'] == 'inbound-app1' and verdict['post_nat']['dest'] == '10.0.2.5'
        assert verdict['zones'] == {'from': 'untrust', 'to': 'trust', 'to_pre_nat': 'untrust'}
        assert verdict['route']['route']['router_entry'] == 'rfc-b'
        assert verdict['rule']['name'] == 'inbound-web' and verdict['allowed']

    def test_inbound_ssh_and_other_ports(self, policy):
        ssh = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.20', dport=22, application='ssh'))
        assert ssh['rule']['name'] == 'inbound-ssh' and ssh['allowed']
        rdp = policy.evaluate(dict(ingress_interface='ethernet1/1', source='198.51.100.7', dest='203.0.113.20', dport=3389, application='ms-rdp'))
        assert rdp['rule']['name'] == 'interzone-default' and rdp['action'] == 'deny'

    def test_load_balancer_health_checks_reach_the_probe_loopback(self, policy):
        # health-check-extlb (NAT #1): google-health-checks to ethernet1/1 become 100.64.0.1 on loopback.254 (zone probes).
        verdict = policy.evaluate(dict(ingress_interface='ethernet1/1', source='35.191.10.10', dest='203.0.113.20', dport=80))
        assert verdict['nat']['name'] == 'health-check-extlb'
        assert verdict['zones']['to'] == 'probes' and verdict['interfaces']['egress'] == 'loopback.254'
        assert verdict['rule']['name'] == 'health-probe' and verdict['allowed']

    def test_outbound_ssl_is_source_natted_to_loopback_1(self, policy):
        verdict = policy.evaluate(dict(from_zone='trust', source='10.0.2.5', dest='198.51.100.7', dport=443, application='ssl'))
        assert verdict['route']['kind'] == 'dhcp' and verdict['zones']['to'] == 'untrust'
        assert verdict['nat']['name'] == 'outbound' and verdict['nat']['source_translation']['interface_ip'] == '203.0.113.10'
        assert verdict['rule']['name'] == 'outbound' and verdict['allowed']

    def test_outbound_smtp_is_denied_with_undecided_rules(self, policy):
        # outbound allows apt-get and google-base on application-default, whose ports we do not know: undecided, said so.
        verdict = policy.evaluate(dict(from_zone='trust', source='10.0.2.5', dest='198.51.100.7', dport=25))
        assert verdict['action'] == 'deny' and 'outbound' in undecided_names(verdict) and not verdict['certain']
        assert 'apt-get' in verdict['undecided'][0]['reason']

    def test_intrazone_default_is_overridden_to_deny(self, policy):
        verdict = policy.evaluate(dict(from_zone='trust', to_zone='trust', dport=8080, application='web-browsing'))
        assert verdict['rule']['name'] == 'intrazone-default' and verdict['action'] == 'deny'

    def test_ping_is_allowed_everywhere(self, policy):
        verdict = policy.evaluate(dict(from_zone='untrust', to_zone='trust', proto='icmp'))
        assert verdict['rule']['name'] == 'all-ping' and verdict['allowed']


def test_iron_skillet_reference_edl_rules_are_undecided_and_defaults_overridden():
    policy = PanosPolicy(reference_text('iron-skillet-full-11.0.xml'))
    verdict = policy.evaluate(dict(from_zone='inside', to_zone='outside', source='10.1.1.1', dest='198.51.100.7', dport=443))
    assert undecided_names(verdict) == ['Outbound Block Rule', 'Inbound Block Rule']
    assert 'external dynamic list' in verdict['undecided'][0]['reason']
    assert verdict['rule']['name'] == 'interzone-default' and verdict['action'] == 'drop' and not verdict['certain']
    assert policy.evaluate(dict(from_zone='inside', to_zone='inside'))['action'] == 'allow'


# -- input forms and errors ------------------------------------------------------------------------

class TestInput:
    def test_api_answer_device_entry_and_bytes(self):
        config = topology(security=(rule('t-d', 'trust', 'dmz'),))
        answer = '<response status="success"><result>%s</result></response>' % config
        device = config[config.index('<entry name="localhost.localdomain">'):config.index('</devices>')]
        for form in (answer, device, config.encode('utf-8')):
            assert PanosPolicy(form).evaluate(dict(from_zone='trust', to_zone='dmz'))['rule']['name'] == 't-d'

    @pytest.mark.parametrize('text, message', [
        ('<config><devices>', 'not well-formed'),
        ('<zones/>', 'must be a <config>'),
        ('<config><devices/></config>', 'no devices/entry'),
    ])
    def test_bad_configurations(self, text, message):
        with pytest.raises(PolicyError, match=message):
            PanosPolicy(text)

    def test_bad_interface_addresses(self):
        with pytest.raises(PolicyError, match='not an address with prefix length'):
            PanosPolicy(topology(), interface_addresses={'ethernet1/1': 'dhcp'})

    def test_missing_vsys(self):
        with pytest.raises(PolicyError, match='no vsys vsys2'):
            PanosPolicy(topology(), vsys='vsys2')

    def test_bad_objects_name_the_object(self):
        with pytest.raises(PolicyError, match='address broken'):
            PanosPolicy(topology(addresses=(address('broken', '10.0.0.300/24'),), security=(rule('r', destination='broken'),)))
        with pytest.raises(PolicyError, match='invalid port'):
            PanosPolicy(topology(services=(service('bad', 'tcp', '80-'),), security=(rule('r', service='bad'),)))

    @pytest.mark.parametrize('flow, message', [
        (dict(from_zone='trust', dest='10.0.2.300'), 'invalid dest address'),
        (dict(from_zone='trust', to_zone='dmz', dport=70000), 'invalid dport'),
        (dict(from_zone='trust', to_zone='dmz', proto='gre'), 'unknown protocol'),
        (dict(source='10.0.1.5', dest='2001:db8::1'), 'mixes IPv4 and IPv6'),
        (dict(to_zone='dmz'), 'needs from_zone'),
    ])
    def test_bad_flows(self, flow, message):
        with pytest.raises(PolicyError, match=message):
            evaluate(topology(), **flow)

    def test_flow_defaults(self):
        verdict = evaluate(topology(), from_zone='trust', to_zone='dmz', dport=443, proto=None)
        assert verdict['flow']['proto'] == 'tcp'
        icmp = evaluate(topology(), from_zone='trust', to_zone='dmz', dport=8, proto='icmp')
        assert icmp['flow']['dport'] is None

    def test_loopback_units_are_interfaces(self):
        config = topology(loopbacks=loopback('loopback.5', '192.0.2.5/32'), zones=(zone('untrust', ['ethernet1/1']), zone('trust', ['ethernet1/2']),
                                                                                   zone('dmz', ['ethernet1/3']), zone('svc', ['loopback.5'])),
                          routers=(router('default', ['ethernet1/1', 'ethernet1/2', 'ethernet1/3', 'loopback.5']),))
        assert evaluate(config, from_zone='trust', dest='192.0.2.5', dport=443)['zones']['to'] == 'svc'
