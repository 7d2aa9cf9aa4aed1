# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pve_bridges and pve_vm: the argument spec matches DOCUMENTATION (with the _pve fragment); both are in the pve action group."""

import importlib
import os

import pytest
import yaml

from ansible_collections.zonewarden.firewall.plugins.doc_fragments._pve import ModuleDocFragment
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.client import pve_argument_spec

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))))
MODULES = ['pve_bridges', 'pve_vm']


def compare(spec, docs, where):
    assert sorted(spec) == sorted(docs), where
    for key, arg in spec.items():
        doc = docs[key]
        label = '%s.%s' % (where, key)
        assert doc.get('description'), label
        assert arg.get('type', 'str') == doc.get('type', 'str'), label
        assert arg.get('elements') == doc.get('elements'), label
        assert bool(arg.get('required')) == bool(doc.get('required')), label
        assert arg.get('default') == doc.get('default'), label
        assert (list(arg['choices']) if arg.get('choices') else None) == doc.get('choices'), label
        assert bool(arg.get('no_log')) == (key in ('api_password', 'api_token_secret')), label
        if arg.get('options') or doc.get('suboptions'):
            compare(arg.get('options') or {}, doc.get('suboptions') or {}, label)


@pytest.mark.parametrize('name', MODULES)
def test_argument_spec_matches_documentation(name):
    module = importlib.import_module('ansible_collections.zonewarden.firewall.plugins.modules.' + name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    for section in ('EXAMPLES', 'RETURN'):
        assert yaml.safe_load(getattr(module, section)), (name, section)
    assert doc['module'] == name
    assert 'zonewarden.firewall._attributes.actiongroup_pve' in doc['extends_documentation_fragment']
    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    options.update(doc['options'])
    compare(pve_argument_spec(**module.argument_spec()), options, name)


def test_in_the_pve_action_group_in_order():
    with open(os.path.join(REPO, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        group = yaml.safe_load(handle)['action_groups']['pve']
    assert group == sorted(group)
    assert set(MODULES) <= set(group)
