# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PAN-OS client: TLS, one keygen, key encoding, retries, error mapping, batching."""

from urllib.parse import unquote

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import (
    ApiError, AuthError, ConnectionFailure, LockError, ValidationError)
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.client import Op, PanosClient
from ansible_collections.zonewarden.firewall.tests.unit.plugins.modules.panos_lab import VSYS


def client_for(lab, sleep=None, **params):
    merged = dict(lab.connection)
    merged.update(params)
    waits = []

    def record(seconds):
        waits.append(seconds)
        if sleep:
            sleep(len(waits))

    client = PanosClient(merged, sleep=record)
    client.waits = waits
    return client


def test_tls_is_verified_by_default(panos_lab):
    client = client_for(panos_lab, ca_path=None)
    with pytest.raises(ConnectionFailure) as error:
        client.get(VSYS + '/zone')
    assert 'Failed to verify the TLS certificate of 127.0.0.1' in str(error.value)
    assert 'with the system trust store' in str(error.value)
    assert client_for(panos_lab, ca_path=None, validate_certs=False).get(VSYS + '/zone') is not None
    assert client_for(panos_lab).get(VSYS + '/zone') is not None


def test_a_missing_ca_file_is_a_clear_error(panos_lab, tmp_path):
    with pytest.raises(ConnectionFailure) as error:
        client_for(panos_lab, ca_path=str(tmp_path / 'none.pem')).get(VSYS)
    assert 'Failed to load the CA file' in str(error.value)


def test_one_keygen_per_client_and_none_with_a_key(panos_lab):
    client = client_for(panos_lab)
    for _i in range(3):
        client.get(VSYS + '/zone')
    assert panos_lab.counts() == {'keygen': 1, 'config.get': 3}
    key = unquote(client._key)
    panos_lab.clear()
    with_key = client_for(panos_lab, username=None, password=None, api_key=key)
    with_key.get(VSYS)
    assert panos_lab.counts() == {'config.get': 1}


def test_the_key_is_url_encoded_once():
    sent = []

    class FakeXapi(object):
        def __init__(self, **kwargs):
            self.kwargs = kwargs
            self.api_key = kwargs.get('api_key')
            self.element_root = None

        def ad_hoc(self, qs=None):
            sent.append(qs)
            from xml.etree import ElementTree
            self.element_root = ElementTree.fromstring('<response status="success"><result/></response>')

    client = PanosClient(dict(host='fw', api_key='ab+c/d=='), xapi_factory=FakeXapi)
    client.get('/config')
    assert sent[0]['key'] == 'ab%2Bc%2Fd%3D%3D'
    assert client.xapi.kwargs['ssl_context'].verify_mode.name == 'CERT_REQUIRED'


@pytest.mark.parametrize('shape', ['xml', 'http'])
def test_both_auth_failure_shapes_are_auth_errors(panos_lab, shape):
    panos_lab.settings(auth_failure=shape)
    with pytest.raises(AuthError) as error:
        client_for(panos_lab, password='wrong').get(VSYS)
    assert 'Failed to log in to 127.0.0.1' in str(error.value)
    assert 'check username and password, or api_key' in str(error.value)


def test_missing_credentials_and_host():
    with pytest.raises(ValidationError) as error:
        PanosClient(dict(host='fw', username='a')).get('/config')
    assert 'Missing credentials' in str(error.value)
    with pytest.raises(ValidationError) as error:
        PanosClient(dict(api_key='k')).get('/config')
    assert 'Missing connection option host' in str(error.value)


def test_a_config_lock_is_waited_out_with_jittered_backoff(panos_lab):
    panos_lab.apply_as('admin', action='set', xpath=VSYS + "/zone/entry[@name='x']", element='<network><layer3/></network>')
    admin = client_for(panos_lab, username='admin', password='zonewarden-lab')
    admin.op('<request><config-lock><add><comment>change window</comment></add></config-lock></request>', 'lock', write=True)

    def release(attempt):
        if attempt == 2:
            admin.op('<request><config-lock><remove/></config-lock></request>', 'unlock', write=True)

    client = client_for(panos_lab, sleep=release)
    client.apply([Op('set', VSYS + "/zone/entry[@name='dmz']", '<network><layer3/></network>')])
    assert len(client.waits) == 2
    assert 0.25 <= client.waits[0] <= 0.5 and 0.5 <= client.waits[1] <= 1.0
    assert panos_lab.node("devices/entry/vsys/entry/zone/entry[@name='dmz']") is not None


def test_a_lock_that_stays_fails_after_the_retries(panos_lab):
    admin = client_for(panos_lab, username='admin', password='zonewarden-lab')
    admin.op('<request><config-lock><add/></config-lock></request>', 'lock', write=True)
    client = client_for(panos_lab)
    with pytest.raises(LockError) as error:
        client.apply([Op('set', VSYS + "/zone/entry[@name='dmz']", '<network><layer3/></network>')])
    assert 'Configuration is locked by admin' in str(error.value)
    assert len(client.waits) == client.retries


def test_writes_are_batched_and_a_failing_action_is_named(panos_lab):
    client = client_for(panos_lab)
    ops = [Op('set', VSYS + "/zone/entry[@name='z%d']" % i, '<network><layer3/></network>') for i in range(5)]
    client.apply(ops, batch_size=2)
    assert panos_lab.counts()['config.multi-config'] == 2 and panos_lab.counts()['config.set'] == 1
    assert len(client.commands()) == 5
    bad = [Op('set', VSYS + "/zone/entry[@name='ok']", '<network><layer3/></network>'),
           Op('move', VSYS + "/rulebase/security/rules/entry[@name='missing']", where='top', desc='move rule missing to the top')]
    with pytest.raises(ApiError) as error:
        client.apply(bad)
    assert str(error.value).startswith('Failed to move rule missing to the top: No such node')
    assert 'nothing of this batch of 2 changes was applied' in str(error.value)
    assert panos_lab.node("devices/entry/vsys/entry/zone/entry[@name='ok']") is None


def test_check_mode_records_without_sending(panos_lab):
    client = client_for(panos_lab)
    client.apply([Op('delete', VSYS + "/zone/entry[@name='dmz']")], check_mode=True)
    assert client.commands() == [{'type': 'config', 'action': 'delete', 'xpath': VSYS + "/zone/entry[@name='dmz']"}]
    assert panos_lab.total() == 0


def test_reads_are_retried_after_a_dropped_connection(panos_lab):
    client = client_for(panos_lab)
    client.get(VSYS)  # connected (keygen done)
    panos_lab.handle.fault(drop=True, path='^/api', count=1)
    assert client.get(VSYS + '/zone') is not None
    assert len(client.waits) == 1
    panos_lab.handle.fault(drop=True, path='^/api', count=1)
    with pytest.raises(ConnectionFailure) as error:
        client.apply([Op('set', VSYS + "/zone/entry[@name='dmz']", '<network><layer3/></network>')])
    assert 'the connection to 127.0.0.1' in str(error.value)
    assert len(client.waits) == 1  # a write that may have been applied is not repeated


def test_system_info_is_read_once_and_only_on_demand(panos_lab):
    client = client_for(panos_lab)
    client.get(VSYS)
    assert 'op.show.system.info' not in panos_lab.counts()
    assert client.system_info()['model'] == 'PA-VM'
    client.system_info()
    assert panos_lab.counts()['op.show.system.info'] == 1
