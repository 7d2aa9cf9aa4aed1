# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry and error-mapping rules of the PVE client, with a scripted stand-in for proxmoxer."""

import pytest
import requests
from proxmoxer.core import ResourceException

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import (
    ApiError, AuthError, ConflictError, ConnectionFailure, LockError, ValidationError)
from ansible_collections.zonewarden.firewall.plugins.module_utils._pve.client import PveClient


class ScriptedApi(object):
    """Answers calls from a list of outcomes: a value is returned, an exception raised."""

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.seen = []

    def __call__(self, path):
        api = self

        class Resource(object):
            def _answer(self, method, params):
                api.seen.append((method, path, params))
                outcome = api.outcomes.pop(0)
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome

            def get(self, **params):
                return self._answer('GET', params)

            def post(self, **params):
                return self._answer('POST', params)

            def put(self, **params):
                return self._answer('PUT', params)

            def delete(self, **params):
                return self._answer('DELETE', params)

        return Resource()


def make_client(outcomes, retries=3):
    waits = []
    params = dict(api_host='pve.example', api_user='root@pam', api_password='x', api_retries=retries)
    client = PveClient(params, api=ScriptedApi(outcomes), sleep=waits.append)
    return client, waits


def resource_error(status, reason, errors=None):
    return ResourceException(status, 'Internal Server Error', reason, errors=errors)


def test_read_retries_connection_errors_with_bounded_backoff():
    client, waits = make_client([requests.exceptions.ConnectionError('reset by peer')] * 2 + [{'version': '9.1.2'}])
    assert client.get('version') == {'version': '9.1.2'}
    assert len(waits) == 2
    assert all(0 < wait <= 8 for wait in waits)


def test_read_gives_up_after_the_retry_budget():
    client, waits = make_client([requests.exceptions.Timeout('read timed out')] * 4, retries=3)
    with pytest.raises(ConnectionFailure) as error:
        client.get('cluster/firewall/rules', desc='read the cluster rules')
    assert 'Failed to read the cluster rules: no answer from pve.example:8006' in str(error.value)
    assert len(waits) == 3


def test_write_is_not_repeated_after_a_timeout():
    # The server may have applied it; the caller re-reads and re-plans instead.
    client, waits = make_client([requests.exceptions.Timeout('read timed out'), None])
    with pytest.raises(ConnectionFailure):
        client.post('cluster/firewall/rules', type='in', action='ACCEPT')
    assert waits == []


def test_write_is_repeated_when_the_connection_was_refused():
    client, waits = make_client([requests.exceptions.ConnectionError('Connection refused'), None])
    client.post('cluster/firewall/rules', type='in', action='ACCEPT', enable=1)
    assert len(waits) == 1


def test_parameter_errors_become_one_sentence_naming_the_field():
    client, waits = make_client([resource_error(400, 'Parameter verification failed.',
                                                {'dport': "invalid format - invalid port 'x'"})])
    with pytest.raises(ApiError) as error:
        client.post('cluster/firewall/rules', desc='add a rule to the cluster', type='in', action='ACCEPT', dport='x')
    assert str(error.value) == "Failed to add a rule to the cluster: dport: invalid format - invalid port 'x'"
    assert error.value.status == 400
    assert waits == []


def test_digest_conflict_maps_to_conflict_error_without_retry():
    client, waits = make_client([resource_error(500, 'detected modified configuration - file changed by other user? Try again.')])
    with pytest.raises(ConflictError):
        client.put('cluster/firewall/options', policy_in='DROP', digest='abc')
    assert waits == []


def test_lock_timeout_is_retried_then_reported():
    lock = resource_error(500, "cfs-lock 'firewall-cluster' error: got lock request timeout")
    client, waits = make_client([lock, lock, None])
    client.put('cluster/firewall/options', policy_in='DROP')
    assert len(waits) == 2
    client, waits = make_client([lock] * 2, retries=1)
    with pytest.raises(LockError):
        client.put('cluster/firewall/options', policy_in='DROP')


def test_definite_500_is_not_retried():
    client, waits = make_client([resource_error(500, 'no rule at position 7')])
    with pytest.raises(ApiError) as error:
        client.delete('cluster/firewall/rules/7')
    assert 'no rule at position 7' in str(error.value)
    assert waits == []


def test_gateway_errors_are_retried():
    client, waits = make_client([resource_error(503, 'Service Unavailable'), []])
    assert client.get('nodes') == []
    assert len(waits) == 1


def test_401_maps_to_auth_error():
    client, _waits = make_client([resource_error(401, 'No ticket')])
    with pytest.raises(AuthError) as error:
        client.get('version')
    assert 'check api_user and the password or token' in str(error.value)


def test_writes_are_logged_as_commands_and_none_values_dropped():
    client, _waits = make_client([None])
    client.put('cluster/firewall/options', policy_in='DROP', comment=None)
    assert client.commands() == [{'method': 'PUT', 'path': '/cluster/firewall/options', 'params': {'policy_in': 'DROP'}}]
    assert (client.reads, client.writes) == (0, 1)


def test_missing_connection_options_are_named():
    client = PveClient(dict(api_host=None, api_user='root@pam', api_password=None, api_token_id=None))
    with pytest.raises(ValidationError) as error:
        client.get('version')
    assert 'api_host' in str(error.value) and 'api_password or api_token_id' in str(error.value)


def test_token_id_of_another_user_is_refused():
    client = PveClient(dict(api_host='h', api_user='root@pam', api_token_id='bob@pve!ci', api_token_secret='s'))
    with pytest.raises(ValidationError) as error:
        client.get('version')
    assert 'belongs to bob@pve, not to api_user root@pam' in str(error.value)
