# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve import options


def test_sparse_read_is_compared_with_effective_defaults():
    # A fresh guest returns no keys: policy_in is effectively DROP, so asking for DROP is no change.
    changes, deletes = options.plan('vm', {}, {'policy_in': 'DROP', 'enable': False}, 'merged')
    assert (changes, deletes) == ({}, [])


def test_merged_writes_only_keys_that_differ():
    present = options.from_api('cluster', {'enable': '1', 'policy_in': 'ACCEPT', 'digest': 'x'})
    changes, deletes = options.plan('cluster', present, {'enable': True, 'policy_in': 'DROP'}, 'merged')
    assert changes == {'policy_in': 'DROP'}
    assert deletes == []


def test_replaced_resets_unnamed_keys_with_delete():
    present = options.from_api('node', {'nftables': '1', 'log_level_in': 'info', 'digest': 'x'})
    changes, deletes = options.plan('node', present, {'log_level_in': 'info'}, 'replaced')
    assert changes == {}
    assert deletes == ['nftables']


def test_merged_never_touches_unnamed_keys():
    present = options.from_api('node', {'nftables': '1'})
    changes, deletes = options.plan('node', present, {'nosmurfs': True}, 'merged')
    assert (changes, deletes) == ({}, [])


def test_booleans_travel_as_digits():
    changes, _deletes = options.plan('node', {}, {'nftables': True, 'ndp': False}, 'merged')
    assert changes == {'nftables': '1', 'ndp': '0'}


def test_cluster_enable_pending_confirmation_is_confirmed():
    present = options.from_api('cluster', {'enable': '1767225600'})
    assert present['enable'] == 'pending-confirmation'
    changes, _deletes = options.plan('cluster', present, {'enable': True}, 'merged')
    assert changes == {'enable': '1'}


def test_log_ratelimit_partial_merge_keeps_other_keys():
    present = options.from_api('cluster', {'log_ratelimit': 'enable=1,rate=10/minute,burst=20'})
    wanted = options.validate('cluster', {'log_ratelimit': {'burst': 30, 'rate': None, 'enable': None}})
    changes, _deletes = options.plan('cluster', present, wanted, 'merged')
    assert changes == {'log_ratelimit': 'enable=1,rate=10/minute,burst=30'}


def test_helpers_are_order_insensitive():
    present = options.from_api('node', {'nf_conntrack_helpers': 'sip,ftp'})
    changes, _deletes = options.plan('node', present, options.validate('node', {'nf_conntrack_helpers': ['ftp', 'sip']}), 'merged')
    assert changes == {}


@pytest.mark.parametrize('level, config, fragment', [
    ('vm', {'nftables': True}, 'config.nftables is not a firewall option at level=vm'),
    ('cluster', {'policy_in': 'ALLOW'}, "config.policy_in='ALLOW'"),
    ('node', {'nf_conntrack_max': 100}, 'below the minimum 32768'),
    ('vnet', {'policy_forward': 'REJECT'}, 'choose one of ACCEPT, DROP'),
    ('cluster', {'log_ratelimit': {'rate': 'fast'}}, "log_ratelimit.rate='fast'"),
])
def test_validation_names_field_and_value(level, config, fragment):
    with pytest.raises(ValidationError) as error:
        options.validate(level, config)
    assert fragment in str(error.value)


def test_version_gate():
    with pytest.raises(ValidationError) as error:
        options.validate('node', {'nftables': True}, version=(8, 1))
    assert 'needs Proxmox VE 8.2' in str(error.value)
    assert options.validate('node', {'nftables': True}, version=(8, 2)) == {'nftables': True}


def test_policies_are_upper_cased_and_log_levels_lower_cased():
    assert options.validate('vm', {'policy_in': 'drop', 'log_level_in': 'INFO'}) == {'policy_in': 'DROP', 'log_level_in': 'info'}


def test_simulate_applies_changes_and_deletes():
    present = {'policy_in': 'ACCEPT', 'nftables': True}
    after = options.simulate('node', present, {'ndp': '0'}, ['nftables'])
    assert after == {'policy_in': 'ACCEPT', 'ndp': False}
