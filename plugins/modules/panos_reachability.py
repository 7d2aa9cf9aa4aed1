#!/usr/bin/python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: panos_reachability
short_description: Check which flows a PAN-OS firewall configuration allows, offline or from the device
version_added: 0.1.0
description:
  - Evaluates flows against the security and NAT policy of one vsys of a PAN-OS firewall and says, for each flow,
    what the firewall does with a new session and which rule decides, without sending any traffic.
  - The configuration comes from a file (O(config_file)), from text (O(config_xml)), or from the device with one
    read of C(/config) (the running or the candidate configuration, see O(config_source)).
    Nothing is ever written to the device.
  - The evaluation follows the firewall's order. The ingress zone comes from the ingress interface (or the zone
    given). The pre-NAT destination zone comes from a route lookup of the original destination in the virtual
    router of the ingress interface (connected subnets, local addresses, static routes by longest prefix, then
    administrative distance, then metric). NAT rules match first, top-down, on pre-NAT zones, addresses and
    service; a destination NAT changes the destination (and port) and so, through a second route lookup, the
    destination zone. Security rules match first, top-down, on the pre-NAT addresses and service and the post-NAT
    destination zone. Then the predefined C(intrazone-default) (allow) and C(interzone-default) (deny) apply, with
    their overrides from C(default-security-rules).
  - Address objects (ip-netmask, ip-range, ip-wildcard), static address groups (nested), service objects and
    groups, the predefined C(service-http) and C(service-https), application groups, negated source and destination,
    disabled rules and the rule types universal, intrazone and interzone are evaluated exactly.
  - What the configuration alone cannot settle is never guessed silently. FQDN objects, external dynamic lists,
    regions, dynamic address groups, application filters, users, URL categories, HIP profiles, schedules, and
    C(application-default) for an application whose default ports are not known (only web-browsing, ssl, ssh,
    dns, ntp, ping and icmp are built in, plus custom applications of the configuration) make a rule
    B(undecided). An undecided rule is listed in the verdict and skipped, and the verdict is marked uncertain
    when such a rule could have changed whether the flow is allowed.
  - When a flow gives no application, the application is assumed from a well-known port (tcp/80 web-browsing,
    tcp/443 ssl, tcp/22 ssh, tcp and udp/53 dns, udp/123 ntp, icmp ping) and the assumption is listed.
  - The module fails when a flow does not meet its O(flows[].expect) or O(flows[].expect_rule), with a table of
    the failing flows in RV(msg); every verdict is returned either way.
author:
  - Zonewarden Team (@zonewarden)
extends_documentation_fragment:
  - zonewarden.firewall._panos
  - zonewarden.firewall._attributes
  - zonewarden.firewall._attributes.actiongroup_panos
attributes:
  check_mode:
    support: full
    details: The module never changes anything; check mode gives the same result.
  diff_mode:
    support: N/A
    details: The module never changes anything.
  idempotent:
    support: full
options:
  host:
    description:
      - Host name or address of the PAN-OS management interface.
      - If not set, the value of the E(PANOS_HOST) environment variable is used.
      - Required unless O(config_file) or O(config_xml) is given; with either of them the connection options
        are ignored.
    type: str
    required: false
  config_file:
    description:
      - Path of a configuration file on the managed node, as C(show config running) or an export gives it.
      - A whole C(<config>) element, or an API answer C(<response><result><config>).
      - Mutually exclusive with O(config_xml).
    type: path
  config_xml:
    description:
      - The configuration as XML text, in the same forms as O(config_file).
    type: str
  config_source:
    description:
      - Which configuration to read from the device when neither O(config_file) nor O(config_xml) is given.
      - V(running) is what the firewall enforces now; V(candidate) includes changes that are not committed yet.
    type: str
    choices: [running, candidate]
    default: running
  vsys:
    description: The vsys whose zones, objects and rulebases are evaluated.
    type: str
    default: vsys1
  interface_addresses:
    description:
      - Addresses with prefix length (for example V(10.0.1.5/24)) of interfaces that get theirs by DHCP, keyed by
        interface name.
      - Without them the subnets of DHCP interfaces are unknown offline; verdicts say so.
    type: dict
    default: {}
  strict:
    description:
      - Also fail a flow with an expectation when its verdict is uncertain (an undecided rule or an assumption
        could change whether the flow is allowed).
    type: bool
    default: false
  flows:
    description:
      - The flows to evaluate, each a new session's first packet.
      - The ingress zone comes from O(flows[].from_zone), else from O(flows[].ingress_interface), else from the
        interface whose connected subnet (or route) holds O(flows[].source).
      - The destination zone comes from O(flows[].to_zone), else from a route lookup of O(flows[].dest).
      - A field that is left out matches only rules that do not restrict it; rules that do are reported as
        undecided.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: A label for the flow in the result and in the failure table.
        type: str
      from_zone:
        description: The ingress zone.
        type: str
      to_zone:
        description: The pre-NAT destination zone. A destination NAT rule can still change the zone security rules see.
        type: str
      ingress_interface:
        description: The interface the packet arrives on, for example V(ethernet1/2).
        type: str
      source:
        description: Source IP address.
        type: str
      dest:
        description: Destination IP address (before NAT).
        type: str
      proto:
        description:
          - IP protocol. V(any) or unset matches only services that are V(any).
          - V(tcp) when only O(flows[].dport) is given.
        type: str
        choices: [tcp, udp, icmp, icmp6, sctp, any]
      sport:
        description: Source port.
        type: int
      dport:
        description: Destination port (before NAT).
        type: int
      application:
        description:
          - App-ID of the traffic, for example V(ssl) or V(web-browsing).
          - When unset it is assumed from a well-known port, see the description.
        type: str
      expect:
        description:
          - The expected outcome. V(deny) is met by every action that does not allow the session (deny, drop,
            reset-client, reset-server, reset-both, or a drop for lack of a route).
          - Without O(flows[].expect) and O(flows[].expect_rule) the flow is only reported.
        type: str
        choices: [allow, deny]
      expect_rule:
        description:
          - Name of the rule expected to decide the flow, for example V(web-published) or V(interzone-default).
        type: str
notes:
  - Pre-rules and post-rules pushed by Panorama, policy-based forwarding, dynamic routing protocols, multi-vsys
    traffic between vsys, and the reverse direction of bi-directional static NAT are not evaluated.
  - Connected subnets of DHCP interfaces and DHCP default gateways are known only on the device; give the
    addresses in O(interface_addresses) to include them.
  - Requires the Python library netaddr on the node that runs the module; reading from the device also needs
    pan-os-python.
seealso:
  - module: zonewarden.firewall.panos_security_rules
  - module: zonewarden.firewall.panos_nat_rules
  - module: zonewarden.firewall.panos_info
'''

EXAMPLES = r'''
- name: Assert the three-zone DMZ one-way valve on the running configuration
  zonewarden.firewall.panos_reachability:
    host: fw1.example.org
    api_key: "{{ vault_panos_api_key }}"
    ca_path: /etc/pki/fw1-ca.pem
    flows:
      - {name: trust to dmz web, from_zone: trust, to_zone: dmz, dest: 10.0.2.10, dport: 443, expect: allow}
      - {name: trust to internet, from_zone: trust, to_zone: untrust, dport: 443, expect: allow}
      - {name: dmz to internet, from_zone: dmz, to_zone: untrust, dport: 443, expect: allow}
      - {name: dmz to trust ssh, from_zone: dmz, to_zone: trust, dport: 22, expect: deny}
      - {name: inbound to dmz, from_zone: untrust, to_zone: dmz, dport: 22, expect: deny}
      - name: published web server
        ingress_interface: ethernet1/1
        source: 198.51.100.7
        dest: 203.0.113.10
        dport: 443
        expect: allow
        expect_rule: web-published

- name: Check a plan offline before it is applied
  zonewarden.firewall.panos_reachability:
    config_file: "{{ playbook_dir }}/files/fw1-candidate.xml"
    strict: true
    interface_addresses:
      ethernet1/1: 203.0.113.2/24
    flows:
      - {source: 10.0.1.20, dest: 10.0.1.1, proto: tcp, dport: 443, expect: allow}

- name: Report what the uncommitted candidate would allow, without failing
  zonewarden.firewall.panos_reachability:
    config_source: candidate
    flows:
      - {from_zone: dmz, to_zone: trust, proto: udp, dport: 514}
  register: candidate_check
'''

RETURN = r'''
verdicts:
  description: One verdict per flow, in the order of O(flows).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: 1-based position of the flow in O(flows).
      type: int
    label:
      description: O(flows[].name), or a label made from the flow.
      type: str
    action:
      description: V(allow), V(deny), V(drop), V(reset-client), V(reset-server) or V(reset-both).
      type: str
    allowed:
      description: Whether the session is allowed.
      type: bool
    rule:
      description:
        - The deciding rule with C(rulebase) (V(security) or V(default)), C(name), C(position) (1-based, null for
          default rules) and C(action).
        - Null when the packet is dropped before the policy (no route, interface in no zone).
      type: dict
    nat:
      description: The NAT rule that applied (C(name), C(position), C(source_translation), C(destination_translation)) or null.
      type: dict
    zones:
      description: C(from), C(to) (post-NAT, what security rules match) and C(to_pre_nat).
      type: dict
    interfaces:
      description: C(ingress), C(egress_pre_nat) and C(egress), when known.
      type: dict
    route:
      description: The route used for the (translated) destination, with C(router), C(interface) and C(route).
      type: dict
    post_nat:
      description: C(dest) and C(dport) after destination NAT.
      type: dict
    reason:
      description: One sentence on what decided.
      type: str
    assumptions:
      description: What the evaluation assumed, in sentences.
      type: list
      elements: str
    undecided:
      description: Rules that could not be decided from the configuration and were skipped, with C(reason).
      type: list
      elements: dict
    certain:
      description: False when an undecided rule or an assumption could change whether the flow is allowed.
      type: bool
    flow:
      description: The flow as evaluated (normalised).
      type: dict
    passed:
      description: Whether the expectation was met; null when the flow has none.
      type: bool
    problem:
      description: What did not meet the expectation.
      type: str
  sample:
    - index: 1
      label: dmz to trust ssh
      action: deny
      allowed: false
      rule: {rulebase: security, name: deny-dmz-to-trust, position: 6, action: deny}
      nat: null
      zones: {from: dmz, to: trust, to_pre_nat: trust}
      certain: true
      passed: true
failures:
  description: The verdicts that did not meet their expectation (same shape as RV(verdicts)).
  returned: always
  type: list
  elements: dict
summary:
  description: Counts of C(flows), C(checked) (with an expectation), C(passed), C(failed) and C(uncertain).
  returned: always
  type: dict
  sample: {"flows": 6, "checked": 6, "passed": 6, "failed": 0, "uncertain": 0}
config_origin:
  description: Where the configuration came from.
  returned: always
  type: str
  sample: running configuration of fw1.example.org
msg:
  description: A summary, or the table of the flows that did not meet their expectation.
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos_reach import argument_spec, run


def main():
    module = AnsibleModule(argument_spec=argument_spec(), mutually_exclusive=[('config_file', 'config_xml')],
                           supports_check_mode=True)
    run(module)


if __name__ == '__main__':
    main()
