# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built-in macro table: equal to PVE's own definitions, and usable by the evaluator offline.

PVE's definitions are read from ``<repo>/../shared/reference/pve/macros.json`` (``ZONEWARDEN_REFERENCE``
replaces the reference root); the test fails when the file is missing.
"""

import json
import os

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve import PveFirewall
from ansible_collections.zonewarden.firewall.plugins.module_utils._policy.pve_macros import builtin_macros, load_macros

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.realpath(__file__)))))))


def reference_macros():
    root = os.environ.get('ZONEWARDEN_REFERENCE') or os.path.join(os.path.dirname(REPO_ROOT), 'shared', 'reference')
    path = os.path.join(root, 'pve', 'macros.json')
    assert os.path.isfile(path), 'macros.json not found at %s (set ZONEWARDEN_REFERENCE)' % path
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)['macros']


def test_builtin_table_equals_pves_definitions():
    ours = builtin_macros()['macros']
    theirs = reference_macros()
    assert sorted(ours) == sorted(theirs)
    different = [name for name in theirs if ours[name] != theirs[name]]
    assert not different, different


def test_ipv6_variants_and_ipv6_only_macros():
    cluster = '[OPTIONS]\nenable: 1\n\n[RULES]\nIN Ping(ACCEPT)\nIN DHCPv6(ACCEPT)\nIN Trcrt(ACCEPT)\n'
    firewall = PveFirewall(cluster=cluster, macros=builtin_macros(), host_ip='192.0.2.10', local_network='192.0.2.0/24')

    def action(**flow):
        return firewall.evaluate(dict({'from': 'outside', 'to': 'host'}, **flow))['action']
    assert action(proto='icmp', dport='echo-request') == 'ACCEPT'
    assert action(proto='icmpv6', dport='echo-request', source='2001:db8::1') == 'ACCEPT'
    assert action(proto='udp', dport='547', sport='546', source='2001:db8::1') == 'ACCEPT'
    assert action(proto='udp', dport='547', sport='546') == 'DROP'
    assert action(proto='udp', dport='33434', source='2001:db8::1') == 'ACCEPT'


@pytest.mark.parametrize('data, known, unknown', [
    (None, 'SSH', None),
    ([{'macro': 'ssh', 'descr': 'x'}, 'HTTP', {'macro': 'Mystery'}], 'HTTP', 'Mystery'),
    ({'macros': {'Custom': [{'action': 'PARAM', 'proto': 'tcp', 'dport': '7'}]}}, 'Custom', None),
    ({'Custom': [{'action': 'PARAM', 'proto': 'tcp', 'dport': '7'}]}, 'Custom', None),
])
def test_load_macros(data, known, unknown):
    macros, warnings = load_macros(data)
    assert known in macros['macros']
    if isinstance(data, list):
        assert sorted(macros['macros']) == ['HTTP', 'SSH']
    if unknown:
        assert warnings == ["macro '%s' has no known definition; rules using it are treated as invalid" % unknown]
    else:
        assert warnings == []
    with pytest.raises(ValueError):
        load_macros('SSH')
