# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: who still uses an IP set, alias or security group.

PVE deletes referenced objects without complaint and the rules that used them silently stop
matching, so modules look before they delete. The scan reads only when a delete is planned.
"""

from __future__ import annotations

ADDRESS_FIELDS = ('source', 'dest')


def _tokens(kind, name, scope):
    name = name.lower()
    if kind == 'ipset':
        return set(['+' + name, '+dc/' + name]) if scope == 'cluster' else set(['+' + name, '+guest/' + name])
    return set([name, 'dc/' + name]) if scope == 'cluster' else set([name, 'guest/' + name])


def rule_uses(rule, kind, name, scope):
    if kind == 'group':
        return str(rule.get('type', '')).lower() == 'group' and str(rule.get('action', '')).lower() == name.lower()
    tokens = _tokens(kind, name, scope)
    for field in ADDRESS_FIELDS:
        for part in str(rule.get(field) or '').split(','):
            if part.strip().lower() in tokens:
                return True
    return False


def _scan_rules(rules, kind, name, scope, where, found):
    for rule in rules or []:
        if rule_uses(rule, kind, name, scope):
            found.append('%s rule %s' % (where, rule.get('pos')))


def cluster_rule_sources(client):
    """(where, rules) for every rule list that can use cluster objects: cluster, groups, nodes, guests, VNets."""
    yield 'cluster', client.get('cluster/firewall/rules', desc='read the cluster rules')
    for group in client.get('cluster/firewall/groups', desc='read the security groups') or []:
        name = group['group']
        yield 'security group %s' % name, client.get('cluster/firewall/groups/%s' % name, desc='read security group %s' % name)
    for node in client.get('nodes', desc='list the nodes') or []:
        yield 'node %s' % node['node'], client.get('nodes/%s/firewall/rules' % node['node'],
                                                   desc='read the rules of node %s' % node['node'])
    for guest in client.get('cluster/resources', desc='list the guests', type='vm') or []:
        if guest.get('type') not in ('qemu', 'lxc'):
            continue
        kind = 'qemu' if guest['type'] == 'qemu' else 'lxc'
        yield '%s %s' % ('VM' if kind == 'qemu' else 'container', guest['vmid']), client.get(
            'nodes/%s/%s/%s/firewall/rules' % (guest['node'], kind, guest['vmid']), desc='read the rules of guest %s' % guest['vmid'])
    if client.version() >= (8, 3):
        for vnet in client.get('cluster/sdn/vnets', desc='list the SDN VNets') or []:
            yield 'VNet %s' % vnet['vnet'], client.get('cluster/sdn/vnets/%s/firewall/rules' % vnet['vnet'],
                                                       desc='read the rules of VNet %s' % vnet['vnet'])


def find_references(client, kind, names, target):
    """Map each name to the places that reference it (empty lists for unused names)."""
    found = dict((name, []) for name in names)
    if not names:
        return found
    scope = 'cluster' if target.level == 'cluster' else 'guest'
    if scope == 'cluster':
        sources = list(cluster_rule_sources(client))
        if kind == 'alias':
            for ipset in client.get('cluster/firewall/ipset', desc='read the IP sets') or []:
                entries = client.get('cluster/firewall/ipset/%s' % ipset['name'], desc='read IP set %s' % ipset['name'])
                for name in names:
                    for entry in entries or []:
                        if str(entry.get('cidr', '')).lower() in _tokens('alias', name, 'cluster'):
                            found[name].append('IP set %s entry %s' % (ipset['name'], entry['cidr']))
    else:
        rules = client.get(target.base + '/rules', desc='read the rules of ' + target.describe())
        sources = [(target.describe().replace('the firewall of ', ''), rules)]
    for where, rules in sources:
        for name in names:
            _scan_rules(rules, kind, name, scope, where, found[name])
    return found
