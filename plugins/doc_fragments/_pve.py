# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # PRIVATE to zonewarden.firewall: connection options of the Proxmox VE modules.

    DOCUMENTATION = r'''
options:
  api_host:
    description:
      - Host name or address of a Proxmox VE node that serves the API.
      - If not set, the value of the E(PROXMOX_HOST) environment variable is used.
      - Required for every state that contacts the API.
    type: str
  api_port:
    description:
      - Port of the Proxmox VE API.
      - If not set, the value of the E(PROXMOX_PORT) environment variable is used, then V(8006).
    type: int
  api_user:
    description:
      - User to authenticate as, including the realm, for example V(root@pam) or V(automation@pve).
      - Needed for password and for token authentication.
      - If not set, the value of the E(PROXMOX_USER) environment variable is used.
      - Required for every state that contacts the API.
    type: str
  api_password:
    description:
      - Password of O(api_user). Use O(api_token_id) and O(api_token_secret) instead where you can.
      - If not set, the value of the E(PROXMOX_PASSWORD) environment variable is used.
    type: str
  api_token_id:
    description:
      - Name of an API token of O(api_user), without the user part (V(zonewarden) for V(root@pam!zonewarden)).
      - If not set, the value of the E(PROXMOX_TOKEN_ID) environment variable is used.
    type: str
  api_token_secret:
    description:
      - Secret of the API token O(api_token_id).
      - If not set, the value of the E(PROXMOX_TOKEN_SECRET) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the API's TLS certificate. Keep this on; point O(ca_path) at your cluster's CA instead of turning it off.
      - If not set, the value of the E(PROXMOX_VALIDATE_CERTS) environment variable is used, then V(true).
    type: bool
  ca_path:
    description:
      - File with the CA certificate(s) that signed the API's certificate, used when O(validate_certs=true).
      - If not set, the value of the E(PROXMOX_CA_PATH) environment variable is used, then the system trust store.
    type: path
  api_timeout:
    description:
      - Seconds to wait for one API call before it counts as failed (and is retried when that is safe).
      - If not set, the value of the E(PROXMOX_TIMEOUT) environment variable is used, then V(30).
    type: int
  api_retries:
    description:
      - How many times a call that failed for a transient reason (connection error, timeout, a 5xx that is
        not a parameter error, a cluster lock timeout) is retried, with jittered exponential backoff.
    type: int
    default: 3
requirements:
  - proxmoxer >= 2.3
  - requests
notes:
  - Give either O(api_password) or both O(api_token_id) and O(api_token_secret).
'''
