# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the frame every Proxmox VE module runs in.

``run(spec, engine)`` builds the AnsibleModule with the shared connection options, checks the
libraries, calls ``engine(module, client)`` and turns the collection's errors into one
``fail_json`` with a clear message. Engines return the result dict.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.client import (
    PVE_CONNECTION_MUTUALLY_EXCLUSIVE,
    PVE_CONNECTION_REQUIRED_TOGETHER,
    PveClient,
    check_libraries,
    pve_argument_spec,
)


def build_module(options, **kwargs):
    kwargs.setdefault('supports_check_mode', True)
    kwargs['required_together'] = list(kwargs.get('required_together', [])) + PVE_CONNECTION_REQUIRED_TOGETHER
    kwargs['mutually_exclusive'] = list(kwargs.get('mutually_exclusive', [])) + PVE_CONNECTION_MUTUALLY_EXCLUSIVE
    return AnsibleModule(argument_spec=pve_argument_spec(**options), **kwargs)


def run(options, engine, offline_states=(), **kwargs):
    module = build_module(options, **kwargs)
    offline = module.params.get('state') in offline_states
    client = None
    if not offline:
        missing = check_libraries()
        if missing:
            module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
        client = PveClient(module.params)
    try:
        result = engine(module, client)
    except ZonewardenError as exc:
        extra = dict((key, value) for key, value in exc.details.items() if value)
        if client is not None:
            extra['commands'] = client.commands()
        module.fail_json(msg=str(exc), exception=traceback.format_exc(), **extra)
    module.exit_json(**result)
