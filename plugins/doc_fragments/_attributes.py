# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # PRIVATE to zonewarden.firewall: shared attribute texts for its modules.

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
'''

    # Resource modules: full check mode, diff mode and idempotence, said once for all of them.
    FULL = r'''
options: {}
attributes:
  check_mode:
    support: full
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    support: full
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    support: full
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
'''

    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details: This action does not modify state.
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    support: N/A
    details: This action does not modify state.
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    support: full
    description: This action does not modify state, so repeated runs return the same result.
'''

    ACTIONGROUP_PVE = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/zonewarden.firewall.pve) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - zonewarden.firewall.pve
'''

    ACTIONGROUP_PANOS = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/zonewarden.firewall.panos) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - zonewarden.firewall.panos
'''
