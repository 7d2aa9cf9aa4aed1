# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fail2ban part of the microsegmented_host role, rendered offline with Ansible's templating.

The filter's failregex is turned into a Python regex the way fail2ban does it (its <HOST> tag
becomes named address groups) and run on pvedaemon lines as the journal backend hands them over.
"""

import configparser
import json
import os
import re

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'roles', 'microsegmented_host')
TEMPLATES = os.path.join(ROLE, 'templates', 'fail2ban')

# fail2ban's <HOST>: an IPv4 address (optionally IPv4-mapped) or an IPv6 address, in optional brackets.
HOST_RE = r'\[?(?:(?:::f{4,6}:)?(?P<ip4>(?:\d{1,3}\.){3}\d{1,3})|(?P<ip6>[0-9A-Fa-f]*:[0-9A-Fa-f:]*[0-9A-Fa-f]))\]?'

SAMPLE = {
    'microsegmented_host_fail2ban_hosts': ['pve1', 'pve2'],
    'microsegmented_host_management_networks': ['192.0.2.0/28', {'cidr': '2001:db8:aa::/64', 'comment': 'admins v6'}, 'jumphosts',
                                                {'cidr': '192.0.2.9', 'nomatch': True}],
    'microsegmented_host_aliases': [{'name': 'JumpHosts', 'cidr': '198.51.100.32/27'}],
    'microsegmented_host_fail2ban_maxretry': 5,
    'microsegmented_host_fail2ban_findtime': '15m',
    'microsegmented_host_fail2ban_bantime': 7200,
    'groups': {'all': ['controller', 'pve1', 'pve2'], 'ungrouped': []},
}


def role_defaults():
    """The role's defaults plus its vars/main.yml (the address patterns the templates use)."""
    loader = DataLoader()
    variables = dict(loader.load_from_file(os.path.join(ROLE, 'defaults', 'main.yml'), trusted_as_template=True))
    variables.update(loader.load_from_file(os.path.join(ROLE, 'vars', 'main.yml'), trusted_as_template=True))
    return variables


def render(name, variables):
    with open(os.path.join(TEMPLATES, name), encoding='utf-8') as handle:
        source = handle.read()
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(source))


def plan(**overrides):
    variables = dict(role_defaults(), **SAMPLE)
    variables.update(overrides)
    return json.loads(render('plan.json.j2', variables)), variables


def jail(**overrides):
    settings, variables = plan(**overrides)
    assert settings['problems'] == []
    variables['microsegmented_host__fail2ban'] = settings
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(render('jail.local.j2', variables))
    return parser


def failregex():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(render('proxmox.conf.j2', role_defaults()))
    regex = parser.get('Definition', 'failregex')
    assert regex.count('<HOST>') == 1
    assert parser.get('Definition', 'ignoreregex') == ''
    return re.compile(regex.replace('<HOST>', HOST_RE))


def banned_address(line):
    """The address fail2ban would take from a journal line, or None (it searches the line plus a newline)."""
    match = failregex().search(line + '\n')
    return None if match is None else (match.group('ip4') or match.group('ip6'))


@pytest.mark.parametrize('line, address', [
    ('pve1 pvedaemon[2417]: authentication failure; rhost=::ffff:198.51.100.7 user=root@pam msg=Authentication failure',
     '198.51.100.7'),
    ('pve1 pvedaemon[2417]: authentication failure; rhost=203.0.113.25 user=automation@pve msg=invalid credentials',
     '203.0.113.25'),
    ('pve2 pvedaemon[991]: authentication failure; rhost=2001:db8:1::25 user=root@pam msg=Authentication failure',
     '2001:db8:1::25'),
    ('pvedaemon[12]: authentication failure; rhost=::ffff:192.0.2.200 user=nobody@pve msg=no such user',
     '192.0.2.200'),
    # the user name is chosen by the client; an address in it must not be the one that gets banned
    ('pve1 pvedaemon[2417]: authentication failure; rhost=::ffff:198.51.100.7 user=x rhost=192.0.2.1 msg=y',
     '198.51.100.7'),
])
def test_failregex_bans_the_client_of_a_failed_login(line, address):
    assert banned_address(line) == address


@pytest.mark.parametrize('line', [
    "pve1 pvedaemon[2417]: <root@pam> successful auth for user 'root@pam'",
    'pve1 sshd[4242]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.7  user=root',
    'pve1 pveproxy[3310]: authentication failure; rhost=::ffff:198.51.100.7 user=root@pam msg=Authentication failure',
    'pve1 logger[77]: pvedaemon[1]: authentication failure; rhost=198.51.100.7 user=root@pam msg=forged',
    'pve1 pvedaemon[2417]: starting 3 worker(s)',
])
def test_failregex_ignores_other_lines(line):
    assert banned_address(line) is None


def test_jail_file_has_both_jails_with_the_settings():
    parser = jail()
    assert parser.sections() == ['proxmox', 'sshd']
    proxmox, sshd = parser['proxmox'], parser['sshd']
    assert proxmox['enabled'] == 'true' and sshd['enabled'] == 'true'
    assert proxmox['port'].split(',') == ['https', '8006']
    assert proxmox['filter'] == 'proxmox'
    assert proxmox['backend'] == 'systemd' and sshd['backend'] == 'systemd'
    assert proxmox['journalmatch'] == '_SYSTEMD_UNIT=pvedaemon.service'
    assert sshd['port'] == 'ssh' and sshd['filter'] == 'sshd'
    for section in (proxmox, sshd):
        assert section['maxretry'] == '5'
        assert section['findtime'] == '15m'
        assert section['bantime'] == '7200'
        assert section['ignoreip'].split() == ['127.0.0.1/8', '::1', '192.0.2.0/28', '2001:db8:aa::/64', '198.51.100.32/27']
        assert 'banaction' not in section


def test_jail_file_only_has_the_chosen_jails_and_the_banaction():
    parser = jail(microsegmented_host_fail2ban_jails=['sshd'], microsegmented_host_fail2ban_banaction='nftables-multiport')
    assert parser.sections() == ['sshd']
    assert parser['sshd']['banaction'] == 'nftables-multiport'


def test_plan_defaults_ignoreip_to_the_management_networks():
    settings, _variables = plan()
    assert settings['problems'] == []
    assert settings['hosts'] == ['pve1', 'pve2']
    assert settings['jails'] == ['proxmox', 'sshd']
    assert settings['config_dir'] == '/etc/fail2ban'
    # the nomatch entry is an exception inside the set, not an administrator: it is not listed
    assert '192.0.2.9' not in settings['ignoreip']


def test_plan_takes_an_explicit_ignore_list():
    settings, _variables = plan(microsegmented_host_fail2ban_ignoreip=['203.0.113.9', {'cidr': '2001:db8:ff::1'}])
    assert settings['ignoreip'] == ['127.0.0.1/8', '::1', '203.0.113.9', '2001:db8:ff::1']


@pytest.mark.parametrize('overrides, expected', [
    ({'microsegmented_host_fail2ban_hosts': []}, 'microsegmented_host_fail2ban_hosts is empty'),
    ({'microsegmented_host_fail2ban_hosts': ['pve9']}, '"pve9" is not a host of the inventory'),
    ({'microsegmented_host_management_networks': []}, "declare the administrators' networks"),
    ({'microsegmented_host_aliases': []}, '"jumphosts" is an alias that microsegmented_host_aliases does not declare'),
    ({'microsegmented_host_fail2ban_ignoreip': ['192.0.2.0/28', '192.0.2.300']}, '"192.0.2.300" is not an IP address or CIDR'),
    ({'microsegmented_host_fail2ban_ignoreip': ['192.0.2.0/28', 'admins.example.org']}, '"admins.example.org" is not an IP address or CIDR'),
    ({'microsegmented_host_fail2ban_jails': ['proxmox', 'nginx']}, '"nginx" is not one of proxmox, sshd'),
    ({'microsegmented_host_fail2ban_jails': []}, 'microsegmented_host_fail2ban_jails is empty'),
    ({'microsegmented_host_fail2ban_maxretry': 0}, 'microsegmented_host_fail2ban_maxretry'),
    ({'microsegmented_host_fail2ban_bantime': '1h\nignoreip = 0.0.0.0/0'}, 'microsegmented_host_fail2ban_bantime'),
    ({'microsegmented_host_fail2ban_findtime': 'soon'}, 'microsegmented_host_fail2ban_findtime'),
    ({'microsegmented_host_fail2ban_banaction': 'nftables\n[sshd]'}, 'microsegmented_host_fail2ban_banaction'),
    ({'microsegmented_host_fail2ban_config_dir': 'etc/fail2ban'}, 'is not an absolute path'),
])
def test_plan_reports_problems(overrides, expected):
    settings, _variables = plan(**overrides)
    assert len(settings['problems']) == 1, settings['problems']
    assert expected in settings['problems'][0]


def test_every_fail2ban_variable_is_a_default_and_documented():
    with open(os.path.join(ROLE, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        defaults = {name for name in yaml.safe_load(handle) if name.startswith('microsegmented_host_fail2ban')}
    with open(os.path.join(ROLE, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    documented = {name for name in options if name.startswith('microsegmented_host_fail2ban')}
    used = set()
    for name in ('plan.json.j2', 'jail.local.j2', 'proxmox.conf.j2'):
        with open(os.path.join(TEMPLATES, name), encoding='utf-8') as handle:
            used.update(re.findall(r'microsegmented_host_fail2ban_\w+', handle.read()))
    with open(os.path.join(ROLE, 'tasks', 'fail2ban.yml'), encoding='utf-8') as handle:
        used.update(re.findall(r'\bmicrosegmented_host_fail2ban\w*', handle.read()))
    assert defaults == documented
    assert used - {'microsegmented_host_fail2ban'} <= documented
    assert len(documented) >= 12


def test_main_runs_the_part_only_behind_the_flag_and_before_the_summary():
    with open(os.path.join(ROLE, 'tasks', 'main.yml'), encoding='utf-8') as handle:
        block = yaml.safe_load(handle)[0]['block']
    names = [task.get('ansible.builtin.import_tasks') or (task.get('ansible.builtin.include_tasks') or {}).get('file') for task in block]
    assert names.index('fail2ban.yml') == names.index('verify.yml') + 1
    assert names.index('fail2ban.yml') < names.index('summary.yml')
    task = block[names.index('fail2ban.yml')]
    assert task['when'] == 'microsegmented_host_fail2ban | bool'
    assert task['tags'] == ['microsegmented_host_fail2ban']
    # Imported, its loops would be templated (and fail on undefined facts) even with the flag off.
    assert 'ansible.builtin.include_tasks' in task
    assert task['ansible.builtin.include_tasks']['apply']['tags'] == ['microsegmented_host_fail2ban']
    with open(os.path.join(ROLE, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        assert yaml.safe_load(handle)['microsegmented_host_fail2ban'] is False
