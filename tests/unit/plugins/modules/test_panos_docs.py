# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every PAN-OS module's argument spec matches its DOCUMENTATION (with the _panos fragment), and the action group lists them."""

import importlib
import os

import pytest
import yaml

from ansible_collections.zonewarden.firewall.plugins.doc_fragments._panos import ModuleDocFragment
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import panos_argument_spec

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))))
# The resource, commit and info modules built on _panos.module (other panos_* modules are checked by their own tests).
MODULES = ['panos_address_groups', 'panos_address_objects', 'panos_commit', 'panos_info', 'panos_interfaces', 'panos_management_profiles',
           'panos_nat_rules', 'panos_security_rules', 'panos_service_groups', 'panos_service_objects', 'panos_virtual_routers',
           'panos_zones']


def documented(name):
    module = importlib.import_module('ansible_collections.zonewarden.firewall.plugins.modules.' + name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    for key, value in doc.get('options', {}).items():
        merged = dict(options.get(key, {}))
        merged.update(value)
        options[key] = merged
    for section in ('EXAMPLES', 'RETURN'):
        assert yaml.safe_load(getattr(module, section)) is not None, (name, section)
    return module, doc, options


def compare(spec, docs, where):
    assert sorted(spec) == sorted(docs), where
    for key, arg in spec.items():
        doc = docs[key]
        label = '%s.%s' % (where, key)
        description = doc.get('description')
        assert description and all(isinstance(line, str) for line in (description if isinstance(description, list) else [description])), label
        assert arg.get('type', 'str') == doc.get('type', 'str'), label
        assert arg.get('elements') == doc.get('elements'), label
        assert bool(arg.get('required')) == bool(doc.get('required')), label
        assert arg.get('default') == doc.get('default'), label
        assert (list(arg['choices']) if arg.get('choices') else None) == doc.get('choices'), label
        if arg.get('options') or doc.get('suboptions'):
            compare(arg.get('options') or {}, doc.get('suboptions') or {}, label)


@pytest.mark.parametrize('name', MODULES)
def test_argument_spec_matches_documentation(name):
    module, doc, options = documented(name)
    assert doc['module'] == name
    assert doc['author'] == ['Zonewarden Team (@zonewarden)']
    assert 'zonewarden.firewall._attributes.actiongroup_panos' in doc['extends_documentation_fragment']
    offline = 'rendered' in (module.argument_spec().get('state', {}).get('choices') or [])
    compare(panos_argument_spec(offline_states=offline, **module.argument_spec()), options, name)


def test_action_group_lists_the_modules_in_order():
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        group = yaml.safe_load(handle)['action_groups']['panos']
    assert group == sorted(group)
    assert set(MODULES) <= set(group)
