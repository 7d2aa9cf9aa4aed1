# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Firewall macros, read at run time from the shared reference (macros.json, never copied here).

PVE matches a rule's macro name case-insensitively and stores its canonical spelling. A few macros
have IPv6 variants or exist for IPv6 only; those facts are not in macros.json and are kept below.
"""

import json

from labcore.reference import reference_path

MACROS_PARTS = ('pve', 'macros.json')
MACROS_ENV = 'ZONEWARDEN_PVE_MACROS'

IPV6_ONLY = ('NeighborDiscovery', 'DHCPv6')
IPV6_VARIANTS = {
    'Ping': [{'action': 'PARAM', 'proto': 'icmpv6', 'dport': 'echo-request'}],
    'Trcrt': [{'action': 'PARAM', 'proto': 'udp', 'dport': '33434:33524'},
              {'action': 'PARAM', 'proto': 'icmpv6', 'dport': 'echo-request'}],
}


class Macros:
    """Names, descriptions and rule templates of the macros."""

    def __init__(self, path=None):
        self.path = path or reference_path(*MACROS_PARTS, env_override=MACROS_ENV)
        with open(self.path, encoding='utf-8') as handle:
            raw = json.load(handle)
        self.templates = raw['macros']
        self.descriptions = raw.get('descriptions', {})
        self.preferred = {name.lower(): name for name in self.templates}

    def canonical(self, name):
        return self.preferred.get(name.lower())

    def listing(self):
        return [{'macro': name, 'descr': self.descriptions.get(name) or name} for name in self.templates]

    def expand(self, name, rule, ipversion):
        """Check a rule against its macro the way apply_macro does; returns (key, message) or None."""
        templates = self.templates[name]
        if ipversion == 6 and name in IPV6_VARIANTS:
            templates = IPV6_VARIANTS[name]
        required = 6 if name in IPV6_ONLY else 0
        if ipversion and required and ipversion != required:
            return None
        for template in templates:
            expanded = {}
            used = set()
            for key in sorted(template):
                value = template[key]
                if value == 'PARAM':
                    value = rule.get(key)
                    used.add(key)
                if value is None:
                    return 'macro', "missing parameter '%s' in macro '%s'" % (key, name)
                expanded[key] = value
            for key in sorted(rule):
                if key == 'macro' or rule[key] is None or key in used:
                    continue
                if key in expanded and str(expanded[key]) != str(rule[key]):
                    return key, "parameter '%s' already define in macro (value = '%s')" % (key, expanded[key])
        return None
