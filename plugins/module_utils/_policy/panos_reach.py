# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the engine of the panos_reachability module.

Loads a configuration (a file, XML text, or one read of ``/config`` from the device through the
collection's PAN-OS client), evaluates every flow with :class:`PanosPolicy`, compares each verdict
with its expectation and builds the result, with a readable table of the failures.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import (
    PanosClient,
    check_libraries,
    panos_argument_spec,
)
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.panos import (
    HAS_NETADDR,
    IMPORT_ERROR,
    PanosPolicy,
    PolicyError,
)

FLOW_OPTIONS = dict(
    name=dict(type='str'),
    from_zone=dict(type='str'),
    to_zone=dict(type='str'),
    ingress_interface=dict(type='str'),
    source=dict(type='str'),
    dest=dict(type='str'),
    proto=dict(type='str', choices=['tcp', 'udp', 'icmp', 'icmp6', 'sctp', 'any']),
    sport=dict(type='int'),
    dport=dict(type='int'),
    application=dict(type='str'),
    expect=dict(type='str', choices=['allow', 'deny']),
    expect_rule=dict(type='str'),
)

REACHABILITY_OPTIONS = dict(
    config_file=dict(type='path'),
    config_xml=dict(type='str'),
    config_source=dict(type='str', choices=['running', 'candidate'], default='running'),
    vsys=dict(type='str', default='vsys1'),
    interface_addresses=dict(type='dict', default={}),
    flows=dict(type='list', elements='dict', required=True, options=FLOW_OPTIONS),
    strict=dict(type='bool', default=False),
)

FLOW_KEYS = ('from_zone', 'to_zone', 'ingress_interface', 'source', 'dest', 'proto', 'sport', 'dport', 'application')


def read_config(params, client):
    """(configuration text or element, where it came from)."""
    if params.get('config_xml'):
        return params['config_xml'], 'config_xml'
    if params.get('config_file'):
        try:
            with open(params['config_file'], 'rb') as stream:
                return stream.read(), params['config_file']
        except (IOError, OSError) as exc:
            raise PolicyError('Cannot read the configuration file %s: %s' % (params['config_file'], exc))
    source = params['config_source']
    action = 'show' if source == 'running' else 'get'
    root = client.request({'type': 'config', 'action': action, 'xpath': '/config'}, 'read the %s configuration' % source)
    config = root.find('result/config') if root is not None else None
    if config is None:
        raise PolicyError('The device returned no %s configuration' % source)
    return config, '%s configuration of %s' % (source, params.get('host'))


def flow_label(flow, verdict):
    if flow.get('name'):
        return flow['name']
    zones = verdict['zones'] if verdict else {}
    ends = []
    for address, zone in ((flow.get('source'), zones.get('from') or flow.get('from_zone')),
                          (flow.get('dest'), zones.get('to') or flow.get('to_zone'))):
        ends.append('%s (%s)' % (address, zone) if address and zone else address or zone or '?')
    service = flow.get('proto') or ('tcp' if flow.get('dport') else '')
    if flow.get('dport') is not None:
        service += '/%s' % flow['dport']
    text = ' -> '.join(ends)
    if service:
        text += ' ' + service
    if flow.get('application'):
        text += ' ' + flow['application']
    return text


def decided_by(verdict):
    rule = verdict.get('rule')
    if not rule:
        return verdict.get('reason') or ''
    if rule['rulebase'] == 'default':
        text = 'default rule %s' % rule['name']
    else:
        text = 'rule %s (#%d)' % (rule['name'], rule['position'])
    if verdict.get('nat'):
        text += ', NAT %s' % verdict['nat']['name']
    if not verdict.get('certain', True):
        text += ' (uncertain)'
    return text


def check(flow, verdict, strict):
    """(passed or None when nothing was expected, problem text)."""
    expected = flow.get('expect')
    problems = []
    if expected and (expected == 'allow') != verdict['allowed']:
        problems.append('expected %s' % expected)
    rule_name = (verdict.get('rule') or {}).get('name')
    if flow.get('expect_rule') and flow['expect_rule'] != rule_name:
        problems.append('expected rule %s' % flow['expect_rule'])
    if strict and (expected or flow.get('expect_rule')) and not verdict['certain']:
        reasons = ['%s rule %s undecided (%s)' % (u['rulebase'], u['name'], u['reason']) for u in verdict['undecided']]
        problems.append('uncertain: %s' % ('; '.join(reasons) or 'see the assumptions of the verdict'))
    if not expected and not flow.get('expect_rule'):
        return None, None
    return not problems, ', '.join(problems) or None


def failure_table(failures, total):
    rows = [('flow', 'expected', 'verdict', 'decided by')]
    for item in failures:
        expected = item['expect'] or ''
        if item.get('expect_rule'):
            expected = ('%s via %s' % (expected, item['expect_rule'])).strip()
        rows.append((item['label'], expected, item['action'], decided_by(item)))
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    lines = ['%d of %d flows do not meet their expectation:' % (len(failures), total)]
    for row in rows:
        lines.append('  ' + '  '.join(cell.ljust(widths[col]) for col, cell in enumerate(row[:3])) + '  ' + row[3])
    for item in failures:
        if item.get('problem') and item['problem'].startswith('uncertain'):
            lines.append('  %s: %s' % (item['label'], item['problem']))
    return '\n'.join(lines)


def evaluate_flows(policy, flows, strict):
    results, failures, uncertain = [], [], 0
    for index, flow in enumerate(flows, 1):
        query = dict((key, flow.get(key)) for key in FLOW_KEYS)
        try:
            verdict = policy.evaluate(query)
        except PolicyError as exc:
            raise PolicyError('Flow %d (%s): %s' % (index, flow_label(flow, None), exc))
        passed, problem = check(flow, verdict, strict)
        item = dict(verdict)
        item.update(index=index, name=flow.get('name'), label=flow_label(flow, verdict), expect=flow.get('expect'),
                    expect_rule=flow.get('expect_rule'), passed=passed, problem=problem)
        results.append(item)
        if passed is False:
            failures.append(item)
        if not verdict['certain']:
            uncertain += 1
    return results, failures, uncertain


def run_reachability(module, client):
    params = module.params
    config, origin = read_config(params, client)
    policy = PanosPolicy(config, vsys=params['vsys'], interface_addresses=params['interface_addresses'])
    for problem in policy.network.problems:
        module.warn(problem)
    results, failures, uncertain = evaluate_flows(policy, params['flows'], params['strict'])
    for item in results:
        for text in item['assumptions']:
            if text.startswith('zone ') and 'is not defined' in text:
                module.warn('%s: %s' % (item['label'], text))
    checked = [item for item in results if item['passed'] is not None]
    summary = dict(flows=len(results), checked=len(checked), passed=len(checked) - len(failures), failed=len(failures),
                   uncertain=uncertain)
    result = dict(changed=False, verdicts=results, failures=failures, summary=summary, config_origin=origin)
    if failures:
        result['failed'] = True
        result['msg'] = failure_table(failures, len(checked))
    else:
        result['msg'] = '%d flows evaluated, %d expectations met' % (len(results), len(checked))
    return result


def argument_spec():
    return panos_argument_spec(offline_states=True, **REACHABILITY_OPTIONS)


def run(module):
    """Check libraries, connect only when no configuration is given, evaluate, exit."""
    if not HAS_NETADDR:
        module.fail_json(msg=missing_required_lib('netaddr'), exception=str(IMPORT_ERROR))
    client = None
    if not module.params['config_file'] and not module.params['config_xml']:
        missing = check_libraries()
        if missing:
            module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
        client = PanosClient(module.params)
    try:
        result = run_reachability(module, client)
    except ZonewardenError as exc:
        module.fail_json(msg=str(exc), exception=traceback.format_exc())
    if result.get('failed'):
        module.fail_json(**result)
    module.exit_json(**result)
