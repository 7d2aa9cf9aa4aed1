# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the firewall macros of Proxmox VE, as data the evaluator can use.

The API lists macro names only (``GET /cluster/firewall/macros`` answers ``[{macro, descr}]``), but
evaluating a rule such as ``IN SSH(ACCEPT)`` needs what the macro expands to. The table below states,
for each macro PVE 9.1 (pve-firewall 6.0) ships, the protocol and ports it matches. It is written in
our own compact notation: each macro is a space separated list of ``proto[/dport[/sport]]`` items,
one per rule the macro produces, in PVE's order. Port numbers are the services' well-known ports.

``builtin_macros()`` returns the table in the shape ``MacroTable`` reads; ``load_macros(data)``
combines it with user data (a ``macros.json`` style document, a ``{name: [templates]}`` mapping or
the API's list of names).
"""

from __future__ import annotations

_TABLE = {
    'Amanda': 'udp/10080 tcp/10080',
    'Auth': 'tcp/113',
    'BGP': 'tcp/179',
    'BitTorrent': 'tcp/6881:6889 udp/6881',
    'BitTorrent32': 'tcp/6881:6999 udp/6881',
    'CVS': 'tcp/2401',
    'Ceph': 'tcp/6789 tcp/3300 tcp/6800:7300',
    'Citrix': 'tcp/1494 udp/1604 tcp/2598',
    'DAAP': 'tcp/3689 udp/3689',
    'DCC': 'tcp/6277',
    'DHCPfwd': 'udp/67:68/67:68',
    'DHCPv6': 'udp/546:547/546:547',
    'DNS': 'udp/53 tcp/53',
    'Distcc': 'tcp/3632',
    'FTP': 'tcp/21',
    'Finger': 'tcp/79',
    'GNUnet': 'tcp/2086 udp/2086 tcp/1080 udp/1080',
    'GRE': '47',
    'Git': 'tcp/9418',
    'HKP': 'tcp/11371',
    'HTTP': 'tcp/80',
    'HTTPS': 'tcp/443',
    'ICPV2': 'udp/3130',
    'ICQ': 'tcp/5190',
    'IMAP': 'tcp/143',
    'IMAPS': 'tcp/993',
    'IPIP': '94',
    'IPsec': 'udp/500/500 50',
    'IPsecah': 'udp/500/500 51',
    'IPsecnat': 'udp/500 udp/4500 50',
    'IRC': 'tcp/6667',
    'Jetdirect': 'tcp/9100',
    'L2TP': 'udp/1701',
    'LDAP': 'tcp/389',
    'LDAPS': 'tcp/636',
    'MDNS': 'udp/5353',
    'MSNP': 'tcp/1863',
    'MSSQL': 'tcp/1433',
    'Mail': 'tcp/25 tcp/465 tcp/587',
    'Munin': 'tcp/4949',
    'MySQL': 'tcp/3306',
    'NNTP': 'tcp/119',
    'NNTPS': 'tcp/563',
    'NTP': 'udp/123',
    'NeighborDiscovery': 'icmpv6/router-solicitation icmpv6/router-advertisement icmpv6/neighbor-solicitation '
                         'icmpv6/neighbor-advertisement',
    'OSPF': '89',
    'OpenVPN': 'udp/1194',
    'PCA': 'udp/5632 tcp/5631',
    'PMG': 'tcp/8006',
    'POP3': 'tcp/110',
    'POP3S': 'tcp/995',
    'PPtP': '47 tcp/1723',
    'Ping': 'icmp/echo-request',
    'PostgreSQL': 'tcp/5432',
    'Printer': 'tcp/515',
    'RDP': 'tcp/3389',
    'RIP': 'udp/520',
    'RNDC': 'tcp/953',
    'Razor': 'tcp/2703',
    'Rdate': 'tcp/37',
    'Rsync': 'tcp/873',
    'SANE': 'tcp/6566',
    'SMB': 'udp/135,445 udp/137:139 udp/1024:65535/137 tcp/135,139,445',
    'SMBswat': 'tcp/901',
    'SMTP': 'tcp/25',
    'SMTPS': 'tcp/465',
    'SNMP': 'udp/161:162 tcp/161',
    'SPAMD': 'tcp/783',
    'SPICEproxy': 'tcp/3128',
    'SSH': 'tcp/22',
    'SVN': 'tcp/3690',
    'SixXS': 'tcp/3874 udp/3740 41 udp/5072,8374',
    'Squid': 'tcp/3128',
    'Submission': 'tcp/587',
    'Syslog': 'udp/514 tcp/514',
    'TFTP': 'udp/69',
    'Telnet': 'tcp/23',
    'Telnets': 'tcp/992',
    'Time': 'tcp/37',
    'Trcrt': 'udp/33434:33524 icmp/echo-request',
    'VNC': 'tcp/5900:5999',
    'VNCL': 'tcp/5500',
    'Web': 'tcp/80 tcp/443',
    'Webcache': 'tcp/8080',
    'Webmin': 'tcp/10000',
    'Whois': 'tcp/43',
}

# What PVE uses instead for IPv6 rules, and the macros that exist for one IP version only.
_IPV6_TABLE = {
    'Ping': 'icmpv6/echo-request',
    'Trcrt': 'udp/33434:33524 icmpv6/echo-request',
}
_IPVERSION = {'NeighborDiscovery': 6, 'DHCPv6': 6}


def _templates(text):
    templates = []
    for item in text.split():
        parts = item.split('/')
        template = {'action': 'PARAM', 'proto': parts[0]}
        if len(parts) > 1:
            template['dport'] = parts[1]
        if len(parts) > 2:
            template['sport'] = parts[2]
        templates.append(template)
    return templates


def builtin_macros():
    """The built-in definitions as ``{'macros': ..., 'macros_ipv6': ..., 'ipversion': ...}``."""
    return {
        'macros': dict((name, _templates(text)) for name, text in _TABLE.items()),
        'macros_ipv6': dict((name, _templates(text)) for name, text in _IPV6_TABLE.items()),
        'ipversion': dict(_IPVERSION),
    }


def load_macros(data=None):
    """Macro data for ``MacroTable``: the built-in table, adjusted by ``data`` when given.

    ``data`` may be a ``macros.json`` style document (``{'macros': {name: [templates]}}``), a plain
    ``{name: [templates]}`` mapping (both replace or add definitions), or a list shaped like the
    API's answer (``[{'macro': name, 'descr': ...}]`` or plain names), which restricts the known
    macros to those names. Returns ``(macro data, warnings)``.
    """
    result = builtin_macros()
    warnings = []
    if data is None:
        return result, warnings
    if isinstance(data, list):
        names = []
        for item in data:
            name = item.get('macro') if isinstance(item, dict) else item
            if name:
                names.append(str(name))
        known = dict((name.lower(), name) for name in result['macros'])
        kept = {}
        for name in names:
            canonical = known.get(name.lower())
            if canonical is None:
                warnings.append("macro '%s' has no known definition; rules using it are treated as invalid" % name)
                continue
            kept[canonical] = result['macros'][canonical]
        result['macros'] = kept
        return result, warnings
    if not isinstance(data, dict):
        raise ValueError('macro data must be a list of macro names or a mapping of macro definitions')
    definitions = data['macros'] if isinstance(data.get('macros'), dict) else data
    for name, templates in definitions.items():
        if isinstance(templates, list):
            result['macros'][name] = [dict(template) for template in templates if isinstance(template, dict)]
    for key in ('macros_ipv6', 'ipversion'):
        if isinstance(data.get(key), dict):
            result[key].update(data[key])
    return result, warnings
