#!/usr/bin/env python
# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put drift into the running lab through the PVE emulator's side door, as people do by hand.

    inject_drift.py [--dir .lab]

1. deletes the first datacenter rule (someone "cleaned up" in the GUI),
2. flips a guest's policy_in from DROP to ACCEPT,
3. turns off the firewall flag of a guest NIC (what `qm set <vmid> --net0 ...,firewall=0` does).
"""

import argparse
import json
import os
import re
import sys

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

from labcore.control import LabHandle  # noqa: E402  pylint: disable=wrong-import-position


def delete_first_rule(files):
    text = files.get('firewall/cluster.fw', '')
    lines = text.splitlines()
    try:
        start = lines.index('[RULES]')
    except ValueError:
        return None
    for index in range(start + 1, len(lines)):
        if lines[index].strip() and not lines[index].startswith('#'):
            removed = lines.pop(index)
            files['firewall/cluster.fw'] = '\n'.join(lines) + '\n'
            return 'deleted datacenter rule: %s' % removed
    return None


def open_a_guest(files):
    """A guest whose firewall is on gets policy_in ACCEPT (written, or in place of DROP or the default)."""
    for path in sorted(files):
        text = files[path]
        if not (re.match(r'^firewall/\d+\.fw$', path) and re.search(r'^enable: 1$', text, re.M)):
            continue
        if re.search(r'^policy_in: ', text, re.M):
            text = re.sub(r'^policy_in: .*$', 'policy_in: ACCEPT', text, count=1, flags=re.M)
        else:
            text = text.replace('[OPTIONS]\n', '[OPTIONS]\n\npolicy_in: ACCEPT\n', 1)
        files[path] = text
        return 'guest %s: policy_in DROP -> ACCEPT' % path.split('/')[1][:-3]
    return None


def unfilter_a_nic(state):
    for guest in state['guests']:
        net0 = guest['config'].get('net0', '')
        if 'firewall=1' in net0:
            guest['config']['net0'] = net0.replace('firewall=1', 'firewall=0')
            return 'guest %s: net0 firewall=1 -> firewall=0' % guest['vmid']
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--dir', default='.lab', help='the lab folder labctl.py uses (default %(default)s)')
    args = parser.parse_args(argv)
    with open(os.path.join(args.dir, 'pve-ready.json'), encoding='utf-8') as handle:
        lab = LabHandle(json.load(handle))
    state = lab.state()
    done = [unfilter_a_nic(state)]
    lab.load(state)
    files = lab.side('GET', 'fw-files')
    done += [delete_first_rule(files), open_a_guest(files)]
    lab.side('POST', 'fw-files', {'files': files})
    for line in done:
        print('drift: %s' % (line or 'nothing suitable found'))
    return 0 if all(done) else 1


if __name__ == '__main__':
    sys.exit(main())
