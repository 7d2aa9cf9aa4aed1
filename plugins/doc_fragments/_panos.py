# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # PRIVATE to zonewarden.firewall: connection options of the PAN-OS modules.

    DOCUMENTATION = r'''
options:
  host:
    description:
      - Host name or address of the PAN-OS management interface.
      - If not set, the value of the E(PANOS_HOST) environment variable is used.
    type: str
    required: true
  port:
    description:
      - HTTPS port of the XML API.
      - If not set, the value of the E(PANOS_PORT) environment variable is used, then V(443).
    type: int
  username:
    description:
      - Administrator to authenticate as when no O(api_key) is given.
      - If not set, the value of the E(PANOS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the value of the E(PANOS_PASSWORD) environment variable is used.
    type: str
  api_key:
    description:
      - API key to use instead of O(username) and O(password).
      - If not set, the value of the E(PANOS_API_KEY) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the device's TLS certificate.
      - If not set, the value of the E(PANOS_VALIDATE_CERTS) environment variable is used, then V(true).
    type: bool
  ca_path:
    description:
      - File with the CA certificate(s) that signed the device's certificate.
      - If not set, the value of the E(PANOS_CA_PATH) environment variable is used, then the system trust store.
    type: path
  timeout:
    description:
      - Seconds to wait for one API call.
      - If not set, the value of the E(PANOS_TIMEOUT) environment variable is used, then V(60).
    type: int
requirements:
  - pan-os-python >= 1.13.1
'''
