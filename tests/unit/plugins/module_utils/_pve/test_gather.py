# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which parts gather reads per guest: guest_parts, and include_nics kept for the callers from before it."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.gather import gather, resolve_guest_parts


@pytest.mark.parametrize('guest_parts,include_nics,expected', [
    (None, None, ('options', 'rules', 'ipsets', 'aliases', 'nics')),
    (None, True, ('options', 'rules', 'ipsets', 'aliases', 'nics')),
    (None, False, ('options', 'rules', 'ipsets', 'aliases')),
    (['nics', 'ipsets'], None, ('ipsets', 'nics')),
    (['ipsets'], True, ('ipsets', 'nics')),
    (['ipsets'], False, ('ipsets',)),
    (['addresses', 'addresses'], None, ('addresses',)),
    ([], None, ()),
])
def test_resolve_guest_parts(guest_parts, include_nics, expected):
    assert resolve_guest_parts(guest_parts, include_nics) == expected


def test_contradictions_and_unknown_parts_are_refused():
    with pytest.raises(ValidationError, match='include_nics=false contradicts guest_parts'):
        resolve_guest_parts(['nics'], False)
    with pytest.raises(ValidationError, match='unknown part'):
        resolve_guest_parts(['firewall'])


class FakeClient(object):
    """Answers the guest list and a guest config; records every read."""

    def __init__(self, config):
        self.config = config
        self.paths = []

    def get(self, path, desc=None, **params):
        self.paths.append(path)
        assert desc
        if path == 'cluster/resources':
            return [dict(vmid=300, type='qemu', node='pve1', name='vm300', status='running', tags='a;b'),
                    dict(vmid=301, type='qemu', node='pve1', template=1)]
        if path.endswith('/config'):
            return self.config
        return []


def test_one_config_read_for_nics_and_addresses_and_warnings_name_the_guest():
    client = FakeClient(dict(net0='virtio=BC:24:11:00:03:00,bridge=vmbr0,firewall=0', ipconfig0='ip=192.0.2.30/24',
                             ipconfig1='ip=192.0.2.31/24'))
    warnings = []
    state = gather(client, ['guests'], guest_parts=['nics', 'addresses'], warnings=warnings)
    assert client.paths == ['cluster/resources', 'nodes/pve1/qemu/300/config']
    guest = state['guests'][0]
    assert guest['tags'] == ['a', 'b'] and guest['nics']['net0']['firewall'] is False
    assert [a['cidr'] for a in guest['addresses']] == ['192.0.2.30/24']
    assert warnings == ['VM 300: ipconfig1 is set but there is no net1: its addresses are ignored']


def test_callers_without_guest_parts_keep_the_former_reads():
    client = FakeClient({})
    gather(client, ['guests'])
    assert client.paths == ['cluster/resources'] + ['nodes/pve1/qemu/300/firewall/' + part for part in ('options', 'rules', 'aliases', 'ipset')] + [
        'nodes/pve1/qemu/300/config']
