# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the engine of pve_reachability, and the frame of the verification modules.

``run_verification(options, engine)`` builds the module with the shared connection options and
the configuration sources (``SOURCE_OPTIONS``); it contacts the API only when no offline source
(``fw_dir``, ``fw_files``, ``firewall``) is given. ``load_node(module, client)`` turns either
source into a ``PveFirewall`` for one node; ``check_flows`` evaluates the flows and
``failure_table`` renders the expectations that do not hold.
"""

from __future__ import annotations

import json
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError, ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy import pve_match
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_macros import load_macros
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.client import PveClient, check_libraries
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.fwstate import FwState, network_of, read_corosync, read_live
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.module import build_module

OFFLINE_SOURCES = ('fw_dir', 'fw_files', 'firewall')
SOURCE_OPTIONS = dict(
    fw_dir=dict(type='path'),
    fw_files=dict(type='dict'),
    firewall=dict(type='dict'),
    guests=dict(type='dict'),
    node=dict(type='str'),
    host_ip=dict(type='str'),
    local_network=dict(type='str'),
    corosync_conf=dict(type='path'),
    macros_file=dict(type='path'),
)
FLOW_FIELDS = ('from', 'to', 'source', 'dest', 'proto', 'sport', 'dport', 'icmp_type', 'dsttype', 'srctype', 'state')
FLOW_OPTIONS = dict(
    id=dict(type='str'),
    source=dict(type='str'),
    dest=dict(type='str'),
    proto=dict(type='str'),
    sport=dict(type='str'),
    dport=dict(type='str'),
    icmp_type=dict(type='str'),
    dsttype=dict(type='str'),
    srctype=dict(type='str'),
    state=dict(type='str'),
    expect=dict(type='str', aliases=['action']),
)
FLOW_OPTIONS['from'] = dict(type='str')
FLOW_OPTIONS['to'] = dict(type='str')
EXPECTATIONS = {'allow': ('ACCEPT',), 'deny': ('DROP', 'REJECT'), 'ACCEPT': ('ACCEPT',), 'DROP': ('DROP',),
                'REJECT': ('REJECT',)}
FIDELITIES = ('kernel', 'simulator')
CONNECTION_STATES = ('NEW', 'ESTABLISHED', 'RELATED', 'INVALID')
MAX_TABLE_ROWS = 50


# -- module frame ------------------------------------------------------------------------------------

def is_offline(params, sources=OFFLINE_SOURCES):
    return any(params.get(key) is not None for key in sources)


def run_verification(options, engine, offline_sources=OFFLINE_SOURCES, **kwargs):
    """Build the module, connect only for live mode, run ``engine(module, client)``; never writes."""
    kwargs.setdefault('mutually_exclusive', [])
    module = build_module(options, **kwargs)
    if not pve_match.HAS_NETADDR:
        module.fail_json(msg=missing_required_lib('netaddr'), exception=str(pve_match.IMPORT_ERROR))
    client = None
    if not is_offline(module.params, offline_sources):
        missing = check_libraries()
        if missing:
            module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
        client = PveClient(module.params)
    try:
        result = engine(module, client)
    except ZonewardenError as exc:
        extra = dict((key, value) for key, value in exc.details.items() if value)
        module.fail_json(msg=str(exc), exception=traceback.format_exc(), **extra)
    if client is not None:
        result['api_reads'] = client.reads
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)


# -- inputs -------------------------------------------------------------------------------------------

def read_text(path, what):
    try:
        with open(path, encoding='utf-8') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        raise ValidationError('cannot read %s %s: %s' % (what, path, exc))


def macros_from_params(params):
    """(macro data, warnings): the built-in definitions, adjusted by macros_file when given."""
    data = None
    if params.get('macros_file'):
        try:
            data = json.loads(read_text(params['macros_file'], 'macros_file'))
        except ValueError as exc:
            raise ValidationError('macros_file %s is not JSON: %s' % (params['macros_file'], exc))
    try:
        return load_macros(data)
    except ValueError as exc:
        raise ValidationError('macros_file %s: %s' % (params['macros_file'], exc))


def offline_state(params):
    """FwState from fw_dir, fw_files or firewall, with the guests option's NICs added."""
    if params.get('fw_dir'):
        state = FwState.from_dir(params['fw_dir'])
    elif params.get('fw_files') is not None:
        state = FwState.from_files(params['fw_files'])
    else:
        state = FwState.from_gathered(params['firewall'])
    state.add_vmdata(params.get('guests'))
    return state


def guessed_network(host_ip):
    """The /24 (IPv4) or /64 (IPv6) around host_ip: PVE's local network when nothing better is known."""
    if not host_ip:
        return None
    return network_of('%s/%s' % (host_ip, 64 if ':' in str(host_ip) else 24))


def check_address(value, option):
    if value is None:
        return None
    try:
        pve_match.packet_address(value)
    except pve_match.MatchError:
        raise ValidationError('%s %r is not an IP address or network' % (option, value))
    return value


class NodeContext(object):
    """One node's evaluator and what was assumed to build it."""

    def __init__(self, firewall, node, host_ip, local_network, warnings):
        self.firewall = firewall
        self.node = node
        self.host_ip = host_ip
        self.local_network = local_network
        self.warnings = warnings


def load_node(module, client, fidelity='kernel', guess_local_network=True):
    """A NodeContext for the node the options select, from the offline sources or the live API."""
    params = module.params
    macros, warnings = macros_from_params(params)
    host_ip = check_address(params.get('host_ip'), 'host_ip')
    local_network = check_address(params.get('local_network'), 'local_network')
    if host_ip and '/' in host_ip:
        # an interface address such as 192.0.2.10/24 names the local network too
        local_network = local_network or network_of(host_ip)
        host_ip = host_ip.partition('/')[0]
    node = params.get('node')
    corosync = read_text(params['corosync_conf'], 'corosync_conf') if params.get('corosync_conf') else None
    bridge = None
    if client is None:
        state = offline_state(params)
        node = state.pick_node(node)
        if node is not None and state.node_names() and node not in state.hosts and None not in state.hosts:
            warnings.append('node %s has no host.fw in the configuration: it has no host rules' % node)
    else:
        state, names, networks, _data = read_live(client, node=node)
        state.add_vmdata(params.get('guests'))
        node = names[0]
        info = networks.get(node) or {}
        host_ip = host_ip or info.get('address')
        local_network = local_network or info.get('local_network')
        bridge = info.get('bridge')
        if corosync is None:
            corosync = read_corosync(client, warnings)
    warnings.extend(state.warnings)
    for vmid in state.unplaced_guests(node):
        warnings.append('%s.fw: guest %s is not in guests (no NIC data), so its rules are not evaluated' % (vmid, vmid))
    if not host_ip:
        warnings.append('host_ip not known: the host zone uses a placeholder address (100.200.3.4)')
    has_alias = 'local_network' in ((state.cluster or {}).get('aliases') or {})
    if not local_network and not has_alias and guess_local_network and host_ip:
        local_network = guessed_network(host_ip)
        warnings.append('local_network not given: assuming %s around host_ip %s' % (local_network, host_ip))
    kwargs = dict(macros=macros, host_ip=host_ip, local_network=local_network, corosync=corosync,
                  fidelity=fidelity, carry_mark=fidelity == 'simulator')
    if bridge:
        kwargs['outside'] = '%s/eth0' % bridge
    try:
        firewall = state.evaluator(node, **kwargs)
    except ValueError as exc:
        raise ValidationError('cannot evaluate this configuration: %s' % exc)
    warnings.extend(firewall.warnings)
    return NodeContext(firewall, node, host_ip, local_network, warnings)


# -- flows --------------------------------------------------------------------------------------------

def normalize_expect(value, where):
    if value is None or value == '':
        return None
    text = str(value).strip()
    for key in EXPECTATIONS:
        if key.lower() == text.lower():
            return key
    raise ValidationError("%s.expect '%s' is not one of allow, deny, ACCEPT, DROP, REJECT" % (where, value))


def expectation_holds(expect, action):
    if expect is None:
        return None
    return action in EXPECTATIONS[expect]


def flow_input(flow, index):
    """The flow as the evaluator takes it (unset fields dropped, names upper-cased where PVE does)."""
    where = 'flows[%d]' % index
    data = {}
    for key in FLOW_FIELDS:
        value = flow.get(key)
        if value is None or value == '':
            continue
        value = str(value).strip()
        if key in ('dsttype', 'srctype', 'state'):
            value = value.upper()
        data[key] = value
    if data.get('state') and data['state'] not in CONNECTION_STATES:
        raise ValidationError("%s.state '%s' is not one of %s" % (where, flow.get('state'), ', '.join(CONNECTION_STATES)))
    return data


def expand(data, zones, index, by_zone_only=False):
    """fwtester's expansion: a flow without a source side (or destination side) runs from (to) each zone.

    ``by_zone_only`` (explicit zones) expands on a missing from/to whatever the addresses, as the
    simulator does; otherwise a given source (dest) address stands for its zone.
    """
    has_from = 'from' in data or ('source' in data and not by_zone_only)
    has_to = 'to' in data or ('dest' in data and not by_zone_only)
    if not has_from and not has_to:
        raise ValidationError('flows[%d] names neither from/source nor to/dest' % index)
    if has_from and has_to:
        return [data]
    key, other = ('from', 'to') if not has_from else ('to', 'from')
    return [dict(data, **{key: zone}) for zone in zones if zone != data.get(other)]


def where_text(origin):
    if origin.get('group'):
        return 'group %s' % origin['group']
    if origin.get('vmid') is not None:
        return '%s%s' % (origin.get('level'), origin['vmid'])
    return str(origin.get('level'))


def describe_decider(decider):
    """One line naming the rule, policy or built-in that decided."""
    kind = decider.get('kind')
    if kind == 'rule':
        text = '%s rule %s: %s' % (where_text(decider), decider.get('position'), decider.get('rule'))
        via = decider.get('via')
        if via:
            text += ' (via %s rule %s: %s)' % (where_text(via), via.get('position'), via.get('rule'))
        return text
    if kind == 'policy':
        return 'policy %s' % decider.get('reason')
    if kind == 'builtin':
        return 'built-in rule: %s' % decider.get('reason')
    return str(decider.get('reason') or kind)


def verdict_text(verdict):
    """The decider as one line; when no rule decided anywhere, why each hop let the packet pass."""
    decider = verdict['decided_by']
    if decider.get('kind') != 'default' or not verdict.get('hops'):
        return describe_decider(decider)
    reasons = []
    for hop in verdict['hops']:
        reason = hop['decided_by'].get('reason')
        if reason and reason not in reasons:
            reasons.append(reason)
    return '; '.join(reasons)


def evaluate_flow(firewall, data, index):
    try:
        return firewall.evaluate(data)
    except ValueError as exc:
        raise ValidationError('flows[%d] %s: %s' % (index, flow_text(data), exc))


def check_flows(firewall, flows, zones=None, details=False):
    """(results, failures) for the flows (module option shape); each result is the flow plus its verdict."""
    explicit = bool(zones)
    zones = list(zones) if zones else firewall.zones()
    results = []
    for index, flow in enumerate(flows or []):
        expect = normalize_expect(flow.get('expect'), 'flows[%d]' % index)
        for data in expand(flow_input(flow, index), zones, index, explicit):
            verdict = evaluate_flow(firewall, data, index)
            item = dict((key, flow.get(key)) for key in FLOW_FIELDS)
            item.update((key, data.get(key)) for key in ('from', 'to'))
            item.update(id=flow.get('id'), index=index, expect=expect, verdict=verdict['action'],
                        ok=expectation_holds(expect, verdict['action']), decided_by=verdict['decided_by'],
                        rule=verdict_text(verdict),
                        resolved=dict((key, verdict['flow'].get(key)) for key in ('from', 'to', 'source', 'dest', 'ipversion')))
            if details:
                item['hops'] = verdict['hops']
            results.append(item)
    failures = [item for item in results if item['ok'] is False]
    return results, failures


def summary(results, failures):
    counts = dict(flows=len(results), accepted=0, dropped=0, rejected=0)
    for item in results:
        key = {'ACCEPT': 'accepted', 'DROP': 'dropped', 'REJECT': 'rejected'}[item['verdict']]
        counts[key] += 1
    counts['expectations'] = sum(1 for item in results if item['ok'] is not None)
    counts['failed'] = len(failures)
    return counts


def flow_text(flow):
    proto = flow.get('proto') or 'tcp'
    port = flow.get('icmp_type') or flow.get('dport')
    parts = ['%s -> %s' % (flow.get('from') or flow.get('source'), flow.get('to') or flow.get('dest'))]
    parts.append('%s/%s' % (proto, port) if port else proto)
    for key in ('source', 'dest'):
        if flow.get(key) and flow.get(key) not in (flow.get('from'), flow.get('to')):
            parts.append('%s %s' % (key, flow[key]))
    return ' '.join(parts)


def failure_table(failures):
    """A fixed-width table of the flows whose expectation does not hold."""
    rows = [('#', 'flow', 'expected', 'verdict', 'decided by')]
    for item in failures[:MAX_TABLE_ROWS]:
        label = str(item['index']) if not item.get('id') else '%s (%s)' % (item['index'], item['id'])
        rows.append((label, flow_text(item), item['expect'], item['verdict'], item['rule']))
    widths = [max(len(str(row[col])) for row in rows) for col in range(4)]
    lines = []
    for row in rows:
        cells = [str(row[col]).ljust(widths[col]) for col in range(4)]
        lines.append('  '.join(cells + [str(row[4])]).rstrip())
    if len(failures) > MAX_TABLE_ROWS:
        lines.append('... and %d more (see failures)' % (len(failures) - MAX_TABLE_ROWS))
    return '\n'.join(lines)
