# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # PRIVATE to zonewarden.firewall: the meaning of the resource-module states, said once.

    DOCUMENTATION = r'''
options:
  state:
    description:
      - V(merged) adds or updates what O(config) lists and never removes anything.
      - V(replaced) makes each item that O(config) lists exactly as given; items not listed stay.
      - V(overridden) makes the whole collection equal O(config), order included. Nightly enforcement uses this.
      - V(deleted) removes what O(config) lists.
      - V(gathered) reads the current state and returns it in the shape of O(config); nothing is written.
      - V(rendered) turns O(config) into the device's native text offline; nothing is contacted.
      - V(parsed) turns O(running_config) native text into the shape of O(config) offline.
    type: str
'''
