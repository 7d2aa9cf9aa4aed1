# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the pip bootstrap script ansible-test downloads from its CI file host.

That host is not reachable from every machine (ours reach only the package index), so the
test runner caches this script under the name ansible-test looks for. It installs the pip
bundled with Python (ensurepip) and then lets that pip install what ansible-test asked for,
from the package index, with the same arguments.
"""

import subprocess
import sys

# Options only the upstream bootstrap script understands; plain pip would reject them.
BOOTSTRAP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    # In a child process: ensurepip blanks the pip configuration (PIP_CONFIG_FILE) of the process it runs in,
    # which would hide the machine's index and certificate settings from the install below.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    args = [arg for arg in sys.argv[1:] if arg not in BOOTSTRAP_ONLY]
    packages = [arg for arg in args if not arg.startswith('-')]
    if packages:
        subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)


if __name__ == '__main__':
    main()
