# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: many targets in one module run.

Modules that manage per-guest objects accept ``guests: [{vmid, node?, ...}]``. All guests are
located with one ``/cluster/resources`` read and worked through by a bounded thread pool, so a
role never needs one task per guest. ``pve_options`` and ``pve_rules`` also take ``nodes`` and
``vnets`` lists the same way (one existence read for the whole list).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target

DEFAULT_PARALLEL = 8


def guest_list_option(config_spec, extra=None):
    options = dict(vmid=dict(type='int', required=True), node=dict(type='str'),
                   type=dict(type='str', choices=['vm', 'ct']), config=config_spec)
    options.update(extra or {})
    return dict(type='list', elements='dict', options=options)


def node_list_option(config_spec):
    return dict(type='list', elements='dict', options=dict(node=dict(type='str', required=True), config=config_spec))


def vnet_list_option(config_spec):
    return dict(type='list', elements='dict', options=dict(vnet=dict(type='str', required=True), config=config_spec))


def _unique(entries, key, option):
    seen = set()
    for index, entry in enumerate(entries):
        if entry[key] in seen:
            raise ValidationError('%s[%d].%s=%s is listed twice' % (option, index, key, entry[key]))
        seen.add(entry[key])


def node_targets(client, nodes):
    """A Target per ``nodes`` entry; one read of the node list refuses unknown nodes before any write."""
    _unique(nodes, 'node', 'nodes')
    known = set(item.get('node') for item in client.get('nodes', desc='list the nodes') or [])
    missing = [entry['node'] for entry in nodes if entry['node'] not in known]
    if missing:
        raise ValidationError('nodes: no such node in the cluster: %s (nodes: %s)' % (', '.join(missing), ', '.join(sorted(known))))
    return [Target('node', node=entry['node'], base='nodes/%s/firewall' % entry['node']) for entry in nodes]


def vnet_targets(client, vnets):
    """A Target per ``vnets`` entry; needs PVE 8.3 and refuses unknown VNets before any write."""
    _unique(vnets, 'vnet', 'vnets')
    if client.version() < (8, 3):
        raise ValidationError('vnets: VNet firewalls need Proxmox VE 8.3 or later')
    known = set(item.get('vnet') for item in client.get('cluster/sdn/vnets', desc='list the SDN VNets') or [])
    missing = [entry['vnet'] for entry in vnets if entry['vnet'] not in known]
    if missing:
        raise ValidationError('vnets: no such SDN VNet: %s (VNets: %s)' % (', '.join(missing), ', '.join(sorted(known)) or 'none'))
    return [Target('vnet', vnet=entry['vnet'], base='cluster/sdn/vnets/%s/firewall' % entry['vnet']) for entry in vnets]


# The list options that select many targets, and what identifies each target in the results.
BATCH_OPTIONS = ('guests', 'nodes', 'vnets')


def batch_option(params):
    """Name of the list option in use (guests, nodes or vnets), or None for a single target."""
    for option in BATCH_OPTIONS:
        if params.get(option):
            return option
    return None


def batch_level(option, entry):
    """The firewall level of one entry of a batch list, before the API is asked."""
    if option == 'nodes':
        return 'node'
    if option == 'vnets':
        return 'vnet'
    return entry.get('type') or 'vm'


def batch_targets(client, option, entries):
    if option == 'nodes':
        return node_targets(client, entries)
    if option == 'vnets':
        return vnet_targets(client, entries)
    return guest_targets(client, entries)


def identify(target):
    """The keys that name a target in a batch result item."""
    if target.level == 'node':
        return dict(node=target.node)
    if target.level == 'vnet':
        return dict(vnet=target.vnet)
    return dict(vmid=target.vmid, node=target.node, type=target.level)


def locate(client, vmids):
    """Map vmid -> (node, level) with one cluster read; unknown vmids raise one error naming them all."""
    resources = client.get('cluster/resources', desc='list the guests of the cluster', type='vm') or []
    found = {}
    for item in resources:
        if item.get('type') in ('qemu', 'lxc'):
            found[int(item['vmid'])] = (item.get('node'), 'vm' if item['type'] == 'qemu' else 'ct')
    missing = sorted(set(int(v) for v in vmids) - set(found))
    if missing:
        raise ValidationError('guests: no such guest in the cluster: vmid %s' % ', '.join(str(v) for v in missing))
    return found


def guest_targets(client, guests):
    """Build a Target per guest entry; look nodes up only when some entry lacks node or type."""
    for index, guest in enumerate(guests):
        if not 100 <= int(guest['vmid']) <= 999999999:
            raise ValidationError('guests[%d].vmid=%s is out of range: guest IDs are 100 to 999999999' % (index, guest['vmid']))
    _unique(guests, 'vmid', 'guests')
    need_lookup = [g['vmid'] for g in guests if not (g.get('node') and g.get('type'))]
    located = locate(client, need_lookup) if need_lookup else {}
    targets = []
    for index, guest in enumerate(guests):
        node, level = located.get(int(guest['vmid']), (None, None))
        node = guest.get('node') or node
        if guest.get('type') and level and guest['type'] != level:
            raise ValidationError('guests[%d]: vmid %s is a %s, not a %s' % (index, guest['vmid'], level, guest['type']))
        level = guest.get('type') or level
        kind = 'qemu' if level == 'vm' else 'lxc'
        targets.append(Target(level, node=node, vmid=int(guest['vmid']),
                              base='nodes/%s/%s/%d/firewall' % (node, kind, int(guest['vmid']))))
    return targets


def run_pool(items, worker, parallel=DEFAULT_PARALLEL):
    """Apply ``worker`` to every item with at most ``parallel`` in flight; results keep the input order."""
    items = list(items)
    if len(items) <= 1 or parallel <= 1:
        return [worker(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(parallel, len(items))) as pool:
        return list(pool.map(worker, items))


def run_batch(module, client, option, validate, prepare, gather, setup=None):
    """Frame of a module run over a ``guests``, ``nodes`` or ``vnets`` list.

    Three phases, so that nothing is half-applied on bad input: ``validate(config, prefix, level)``
    checks every entry offline; the targets are located with one read; ``prepare(target, config,
    prefix)`` reads and plans every target (and may refuse, e.g. a referenced object); only then are
    the plans executed, in a bounded pool. ``setup()`` runs once between locating and planning.
    """
    from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import execute

    params = module.params
    entries = params[option]
    parallel = params.get('parallel') or DEFAULT_PARALLEL
    if params['state'] != 'gathered':
        for index, entry in enumerate(entries):
            validate(entry.get('config'), '%s[%d].config' % (option, index), batch_level(option, entry))
    targets = batch_targets(client, option, entries)
    if params['state'] == 'gathered':
        return dict(changed=False, gathered=run_pool(targets, lambda target: dict(identify(target), gathered=gather(target)), parallel))
    if setup is not None:
        setup()
    items = [(target, entry.get('config'), '%s[%d].config' % (option, index)) for index, (target, entry) in enumerate(zip(targets, entries))]
    plans = run_pool(items, lambda item: prepare(*item), parallel)
    outcomes = run_pool(plans, lambda plan: execute(client, plan, module.check_mode), parallel)
    for target, outcome in zip(targets, outcomes):
        outcome.update(identify(target))
        for warning in outcome.pop('warnings', []):
            module.warn(warning)
    return dict(changed=any(outcome['changed'] for outcome in outcomes), results=outcomes,
                commands=[command for outcome in outcomes for command in outcome['commands']])


def run_collection(module, client, validate, prepare, gather, levels):
    """Frame of a module managing a keyed collection at one target or at many guests."""
    from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import resolve_target
    from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.writer import execute

    params = module.params
    if params.get('guests'):
        return run_batch(module, client, 'guests', lambda config, prefix, _level: validate(config or [], prefix),
                         lambda target, config, prefix: prepare(target, config or [], prefix), gather)
    if params['level'] not in levels:
        raise ValidationError('level=%s is not supported here; use one of %s' % (params['level'], ', '.join(levels)))
    target = resolve_target(params, client)
    if params['state'] == 'gathered':
        return dict(changed=False, gathered=gather(target))
    validate(params.get('config') or [], 'config')
    result = execute(client, prepare(target, params.get('config') or [], 'config'), module.check_mode)
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if module._diff:
        result['diff'] = dict(before=result['before'], after=result['after'])
    return result


def keyed_collection_options(spec):
    """Options of a module that manages a keyed collection at cluster or guest level (IP sets, aliases)."""
    from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import TARGET_OPTIONS

    options = dict(TARGET_OPTIONS)
    options.update(
        level=dict(type='str', choices=['cluster', 'vm', 'ct'], default='cluster'),
        state=dict(type='str', choices=['merged', 'replaced', 'overridden', 'deleted', 'gathered'], default='merged'),
        config=spec,
        guests=guest_list_option(spec),
        parallel=dict(type='int', default=DEFAULT_PARALLEL),
        force=dict(type='bool', default=False),
    )
    return options


def keyed_collection_engine(engine):
    """Module engine over a collection engine exposing normalize_want, prepare and gather."""
    def run_engine(module, client):
        params = module.params

        def validate(config, prefix):
            return engine.normalize_want(config, prefix, params['state'])

        def prepare(target, config, prefix):
            return engine.prepare(client, target, config, params['state'], params['force'], prefix, module.check_mode)

        return run_collection(module, client, validate, prepare, lambda target: engine.gather(client, target),
                              ('cluster', 'vm', 'ct'))
    return run_engine
