# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fail2ban part of microsegmented_host, run for real with ansible-playbook.

A controller host delegates the tasks to a "node" of the inventory; both are this machine
(connection local). Package and service handling are off and the configuration directory is a
temporary one, so no root and no fail2ban are needed.
"""

import configparser
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECAP = re.compile(r'^controller\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)

INVENTORY = """\
all:
  hosts:
    controller:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
    pve1:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
"""

PLAYBOOK = """\
- name: Only the fail2ban part of the role
  hosts: controller
  gather_facts: false
  tasks:
    - name: Configure fail2ban on the node
      ansible.builtin.include_role:
        name: zonewarden.firewall.microsegmented_host
        tasks_from: fail2ban
      vars:
        microsegmented_host_fail2ban_hosts: "{{ fail2ban_hosts }}"
        microsegmented_host_management_networks: [192.0.2.0/28, {cidr: "2001:db8:aa::/64"}, jumphosts]
        microsegmented_host_aliases: [{name: jumphosts, cidr: 198.51.100.32/27}]
        microsegmented_host_fail2ban_maxretry: 4
        microsegmented_host_fail2ban_bantime: 2h
        microsegmented_host_fail2ban_config_dir: "{{ config_dir }}"
        microsegmented_host_fail2ban_install: false
        microsegmented_host_fail2ban_manage_service: false
        microsegmented_host_fail2ban_become: false

    - name: The role noted the nodes where fail2ban changed
      ansible.builtin.assert:
        that: microsegmented_host__fail2ban_changed == expected_changed
        fail_msg: "changed nodes {{ microsegmented_host__fail2ban_changed }}, expected {{ expected_changed }}"

    - name: Summarise (the role's summary works without the API phases)
      ansible.builtin.include_role:
        name: zonewarden.firewall.microsegmented_host
        tasks_from: summary
      vars:
        microsegmented_host_fail2ban: true

    - name: The summary names the nodes where fail2ban changed
      ansible.builtin.assert:
        that: microsegmented_host_report.changed_parts == (['fail2ban on ' ~ expected_changed | join(', ')] if expected_changed else [])
        fail_msg: "{{ microsegmented_host_report.lines }}"
"""


@pytest.fixture(scope='module')
def workspace(tmp_path_factory):
    """Inventory, playbook and a collection path that points at this checkout."""
    root = tmp_path_factory.mktemp('fail2ban-play')
    parent = root / 'collections' / 'ansible_collections' / 'zonewarden'
    parent.mkdir(parents=True)
    (parent / 'firewall').symlink_to(REPO, target_is_directory=True)
    (root / 'inventory.yml').write_text(INVENTORY, encoding='utf-8')
    (root / 'playbook.yml').write_text(PLAYBOOK, encoding='utf-8')
    (root / 'ansible.cfg').write_text('[defaults]\nstdout_callback = default\nretry_files_enabled = false\n', encoding='utf-8')
    return root


def run_play(workspace, config_dir, *options, hosts=('pve1',), expected_changed=('pve1',)):
    """Run the playbook; return (exit code, output, changed count from the recap or None)."""
    playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    env = dict(os.environ, ANSIBLE_CONFIG=str(workspace / 'ansible.cfg'), ANSIBLE_COLLECTIONS_PATH=str(workspace / 'collections'),
               ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_LOCALHOST_WARNING='false')
    extra = {'config_dir': str(config_dir), 'fail2ban_hosts': list(hosts), 'expected_changed': list(expected_changed)}
    command = [playbook, '-i', str(workspace / 'inventory.yml'), str(workspace / 'playbook.yml'), '-e', json.dumps(extra)] + list(options)
    done = subprocess.run(command, cwd=str(workspace), env=env, capture_output=True, text=True, timeout=600, check=False)
    output = done.stdout + done.stderr
    recap = RECAP.search(output)
    return done.returncode, output, None if recap is None else int(recap.group(2))


def files_under(path):
    return sorted(os.path.relpath(os.path.join(root, name), str(path)) for root, dirs, names in os.walk(str(path)) for name in dirs + names)


def test_writes_the_configuration_then_changes_nothing(workspace, tmp_path):
    config = tmp_path / 'fail2ban'
    config.mkdir()

    code, output, changed = run_play(workspace, config)
    assert code == 0, output
    assert changed >= 3, output   # two directories and the files (one task for each file)
    assert files_under(config) == ['filter.d', 'filter.d/proxmox.conf', 'jail.d', 'jail.d/zonewarden.local']

    jail = configparser.ConfigParser(interpolation=None)
    jail.read(str(config / 'jail.d' / 'zonewarden.local'), encoding='utf-8')
    assert jail.sections() == ['proxmox', 'sshd']
    assert jail['proxmox']['port'] == 'https,8006'
    assert jail['proxmox']['journalmatch'] == '_SYSTEMD_UNIT=pvedaemon.service'
    assert jail['sshd']['backend'] == 'systemd'
    assert jail['proxmox']['maxretry'] == '4' and jail['proxmox']['bantime'] == '2h' and jail['proxmox']['findtime'] == '10m'
    assert jail['sshd']['ignoreip'].split() == ['127.0.0.1/8', '::1', '192.0.2.0/28', '2001:db8:aa::/64', '198.51.100.32/27']
    filter_ = configparser.ConfigParser(interpolation=None)
    filter_.read(str(config / 'filter.d' / 'proxmox.conf'), encoding='utf-8')
    assert 'pvedaemon' in filter_['Definition']['failregex'] and '<HOST>' in filter_['Definition']['failregex']
    assert oct(os.stat(str(config / 'jail.d' / 'zonewarden.local')).st_mode & 0o777) == '0o644'

    code, output, changed = run_play(workspace, config, expected_changed=())
    assert code == 0, output
    assert changed == 0, output

    # drift: a hand edit is reported by check mode, and put back by the next run
    path = config / 'jail.d' / 'zonewarden.local'
    path.write_text(path.read_text(encoding='utf-8').replace('maxretry = 4', 'maxretry = 40'), encoding='utf-8')
    code, output, changed = run_play(workspace, config, '--check', '--diff')
    assert code == 0, output
    assert changed == 1 and '+maxretry = 4\n' in output and '-maxretry = 40\n' in output, output
    assert 'maxretry = 40' in path.read_text(encoding='utf-8')
    code, output, changed = run_play(workspace, config)
    assert code == 0 and changed == 1, output
    assert 'maxretry = 40' not in path.read_text(encoding='utf-8')


def test_check_mode_writes_nothing_and_shows_the_files(workspace, tmp_path):
    config = tmp_path / 'fail2ban'
    config.mkdir()
    code, output, changed = run_play(workspace, config, '--check', '--diff')
    assert code == 0, output
    assert changed >= 3, output
    assert files_under(config) == []
    assert '+journalmatch = _SYSTEMD_UNIT=pvedaemon.service' in output
    assert 'pvedaemon\\[\\d+\\]' in output   # the filter's diff


def test_refuses_without_nodes_and_touches_nothing(workspace, tmp_path):
    config = tmp_path / 'fail2ban'
    config.mkdir()
    code, output, _changed = run_play(workspace, config, hosts=(), expected_changed=())
    assert code != 0
    assert 'microsegmented_host_fail2ban_hosts is empty' in output
    assert files_under(config) == []
