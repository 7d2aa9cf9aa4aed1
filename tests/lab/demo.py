#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The main job against the embedded lab, step by step (``make demo`` runs it inside labctl.py).

1. playbooks/site.yml: the microsegmented Proxmox firewall and the three-zone PAN-OS DMZ;
2. drift injected through the emulators' side door (tests/lab/inject_drift.py);
3. playbooks/enforce.yml: drift detected and reported, the declared state restored and verified;
4. the drift report printed.
"""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def step(title, command):
    print('\n==> %s\n$ %s' % (title, ' '.join(command)), flush=True)
    code = subprocess.call(command, cwd=REPO)
    if code != 0:
        print('demo: %s failed (exit %d)' % (title, code), flush=True)
        sys.exit(code)


def main():
    os.environ.setdefault('ZONEWARDEN_REPORT_DIR', os.path.join(REPO, 'zonewarden-reports'))
    playbook = [os.path.join(BIN, 'ansible-playbook'), '-i', 'inventories/lab/hosts.yml']
    step('Deploy both designs (site.yml)', playbook + ['playbooks/site.yml'])
    step('Inject drift through the side door', [sys.executable, 'tests/lab/inject_drift.py', '--dir', os.environ.get('ZONEWARDEN_LAB_DIR', '.lab')])
    step('Nightly enforcement (enforce.yml)', playbook + ['playbooks/enforce.yml'])
    report = os.path.join(os.environ['ZONEWARDEN_REPORT_DIR'], 'drift-latest.md')
    print('\n==> The drift report (%s)\n' % report)
    with open(report, encoding='utf-8') as handle:
        text = handle.read()
    # The table is what a person reads first; the JSON before/after blocks follow in the file.
    print(text.split('\n## ', 1)[0])
    print('Full report with before and after: %s (and drift-latest.json)' % report)
    return 0


if __name__ == '__main__':
    sys.exit(main())
