# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: read the whole firewall state with the fewest calls.

One read per collection the API exposes: the cluster's options, rules, aliases and IP set
list (plus one read per set), the security group list (plus one per group), per node its
options and rules, per guest the parts asked for (options, rules, aliases, IP sets, and its
config once for the NIC firewall flags and the static addresses), per VNet its options and rules.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import aliases as pvealiases
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import ipsets as pveipsets
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.guest_addresses import static_addresses
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.options import from_api as options_from_api
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.rulelists import to_module as rules_to_module
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.targets import Target

GUEST_PARTS = ('options', 'rules', 'ipsets', 'aliases', 'nics', 'addresses')
DEFAULT_GUEST_PARTS = ('options', 'rules', 'ipsets', 'aliases')
CONFIG_PARTS = frozenset(('nics', 'addresses'))


def parse_property_string(text, default_key=None):
    """Split a PVE property string (``virtio=AA:..,bridge=vmbr0,firewall=1``) into a dict."""
    result = {}
    for part in str(text or '').split(','):
        key, sep, value = part.partition('=')
        if not sep:
            if default_key:
                result[default_key] = key
            continue
        result[key.strip()] = value.strip()
    return result


def read_rules(client, path, what):
    """Rules in the shape pve_rules takes as config (gathered output fed back changes nothing)."""
    return rules_to_module(client.get(path, desc='read the rules of ' + what))


def read_aliases(client, base):
    """Aliases in the shape pve_aliases takes as config."""
    return pvealiases.to_module(pvealiases.read_aliases(client, Target('cluster', base=base))[0])


def read_ipsets(client, base):
    """IP sets in the shape pve_ipsets takes as config."""
    return pveipsets.to_module(pveipsets.read_sets(client, Target('cluster', base=base))[0])


def read_options(client, path, level, what):
    return options_from_api(level, client.get(path, desc='read the options of ' + what))


def gather_cluster(client):
    base = 'cluster/firewall'
    groups = []
    for group in client.get(base + '/groups', desc='read the security groups') or []:
        name = group['group']
        groups.append(dict(name=name, comment=group.get('comment', ''),
                           rules=read_rules(client, '%s/groups/%s' % (base, name), 'security group ' + name)))
    return dict(
        options=read_options(client, base + '/options', 'cluster', 'the cluster'),
        rules=read_rules(client, base + '/rules', 'the cluster'),
        aliases=read_aliases(client, base),
        ipsets=read_ipsets(client, base),
        groups=sorted(groups, key=lambda item: item['name']),
    )


def gather_node(client, node):
    base = 'nodes/%s/firewall' % node
    what = 'node ' + node
    return dict(name=node, options=read_options(client, base + '/options', 'node', what),
                rules=read_rules(client, base + '/rules', what))


def guest_nics(config):
    nics = {}
    for key, value in sorted((config or {}).items()):
        if key.startswith('net') and key[3:].isdigit():
            props = parse_property_string(value)
            nics[key] = dict(raw=value, bridge=props.get('bridge'), firewall=props.get('firewall') == '1',
                             tag=props.get('tag'))
    return nics


def guest_summary(resource):
    level = 'vm' if resource.get('type') == 'qemu' else 'ct'
    return dict(vmid=int(resource['vmid']), type=level, node=resource['node'], name=resource.get('name', ''),
                status=resource.get('status'), tags=guest_tags(resource))


def resolve_guest_parts(guest_parts=None, include_nics=None):
    """The per-guest parts to read, in GUEST_PARTS order.

    Without ``guest_parts`` the default parts are read, plus ``nics`` unless ``include_nics`` is
    False (the behaviour from before ``guest_parts`` existed); ``include_nics=True`` adds ``nics``
    to an explicit list.
    """
    if guest_parts is None:
        chosen = set(DEFAULT_GUEST_PARTS)
        if include_nics is not False:
            chosen.add('nics')
    else:
        chosen = set(guest_parts)
        unknown = sorted(chosen - set(GUEST_PARTS))
        if unknown:
            raise ValidationError('guest_parts: unknown part(s) %s (known: %s)' % (', '.join(unknown), ', '.join(GUEST_PARTS)))
        if include_nics is True:
            chosen.add('nics')
        elif include_nics is False and 'nics' in chosen:
            raise ValidationError('include_nics=false contradicts guest_parts, which lists nics')
    return tuple(part for part in GUEST_PARTS if part in chosen)


def gather_guest(client, resource, parts=None, warnings=None):
    """One guest's summary plus the parts asked for; a part not read is absent, never empty."""
    parts = resolve_guest_parts() if parts is None else parts
    guest = guest_summary(resource)
    level = guest['type']
    kind = 'qemu' if level == 'vm' else 'lxc'
    vmid, node = guest['vmid'], guest['node']
    base = 'nodes/%s/%s/%d/firewall' % (node, kind, vmid)
    what = '%s %d' % ('VM' if level == 'vm' else 'container', vmid)
    if 'options' in parts:
        guest['options'] = read_options(client, base + '/options', level, what)
    if 'rules' in parts:
        guest['rules'] = read_rules(client, base + '/rules', what)
    if 'aliases' in parts:
        guest['aliases'] = read_aliases(client, base)
    if 'ipsets' in parts:
        guest['ipsets'] = read_ipsets(client, base)
    if CONFIG_PARTS.intersection(parts):
        config = client.get('nodes/%s/%s/%d/config' % (node, kind, vmid), desc='read the config of ' + what) or {}
        if 'nics' in parts:
            guest['nics'] = guest_nics(config)
        if 'addresses' in parts:
            guest['addresses'], problems = static_addresses(kind, config)
            if warnings is not None:
                warnings.extend('%s: %s' % (what, problem) for problem in problems)
    return guest


def gather_vnet(client, vnet):
    base = 'cluster/sdn/vnets/%s/firewall' % vnet
    what = 'VNet ' + vnet
    return dict(name=vnet, options=read_options(client, base + '/options', 'vnet', what),
                rules=read_rules(client, base + '/rules', what))


def guest_tags(resource):
    return sorted(tag for tag in str(resource.get('tags') or '').replace(',', ';').split(';') if tag)


def gather(client, parts, nodes=None, vmids=None, include_nics=None, tags=None, guest_details=True, guest_nodes=None,
           guest_parts=None, warnings=None):
    """Read the parts asked for (cluster, nodes, guests, vnets) and return one dict.

    ``guest_nodes`` limits the guests to those that run on the named nodes. ``guest_parts`` and
    ``include_nics`` choose what is read per guest (see resolve_guest_parts); ``warnings``, a
    list, receives what was skipped in the guests' configs.
    """
    state = {}
    if 'cluster' in parts:
        state['cluster'] = gather_cluster(client)
    if 'nodes' in parts:
        names = nodes or sorted(item['node'] for item in client.get('nodes', desc='list the nodes') or [])
        state['nodes'] = [gather_node(client, name) for name in names]
    if 'guests' in parts:
        wanted = set(int(vmid) for vmid in vmids) if vmids else None
        resources = client.get('cluster/resources', desc='list the guests of the cluster', type='vm') or []
        guests = [item for item in resources if item.get('type') in ('qemu', 'lxc') and not item.get('template')
                  and (wanted is None or int(item['vmid']) in wanted)
                  and (not tags or set(tags) & set(guest_tags(item)))
                  and (not guest_nodes or item.get('node') in guest_nodes)]
        guests = sorted(guests, key=lambda g: int(g['vmid']))
        if guest_details:
            wanted_parts = resolve_guest_parts(guest_parts, include_nics)
            state['guests'] = [gather_guest(client, item, wanted_parts, warnings) for item in guests]
        else:
            state['guests'] = [guest_summary(item) for item in guests]
    if 'vnets' in parts:
        if client.version() >= (8, 3):
            vnets = client.get('cluster/sdn/vnets', desc='list the SDN VNets') or []
            state['vnets'] = [gather_vnet(client, item['vnet']) for item in sorted(vnets, key=lambda v: v['vnet'])]
        else:
            state['vnets'] = []
    return state
