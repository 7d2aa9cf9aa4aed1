# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: where a firewall level lives in the API.

A *target* is one level of the firewall: the cluster, a node, a guest (vm or ct) or an SDN
VNet. ``resolve_target`` checks the options that select it and returns its API base path.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError

LEVELS = ('cluster', 'node', 'vm', 'ct', 'vnet')

TARGET_OPTIONS = dict(
    level=dict(type='str', choices=list(LEVELS), default='cluster'),
    node=dict(type='str'),
    vmid=dict(type='int'),
    vnet=dict(type='str'),
)


class Target(object):
    __slots__ = ('level', 'node', 'vmid', 'vnet', 'base')

    def __init__(self, level, node=None, vmid=None, vnet=None, base=None):
        self.level = level
        self.node = node
        self.vmid = vmid
        self.vnet = vnet
        self.base = base

    def describe(self):
        if self.level == 'cluster':
            return 'the cluster firewall'
        if self.level == 'node':
            return 'the firewall of node %s' % self.node
        if self.level == 'vnet':
            return 'the firewall of VNet %s' % self.vnet
        return 'the firewall of %s %s' % ('VM' if self.level == 'vm' else 'container', self.vmid)


def find_guest_node(client, vmid, kind):
    """Find the node that hosts a guest with one cluster-wide read."""
    resources = client.get('cluster/resources', desc='list the guests of the cluster', type='vm') or []
    for item in resources:
        if int(item.get('vmid', -1)) == int(vmid):
            found = 'vm' if item.get('type') == 'qemu' else 'ct'
            if found != kind:
                raise ValidationError('vmid %s is a %s, not a %s: use level=%s' % (
                    vmid, 'VM' if found == 'vm' else 'container', 'VM' if kind == 'vm' else 'container', found))
            return item.get('node')
    raise ValidationError('vmid %s: no such guest in the cluster' % vmid)


def resolve_target(params, client=None, level_key='level'):
    """Validate the level selectors and build the target; may read the cluster to find a guest's node."""
    level = params.get(level_key) or 'cluster'
    node, vmid, vnet = params.get('node'), params.get('vmid'), params.get('vnet')
    if level == 'cluster':
        return Target(level, base='cluster/firewall')
    if level == 'node':
        if not node:
            raise ValidationError('level=node needs the option node')
        return Target(level, node=node, base='nodes/%s/firewall' % node)
    if level == 'vnet':
        if not vnet:
            raise ValidationError('level=vnet needs the option vnet')
        return Target(level, vnet=vnet, base='cluster/sdn/vnets/%s/firewall' % vnet)
    if vmid is None:
        raise ValidationError('level=%s needs the option vmid' % level)
    if not 100 <= int(vmid) <= 999999999:
        raise ValidationError('vmid %s is out of range: Proxmox VE guest IDs are 100 to 999999999' % vmid)
    if not node:
        if client is None:
            raise ValidationError('level=%s needs the option node when the API is not contacted' % level)
        node = find_guest_node(client, vmid, level)
    kind = 'qemu' if level == 'vm' else 'lxc'
    return Target(level, node=node, vmid=int(vmid), base='nodes/%s/%s/%s/firewall' % (node, kind, vmid))
