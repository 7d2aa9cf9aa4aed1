# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the engine of the keyed PAN-OS resource modules.

A resource (zones, profiles, routers, objects ...) is a container of named entries. One run:

1. checks the input offline (``prepare``), then reads the whole container once;
2. checks what needs the device (references), still before any write;
3. plans per entry with the field model (narrow ``set``/``edit``/``delete`` below the entry's own
   xpath; entries the task does not list are left alone except under ``overridden``);
4. sends all writes batched in multi-config requests (none in check mode).
"""

from __future__ import annotations

from collections import OrderedDict

from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xml as pxml
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import xpaths
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.validate import check_name, check_unique

CONFIG_STATES = ('merged', 'replaced', 'overridden', 'deleted')


class Plan(object):
    def __init__(self, ops, before, after):
        self.ops = ops
        self.before = before
        self.after = after


class KeyedResource(object):
    """Base of a keyed collection; subclasses set ``kind`` and ``spec`` and name the container."""

    kind = 'object'
    spec = None

    def __init__(self, params, warn=None):
        self.params = params
        self.vsys = params.get('vsys') or xpaths.DEFAULT_VSYS
        # Set in check mode: reference problems become warnings (an earlier task of the run may create the object).
        self.warn = warn

    # -- where ----------------------------------------------------------------------------------
    def container(self):
        raise NotImplementedError

    def entry_xpath(self, name):
        return xpaths.entry_xpath(self.container(), name)

    def spec_for(self, name):
        return self.spec

    # -- reading --------------------------------------------------------------------------------
    def read(self, client):
        """Ordered name -> entry element of the container, read with one request."""
        container = self.container()
        node = client.get_node(container, container.split('/')[-1], desc='read the %ss' % self.kind)
        return OrderedDict(pxml.entries_by_name(node))

    def gather_item(self, name, entry):
        spec = self.spec_for(name)
        return spec.compact(spec.read(entry))

    def gather(self, have):
        return [self.gather_item(name, entry) for name, entry in have.items() if self.manages(name, entry)]

    def manages(self, name, entry):
        """Whether an existing entry is one this module models (gathered, overridden)."""
        return True

    # -- checking -------------------------------------------------------------------------------
    def prepare(self, items, state):
        """Check the input offline and return it normalized; raises ValidationError."""
        items = [dict(item) for item in items or []]
        for index, item in enumerate(items):
            check_name(item.get('name'), 'config[%d].name' % index, self.kind)
            if state != 'deleted':
                self.check_item(item, index)
        check_unique(items, 'config', self.kind)
        return items

    def check_item(self, item, index):
        """Per-item checks and normalization (in place)."""

    def check(self, client, items, have, state):
        """Checks that need the device (references); nothing is written yet."""

    # -- planning -------------------------------------------------------------------------------
    def plan(self, have, items, state):
        listed = [item['name'] for item in items]
        current = OrderedDict((name, self.gather_item(name, entry)) for name, entry in have.items() if self.manages(name, entry))
        after = OrderedDict(current)
        ops = list(self.pre_ops(have, items, state))
        if state == 'deleted':
            for name in listed:
                if name in have:
                    ops.append(Op('delete', self.entry_xpath(name)))
                    after.pop(name, None)
        else:
            for item in items:
                ops.extend(self.plan_entry(have, item, state, after))
            if state == 'overridden':
                for name in current:
                    if name not in listed:
                        ops.append(Op('delete', self.entry_xpath(name)))
                        after.pop(name)
        ops.extend(self.extra_ops(have, items, state))
        if state == 'overridden':
            before, after_list = list(current.values()), list(after.values())
        else:
            before = [current[name] for name in listed if name in current]
            after_list = [after[name] for name in listed if name in after]
        return Plan(ops, before, after_list)

    def plan_entry(self, have, item, state, after):
        name = item['name']
        spec = self.spec_for(name)
        entry = have.get(name)
        have_item = spec.read(entry) if entry is not None else None
        desired, in_play = spec.desired(have_item, item, state)
        ops = spec.ops(entry, self.entry_xpath(name), have_item, desired, in_play)
        if ops:
            after[name] = spec.compact(desired)
        return ops

    def pre_ops(self, have, items, state):
        """Writes outside the entries that must come before the entry writes (references to drop)."""
        return []

    def extra_ops(self, have, items, state):
        """Writes outside the entries (memberships held elsewhere); after the entry writes."""
        return []


def run_keyed(module, client, resource):
    """The body of a keyed resource module; returns the result dict."""
    params = module.params
    state = params['state']
    if state == 'gathered':
        return dict(changed=False, gathered=resource.gather(resource.read(client)))
    if module.check_mode:
        resource.warn = module.warn
    items = resource.prepare(params.get('config'), state)
    have = resource.read(client)
    resource.check(client, items, have, state)
    plan = resource.plan(have, items, state)
    client.apply(plan.ops, module.check_mode)
    return finish(module, client, plan)


def finish(module, client, plan, **extra):
    result = dict(changed=bool(plan.ops), before=plan.before, after=plan.after, commands=client.commands())
    result.update(extra)
    if module._diff:
        result['diff'] = dict(before=plan.before, after=plan.after)
    return result


def config_option(options, required_name=True):
    """The ``config`` option: a list of dicts with a required ``name`` plus ``options``."""
    suboptions = dict(name=dict(type='str', required=required_name))
    suboptions.update(options)
    return dict(type='list', elements='dict', options=suboptions)
