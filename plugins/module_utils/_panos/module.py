# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE to zonewarden.firewall: the frame every PAN-OS module runs in.

``run(options, engine)`` builds the AnsibleModule with the shared connection options, checks the
library, calls ``engine(module, client)`` and turns the collection's errors into one
``fail_json`` with a clear message and the commands sent so far. Offline states (rendered,
parsed) get no client and need no connection options.
"""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ZonewardenError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import (
    PanosClient,
    check_libraries,
    panos_argument_spec,
)

VSYS_OPTION = dict(type='str', default='vsys1')


def build_module(options, offline_states=(), **kwargs):
    kwargs.setdefault('supports_check_mode', True)
    return AnsibleModule(argument_spec=panos_argument_spec(offline_states=bool(offline_states), **options), **kwargs)


def run(options, engine, offline_states=(), **kwargs):
    module = build_module(options, offline_states, **kwargs)
    offline = module.params.get('state') in offline_states
    client = None
    if not offline:
        missing = check_libraries()
        if missing:
            module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
        client = PanosClient(module.params)
    try:
        result = engine(module, client)
    except ZonewardenError as exc:
        extra = dict((key, value) for key, value in exc.details.items() if value)
        if client is not None:
            extra['commands'] = client.commands()
        module.fail_json(msg=str(exc), exception=traceback.format_exc(), **extra)
    module.exit_json(**result)
