# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Walk the schema file: every path and method is served and accepts exactly its parameters."""

import json
import re

import pytest

from labcore.reference import reference_path

NOT_DEFINED = 'property is not defined in schema and the schema does not allow additional properties'
PATH_VALUES = {'node': 'pve1', 'vmid': '100', 'vnet': 'vnet10', 'group': 'grp', 'name': 'set1',
               'cidr': '10.0.0.0/24', 'pos': '0', 'iface': 'vmbr0'}
UNDECLARED = 'zz_not_in_schema'


def _schema_methods():
    with open(reference_path('pve', 'api-schema-9.1-firewall.json'), encoding='utf-8') as handle:
        paths = json.load(handle)['paths']
    for template in sorted(paths):
        for method, info in sorted(paths[template]['info'].items()):
            yield template, method, sorted((info.get('parameters') or {}).get('properties') or {})


SCHEMA_METHODS = list(_schema_methods())


def test_every_schema_method_has_a_handler(pve):
    assert len(SCHEMA_METHODS) == 122
    assert pve.app.missing_handlers() == []


@pytest.mark.parametrize('template, method, declared', SCHEMA_METHODS,
                         ids=['%s %s' % (method, template) for template, method, _declared in SCHEMA_METHODS])
def test_accepts_exactly_the_declared_parameters(pve, template, method, declared):
    path_names = re.findall(r'\{(\w+)\}', template)
    path = template
    for name in path_names:
        path = path.replace('{%s}' % name, PATH_VALUES[name])
    values = {name.replace('[n]', '0'): 'x' for name in declared if name not in path_names}
    values[UNDECLARED] = '1'
    if method in ('GET', 'DELETE'):
        answer = pve.raw(method, path, params=values)
    else:
        answer = pve.raw(method, path, data=values)
    assert answer.status_code == 400, (answer.status_code, answer.reason)
    errors = answer.json()['errors']
    assert errors.get(UNDECLARED) == NOT_DEFINED
    recognised_as_unknown = sorted(name for name, message in errors.items() if message == NOT_DEFINED)
    assert recognised_as_unknown == [UNDECLARED]


@pytest.mark.parametrize('template, method, declared', SCHEMA_METHODS,
                         ids=['%s %s' % (method, template) for template, method, _declared in SCHEMA_METHODS])
def test_validator_knows_the_declared_names(pve, template, method, declared):
    params = pve.app.schema.method_params(template, method)
    for name in declared:
        assert params.lookup(name.replace('[n]', '0')) is not None, name
    assert params.lookup(UNDECLARED) is None
