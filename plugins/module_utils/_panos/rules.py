# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: security and NAT rulebases as ordered lists keyed by rule name.

One run reads the whole rulebase with one request (a no-change run of any size costs a constant
number of reads), checks names and references, then plans per rule with the field model, deletes,
and the fewest moves (see ``ordering``). ``rendered`` and ``parsed`` convert offline between the
module shape and PAN-OS XML.
"""

from __future__ import annotations

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.model import (
    Bool, Composite, EntrySpec, Field, Members, Text, leaf, member_list, tree)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.ordering import located_target, plan_moves, relative_target
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.refs import Namespace, check_references
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.resource import KeyedResource, Plan, config_option
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import check_interface, check_name, check_ports

ACTIONS = ('allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both')
LOCATIONS = ('top', 'bottom', 'before', 'after')


class ProfileGroup(Field):
    """profile-setting/group (a choice with profile-setting/profiles, which it replaces when set)."""

    def __init__(self):
        super(ProfileGroup, self).__init__('profile_group', 'profile-setting', tree(exclusive=True, group=member_list()))

    def parse(self, node):
        members = pxml.members(node, 'group')
        return members[0] if members else None

    def render(self, values):
        value = values.get('profile_group')
        if not value:
            return None
        node = pxml.new('profile-setting')
        node.append(pxml.member_list('group', [value]))
        return node

    def ops(self, entry_sim, values, entry_xpath):
        if not values.get('profile_group'):
            # Clearing the group leaves individual security profiles (not modelled) alone.
            if pxml.find(entry_sim, 'profile-setting/group') is None:
                return []
            return [Op('delete', xpaths.join(entry_xpath, 'profile-setting/group'))]
        return super(ProfileGroup, self).ops(entry_sim, values, entry_xpath)


def _default_services(item):
    return ['application-default'] if (item.get('action') or 'allow') == 'allow' else ['any']


SECURITY = EntrySpec('rule', [
    Members('from_zones', 'from', default=['any']),
    Members('to_zones', 'to', default=['any']),
    Members('source_addresses', 'source', default=['any']),
    Members('destination_addresses', 'destination', default=['any']),
    Members('source_users', 'source-user', default=['any']),
    Members('applications', 'application', default=['any']),
    Members('services', 'service', default=_default_services),
    Members('categories', 'category', default=['any']),
    Text('action', 'action', default='allow'),
    Text('rule_type', 'rule-type', absent='universal'),
    Bool('negate_source', 'negate-source'),
    Bool('negate_destination', 'negate-destination'),
    Bool('disabled', 'disabled'),
    Bool('log_start', 'log-start'),
    Bool('log_end', 'log-end', absent=True),
    Text('log_setting', 'log-setting'),
    ProfileGroup(),
    Text('description', 'description'),
    Members('tags', 'tag'),
])

SECURITY_OPTIONS = dict(
    from_zones=dict(type='list', elements='str'),
    to_zones=dict(type='list', elements='str'),
    source_addresses=dict(type='list', elements='str'),
    destination_addresses=dict(type='list', elements='str'),
    source_users=dict(type='list', elements='str'),
    applications=dict(type='list', elements='str'),
    services=dict(type='list', elements='str'),
    categories=dict(type='list', elements='str'),
    action=dict(type='str', choices=list(ACTIONS)),
    rule_type=dict(type='str', choices=['universal', 'intrazone', 'interzone']),
    negate_source=dict(type='bool'),
    negate_destination=dict(type='bool'),
    disabled=dict(type='bool'),
    log_start=dict(type='bool'),
    log_end=dict(type='bool'),
    log_setting=dict(type='str'),
    profile_group=dict(type='str'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
)
SECURITY_CONFIG = config_option(SECURITY_OPTIONS)

# -- NAT ----------------------------------------------------------------------------------------

SOURCE_TYPES = ('dynamic_ip_and_port', 'dynamic_ip', 'static_ip')
SOURCE_KEYS = ('type', 'interface', 'interface_ip', 'translated_addresses', 'translated_address', 'bi_directional')


def _clean_dict(value):
    if not value:
        return None
    cleaned = dict((k, v) for k, v in value.items() if v is not None and v != [])
    return cleaned or None


def source_type(value):
    if value.get('type'):
        return value['type']
    if value.get('translated_address'):
        return 'static_ip'
    return 'dynamic_ip_and_port'


def _read_source(node):
    if node is None:
        return {'source_translation': None}
    dipp = node.find('dynamic-ip-and-port')
    if dipp is not None:
        value = {'type': 'dynamic_ip_and_port'}
        if dipp.find('interface-address') is not None:
            value['interface'] = pxml.text(dipp, 'interface-address/interface')
            value['interface_ip'] = pxml.text(dipp, 'interface-address/ip')
        else:
            value['translated_addresses'] = pxml.members(dipp, 'translated-address')
        return {'source_translation': _clean_dict(value)}
    dip = node.find('dynamic-ip')
    if dip is not None:
        return {'source_translation': _clean_dict({'type': 'dynamic_ip', 'translated_addresses': pxml.members(dip, 'translated-address')})}
    static = node.find('static-ip')
    if static is not None:
        return {'source_translation': _clean_dict({'type': 'static_ip', 'translated_address': pxml.text(static, 'translated-address'),
                                                   'bi_directional': pxml.from_yes_no(pxml.text(static, 'bi-directional'))})}
    return {'source_translation': None}


def _render_source(values):
    value = _clean_dict(values.get('source_translation'))
    if not value:
        return None
    node = pxml.new('source-translation')
    kind = source_type(value)
    if kind == 'static_ip':
        static = pxml.new('static-ip')
        static.append(pxml.new('translated-address', value.get('translated_address')))
        if value.get('bi_directional') is not None:
            static.append(pxml.new('bi-directional', pxml.yes_no(value['bi_directional'])))
        node.append(static)
        return node
    holder = pxml.new(kind.replace('_', '-'))
    node.append(holder)
    if kind == 'dynamic_ip_and_port' and value.get('interface'):
        address = pxml.new('interface-address')
        address.append(pxml.new('interface', value['interface']))
        if value.get('interface_ip'):
            address.append(pxml.new('ip', value['interface_ip']))
        holder.append(address)
    else:
        holder.append(pxml.member_list('translated-address', value.get('translated_addresses') or []))
    return node


def _normalize_source(option, value, values):
    value = _clean_dict(value)
    if not value:
        return None
    value = dict(value)
    value['type'] = source_type(value)
    if value.get('translated_addresses'):
        value['translated_addresses'] = tuple(sorted(value['translated_addresses']))
    if value['type'] == 'static_ip':
        value['bi_directional'] = bool(value.get('bi_directional'))
    return tuple(sorted(value.items()))


def _read_destination(node):
    if node is None:
        return {'destination_translation': None}
    port = pxml.text(node, 'translated-port')
    return {'destination_translation': _clean_dict({'translated_address': pxml.text(node, 'translated-address'),
                                                    'translated_port': int(port) if port and port.isdigit() else port})}


def _render_destination(values):
    value = _clean_dict(values.get('destination_translation'))
    if not value:
        return None
    node = pxml.new('destination-translation')
    if value.get('translated_address'):
        node.append(pxml.new('translated-address', value['translated_address']))
    if value.get('translated_port') is not None:
        node.append(pxml.new('translated-port', str(value['translated_port'])))
    return node


def _normalize_destination(option, value, values):
    value = _clean_dict(value)
    if not value:
        return None
    return tuple(sorted((k, str(v)) for k, v in value.items()))


NAT = EntrySpec('NAT rule', [
    Members('from_zones', 'from', default=['any']),
    Members('to_zones', 'to'),
    Text('to_interface', 'to-interface', absent='any'),
    Members('source_addresses', 'source', default=['any']),
    Members('destination_addresses', 'destination', default=['any']),
    Text('service', 'service', default='any'),
    Text('nat_type', 'nat-type', absent='ipv4', default='ipv4'),
    Composite('source_translation', 'source-translation',
              tree(exclusive=True,
                   dynamic_ip_and_port=tree(exclusive=True, interface_address=tree(interface=leaf(), ip=leaf()),
                                            translated_address=member_list()),
                   dynamic_ip=tree(translated_address=member_list()),
                   static_ip=tree(translated_address=leaf(), bi_directional=leaf())),
              _read_source, _render_source, normalize_fn=_normalize_source),
    Composite('destination_translation', 'destination-translation', tree(translated_address=leaf(), translated_port=leaf()),
              _read_destination, _render_destination, normalize_fn=_normalize_destination),
    Bool('disabled', 'disabled'),
    Text('description', 'description'),
    Members('tags', 'tag'),
])

NAT_OPTIONS = dict(
    from_zones=dict(type='list', elements='str'),
    to_zones=dict(type='list', elements='str'),
    to_interface=dict(type='str'),
    source_addresses=dict(type='list', elements='str'),
    destination_addresses=dict(type='list', elements='str'),
    service=dict(type='str'),
    nat_type=dict(type='str', choices=['ipv4', 'nat64', 'nptv6']),
    source_translation=dict(type='dict', options=dict(
        type=dict(type='str', choices=list(SOURCE_TYPES)),
        interface=dict(type='str'),
        interface_ip=dict(type='str'),
        translated_addresses=dict(type='list', elements='str'),
        translated_address=dict(type='str'),
        bi_directional=dict(type='bool'),
    )),
    destination_translation=dict(type='dict', options=dict(
        translated_address=dict(type='str'),
        translated_port=dict(type='int'),
    )),
    disabled=dict(type='bool'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
)
NAT_CONFIG = config_option(NAT_OPTIONS)


# -- the rulebase -------------------------------------------------------------------------------

class Rulebase(KeyedResource):
    """An ordered rulebase; subclasses give the spec and the per-rule checks."""

    kind = 'rule'

    def gather(self, have):
        return [self.gather_item(name, entry) for name, entry in have.items()]

    def prepare(self, items, state):
        items = [dict(item) for item in items or []]
        for index, item in enumerate(items):
            check_name(item.get('name'), 'config[%d].name' % index, self.kind)
        seen = {}
        for index, item in enumerate(items):
            if item['name'] in seen:
                raise ValidationError("config[%d].name='%s' is listed twice (also config[%d].name): rule names must be unique" % (
                    index, item['name'], seen[item['name']]))
            seen[item['name']] = index
        if state not in ('deleted',):
            for index, item in enumerate(items):
                self.check_item(item, index)
        location, anchor = self.params.get('location'), self.params.get('existing_rule')
        if location in ('before', 'after') and not anchor:
            raise ValidationError('location=%s needs existing_rule, the rule to place the listed rules %s' % (location, location))
        if anchor and location not in ('before', 'after'):
            raise ValidationError("existing_rule='%s' is only used with location=before or location=after" % anchor)
        if anchor and anchor in seen:
            raise ValidationError("existing_rule='%s' is one of the rules in config: name a rule outside the listed block" % anchor)
        return items

    def check(self, client, items, have, state):
        anchor = self.params.get('existing_rule')
        if anchor and state in ('merged', 'replaced') and anchor not in have:
            raise ValidationError("existing_rule='%s' does not exist in the %s rulebase: cannot place rules %s it" % (
                anchor, self.kind, self.params.get('location')))
        if state == 'deleted':
            return
        # Only rules this run writes need their references resolved: an unchanged rule costs no read.
        changing = set(index for index, item in enumerate(items) if self.plan_entry(have, item, state, {}))
        refs = [ref for ref in self.references(items) if _item_index(ref[0]) in changing]
        if refs:
            check_references(refs, Namespace(client, self.vsys), warn=self.warn)

    def references(self, items):
        raise NotImplementedError

    def plan(self, have, items, state):
        base = super(Rulebase, self).plan(have, items, state)
        listed = [item['name'] for item in items]
        if state == 'deleted':
            return base
        deleted = set(name for name in have if state == 'overridden' and name not in listed)
        current = [name for name in have if name not in deleted] + [name for name in listed if name not in have]
        if state == 'overridden':
            target = list(listed)
        elif self.params.get('location'):
            target = located_target(current, listed, self.params['location'], self.params.get('existing_rule'))
        else:
            target = relative_target(current, listed, lambda name: name in have)
        moves = plan_moves(current, target, set(listed), fresh=set(name for name in listed if name not in have))
        ops = list(base.ops) + [Op('move', self.entry_xpath(name), where=where, dst=dst) for name, where, dst in moves]
        after = dict((item['name'], item) for item in base.after)
        if state == 'overridden':
            after_list = [after[name] for name in target]
        else:
            after_list = [after[name] for name in target if name in after]
        return Plan(ops, base.before, after_list)

    # -- offline ----------------------------------------------------------------------------------
    def render(self, items):
        rules = pxml.new('rules')
        for item in items:
            desired, _in_play = self.spec.desired(None, item, 'replaced')
            rules.append(self.spec.build(desired))
        return pxml.to_string(rules)

    def parse(self, text):
        root = pxml.parse(text, 'running_config')
        if root.tag == 'entry':
            entries = [root]
        else:
            holder = root if root.tag == 'rules' else root.find('.//rules')
            entries = holder.findall('entry') if holder is not None else root.findall('entry')
        return [self.spec.compact(self.spec.read(entry)) for entry in entries]


def _refs(items, option, kind, single=False):
    found = []
    for index, item in enumerate(items):
        values = item.get(option)
        if values is None:
            continue
        for number, value in enumerate([values] if single else values):
            label = 'config[%d].%s' % (index, option) if single else 'config[%d].%s[%d]' % (index, option, number)
            found.append((label, kind, value))
    return found


class SecurityRules(Rulebase):
    kind = 'rule'
    spec = SECURITY

    def container(self):
        return xpaths.security_rules(self.vsys)

    def check_item(self, item, index):
        for option in ('from_zones', 'to_zones', 'source_addresses', 'destination_addresses', 'applications', 'services'):
            values = item.get(option)
            if values is not None and not values:
                raise ValidationError('config[%d].%s is empty: give at least one value (any matches everything)' % (index, option))
            if values and 'any' in values and len(values) > 1:
                raise ValidationError("config[%d].%s mixes 'any' with other values %s" % (index, option, values))

    def references(self, items):
        return (_refs(items, 'from_zones', 'zone') + _refs(items, 'to_zones', 'zone') + _refs(items, 'source_addresses', 'address')
                + _refs(items, 'destination_addresses', 'address') + _refs(items, 'services', 'service'))


class NatRules(Rulebase):
    kind = 'NAT rule'
    spec = NAT

    def container(self):
        return xpaths.nat_rules(self.vsys)

    def check_item(self, item, index):
        label = 'config[%d]' % index
        if item.get('to_zones') is not None and len(item['to_zones']) != 1:
            raise ValidationError('%s.to_zones=%s: a NAT rule has exactly one destination zone' % (label, item['to_zones']))
        if item.get('to_interface') and item['to_interface'] != 'any':
            check_interface(item['to_interface'], label + '.to_interface')
        source = _clean_dict(item.get('source_translation'))
        if source:
            self._check_source(source, label + '.source_translation')
            source['type'] = source_type(source)
            item['source_translation'] = source
        destination = _clean_dict(item.get('destination_translation'))
        if destination:
            if not destination.get('translated_address'):
                raise ValidationError('%s.destination_translation.translated_address is missing' % label)
            if destination.get('translated_port') is not None:
                check_ports(destination['translated_port'], label + '.destination_translation.translated_port')
            item['destination_translation'] = destination

    @staticmethod
    def _check_source(source, label):
        kind = source_type(source)
        if kind == 'dynamic_ip_and_port':
            if bool(source.get('interface')) == bool(source.get('translated_addresses')):
                raise ValidationError('%s: dynamic_ip_and_port takes interface (the interface address) or translated_addresses, '
                                      'exactly one' % label)
            if source.get('interface'):
                check_interface(source['interface'], label + '.interface')
        elif kind == 'dynamic_ip' and not source.get('translated_addresses'):
            raise ValidationError('%s: dynamic_ip needs translated_addresses' % label)
        elif kind == 'static_ip' and not source.get('translated_address'):
            raise ValidationError('%s: static_ip needs translated_address' % label)
        extra = [key for key in ('interface', 'interface_ip') if source.get(key)] if kind != 'dynamic_ip_and_port' else []
        extra += ['bi_directional'] if kind != 'static_ip' and source.get('bi_directional') is not None else []
        if extra:
            raise ValidationError('%s: %s does not apply to type %s' % (label, ', '.join(extra), kind))

    def check(self, client, items, have, state):
        if state != 'deleted':
            for index, item in enumerate(items):
                if not item.get('to_zones') and (state != 'merged' or item['name'] not in have):
                    raise ValidationError('config[%d].to_zones is missing: NAT rule %s needs its destination zone (PAN-OS has no '
                                          '"any" here)' % (index, item['name']))
        super(NatRules, self).check(client, items, have, state)

    def references(self, items):
        refs = (_refs(items, 'from_zones', 'zone') + _refs(items, 'to_zones', 'zone') + _refs(items, 'source_addresses', 'address')
                + _refs(items, 'destination_addresses', 'address') + _refs(items, 'service', 'service', single=True))
        for index, item in enumerate(items):
            source = item.get('source_translation') or {}
            for number, value in enumerate(source.get('translated_addresses') or []):
                refs.append(('config[%d].source_translation.translated_addresses[%d]' % (index, number), 'address', value))
            if source.get('translated_address'):
                refs.append(('config[%d].source_translation.translated_address' % index, 'address', source['translated_address']))
            destination = item.get('destination_translation') or {}
            if destination.get('translated_address'):
                refs.append(('config[%d].destination_translation.translated_address' % index, 'address', destination['translated_address']))
        return refs


RULEBASE_OPTIONS = dict(
    location=dict(type='str', choices=list(LOCATIONS)),
    existing_rule=dict(type='str'),
)


def run_rulebase(module, client, rulebase):
    """The body of panos_security_rules and panos_nat_rules."""
    params = module.params
    state = params['state']
    if state == 'rendered':
        items = rulebase.prepare(params.get('config'), state)
        return dict(changed=False, rendered=rulebase.render(items))
    if state == 'parsed':
        return dict(changed=False, parsed=rulebase.parse(params['running_config']))
    if state == 'gathered':
        return dict(changed=False, gathered=rulebase.gather(rulebase.read(client)))
    if module.check_mode:
        rulebase.warn = module.warn
    items = rulebase.prepare(params.get('config'), state)
    have = rulebase.read(client)
    rulebase.check(client, items, have, state)
    plan = rulebase.plan(have, items, state)
    client.apply(plan.ops, module.check_mode)
    result = dict(changed=bool(plan.ops), before=plan.before, after=plan.after, commands=client.commands())
    if module._diff:
        result['diff'] = dict(before=plan.before, after=plan.after)
    return result


def _item_index(label):
    """The N of a 'config[N]...' label."""
    return int(label.split('[', 1)[1].split(']', 1)[0])
