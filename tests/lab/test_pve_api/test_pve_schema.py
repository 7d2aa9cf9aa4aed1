# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parameter validation from the schema file, read at run time (API-FACTS section 1 and 3.1)."""

import json
import os

import pytest

from labcore.reference import reference_path
from pve_api import PveApp
from pve_api import schema as schema_mod

RULES = '/cluster/firewall/rules'
NOT_DEFINED = 'property is not defined in schema and the schema does not allow additional properties'


def errors_of(pve, method, path, data=None, params=None):
    status, reason, body = pve.error(method, path, data=data, params=params)
    assert (status, reason) == (400, 'Parameter verification failed.'), body
    return body['errors']


def rule(**extra):
    data = {'type': 'in', 'action': 'ACCEPT'}
    data.update(extra)
    return data


def test_schema_is_read_from_the_shared_reference():
    expected = reference_path('pve', 'api-schema-9.1-firewall.json')
    loaded = schema_mod.ApiSchema()
    assert os.path.samefile(loaded.path, expected)
    with open(expected, encoding='utf-8') as handle:
        assert loaded.schema_paths == sorted(json.load(handle)['paths'])
    assert len(loaded.schema_paths) == 59


def test_schema_env_var_overrides_the_path(tmp_path, monkeypatch):
    source = reference_path('pve', 'api-schema-9.1-firewall.json')
    with open(source, encoding='utf-8') as handle:
        raw = json.load(handle)
    del raw['paths']['/cluster/firewall/macros']
    smaller = tmp_path / 'schema.json'
    smaller.write_text(json.dumps(raw), encoding='utf-8')
    monkeypatch.setenv(schema_mod.SCHEMA_ENV, str(smaller))
    loaded = schema_mod.ApiSchema()
    assert loaded.path == str(smaller)
    assert loaded.match('/cluster/firewall/macros') is None


def test_missing_schema_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv(schema_mod.SCHEMA_ENV, str(tmp_path / 'absent.json'))
    with pytest.raises(schema_mod.SchemaMissing):
        PveApp()


def test_schema_with_an_unknown_format_is_refused(tmp_path, monkeypatch):
    raw = {'paths': {'/x': {'info': {'GET': {'parameters': {'properties': {
        'p': {'type': 'string', 'format': 'brand-new-format'}}}}}}}}
    path = tmp_path / 'schema.json'
    path.write_text(json.dumps(raw), encoding='utf-8')
    monkeypatch.setenv(schema_mod.SCHEMA_ENV, str(path))
    with pytest.raises(schema_mod.SchemaMissing):
        schema_mod.ApiSchema()


def test_boolean_accepts_only_0_and_1(pve):
    for value in ('True', 'true', 'yes', '2'):
        assert errors_of(pve, 'PUT', '/nodes/pve1/firewall/options', {'nftables': value}) == {
            'nftables': "type check ('boolean') failed - got '%s'" % value}
    assert pve.raw('PUT', '/nodes/pve1/firewall/options', data={'nftables': '1'}).status_code == 200


def test_integer_needs_digits(pve):
    assert errors_of(pve, 'POST', RULES, rule(enable='1.0')) == {'enable': "type check ('integer') failed - got '1.0'"}
    assert errors_of(pve, 'GET', '/cluster/firewall/rules/first') == {
        'pos': "type check ('integer') failed - got 'first'"}


def test_enum_message(pve):
    assert errors_of(pve, 'POST', RULES, rule(type='IN')) == {
        'type': "value 'IN' does not have a value in the enumeration 'in, out, forward, group'"}


def test_required_property(pve):
    assert errors_of(pve, 'POST', RULES, {'type': 'in'}) == {'action': 'property is missing and it is not optional'}


def test_minimum_and_maximum(pve):
    assert errors_of(pve, 'PUT', '/cluster/firewall/rules/-1', {}) == {'pos': 'value must have a minimum value of 0'}
    assert errors_of(pve, 'PUT', '/nodes/pve1/firewall/options', {'nf_conntrack_tcp_timeout_syn_recv': '61'}) == {
        'nf_conntrack_tcp_timeout_syn_recv': 'value must have a maximum value of 60'}
    assert errors_of(pve, 'GET', '/nodes/pve1/qemu/1000000000/firewall/rules') == {
        'vmid': 'invalid format - value does not look like a valid VM ID\n'}


def test_pattern_and_lengths(pve):
    assert errors_of(pve, 'POST', RULES, rule(action='-DROP')) == {'action': 'value does not match the regex pattern'}
    assert errors_of(pve, 'POST', RULES, rule(action='A' * 21)) == {'action': 'value may only be 20 characters long'}
    assert errors_of(pve, 'POST', '/cluster/firewall/groups', {'group': 'g'}) == {
        'group': 'value does not match the regex pattern'}
    create = {'vmid': '300', 'ostemplate': 'local:vztmpl/d.tar.zst', 'password': 'abc'}
    assert errors_of(pve, 'POST', '/nodes/pve1/lxc', create) == {'password': 'value must be at least 5 characters long'}
    long_list = ','.join('10.0.0.%d' % (index % 250 + 1) for index in range(60))
    assert errors_of(pve, 'POST', RULES, rule(source=long_list)) == {'source': 'value may only be 512 characters long'}


def test_unknown_parameters_are_rejected(pve):
    assert errors_of(pve, 'POST', RULES, rule(position='1')) == {'position': NOT_DEFINED}
    assert errors_of(pve, 'GET', RULES, params={'verbose': '1'}) == {'verbose': NOT_DEFINED}


@pytest.mark.parametrize('field, value, message', [
    ('source', '10.0.0.1/24', 'invalid IP address: Invalid prefix 00001010000000000000000000000001/24'),
    ('source', '10.0.0.1,10.0.0.2-10.0.0.9', "you can't use a range in a list"),
    ('source', '10.0.0.1,2001:db8::1', "detected mixed ipv4/ipv6 addresses in address list '10.0.0.1,2001:db8::1'"),
    ('dest', '10.0.0.9-10.0.0.1', 'invalid IP address: Begin address is greater than End address 10.0.0.9 - 10.0.0.1'),
    ('dest', '10.0.0.1,', 'extraneous commas in list'),
    ('dport', '22:21', "backwards range '22:21' not allowed, did you mean '21:22'?"),
    ('dport', '70000', "invalid port '70000'"),
    ('dport', 'nosuchservice', "invalid port 'nosuchservice'"),
    ('dport', ','.join(str(port) for port in range(1, 17)), 'too many entries in port list (> 15 numbers)'),
    ('sport', 'echo-request', "invalid port 'echo-request'"),
    ('proto', 'tcpp', "unknown protocol 'tcpp'"),
    ('icmp-type', 'echo', "invalid icmp-type value 'echo'"),
])
def test_named_rule_formats(pve, field, value, message):
    assert errors_of(pve, 'POST', RULES, rule(**{field: value})) == {field: 'invalid format - %s\n' % message}


@pytest.mark.parametrize('field, value', [
    ('source', '10.0.0.0/24'), ('source', '10.0.0.1-10.0.0.9'), ('source', '2001:db8::/64,2001:db8:1::1'),
    ('source', '+dc/management'), ('source', 'dc/myalias'), ('dport', '80,443,8000:8080'), ('dport', 'ssh,https'),
    ('proto', '6'), ('proto', 'ipv6-icmp'), ('icmp-type', 'echo-request'),
])
def test_named_rule_formats_accept(pve, field, value):
    answer = pve.raw('POST', RULES, data=rule(**{field: value}))
    errors = (answer.json().get('errors') or {}) if answer.status_code == 400 else {}
    assert not errors.get(field, '').startswith('invalid format'), errors


def test_ip_or_cidr_formats(pve):
    assert errors_of(pve, 'POST', '/cluster/firewall/aliases', {'name': 'a1', 'cidr': 'host.example'}) == {
        'cidr': 'invalid format - value does not look like a valid IP address or CIDR network\n'}
    assert errors_of(pve, 'POST', '/cluster/firewall/aliases', {'name': 'a1', 'cidr': '10.0.0.0/33'}) == {
        'cidr': 'invalid format - Prefix length 33 is longer than IP address (32)\n'}
    pve.data('POST', '/cluster/firewall/ipset', {'name': 'set1'})
    assert errors_of(pve, 'POST', '/cluster/firewall/ipset/set1', {'cidr': '10.0.0.300'}) == {
        'cidr': 'invalid format - value does not look like a valid IP address or CIDR network\n'}


def test_iface_node_vnet_and_configid_formats(pve):
    assert errors_of(pve, 'POST', RULES, rule(iface='1eth')) == {
        'iface': "invalid format - invalid network interface name '1eth'\n"}
    assert errors_of(pve, 'GET', '/nodes/pve_1/firewall/rules') == {
        'node': 'invalid format - value does not look like a valid node name\n'}
    assert errors_of(pve, 'GET', '/cluster/sdn/vnets/vnet_1/firewall/rules') == {
        'vnet': "invalid format - vnet ID 'vnet_1' contains illegal characters\n"}
    assert errors_of(pve, 'GET', '/cluster/sdn/vnets/vnet12345/firewall/options') == {
        'vnet': "invalid format - vnet ID 'vnet12345' can't be more length than 8 characters\n"}
    pve.data('POST', RULES, rule())
    assert errors_of(pve, 'PUT', '/cluster/firewall/rules/0', {'delete': 'comment,9bad'}) == {
        'delete': "invalid format - invalid configuration ID '9bad'\n"}


def test_property_string_formats(pve):
    errors = errors_of(pve, 'PUT', '/nodes/pve1/qemu/100/config', {'net1': 'virtio,bridge=vmbr 0'})
    assert errors['net1'].startswith('invalid format - format error\n')
    assert 'net1.bridge' in errors['net1']
    errors = errors_of(pve, 'PUT', '/nodes/pve1/qemu/100/config', {'net1': 'bridge=vmbr0,speed=10'})
    assert errors == {'net1': 'invalid format - invalid key in comma-separated list property: speed\n'}
    errors = errors_of(pve, 'PUT', '/cluster/firewall/options', {'log_ratelimit': 'enable=1,rate=fast'})
    assert 'log_ratelimit.rate: value does not match the regex pattern' in errors['log_ratelimit']


def test_indexed_parameters_have_their_range(pve):
    assert pve.raw('PUT', '/nodes/pve1/qemu/100/config', data={'net31': 'virtio,bridge=vmbr0'}).status_code == 200
    assert errors_of(pve, 'PUT', '/nodes/pve1/qemu/100/config', {'net32': 'virtio,bridge=vmbr0'}) == {
        'net32': NOT_DEFINED}
    assert errors_of(pve, 'PUT', '/nodes/pve1/qemu/100/config', {'scsi31': 'local-lvm:1'}) == {'scsi31': NOT_DEFINED}


def test_requires_links_parameters(pve):
    bridge = {'iface': 'vmbr7', 'type': 'bridge', 'address': '10.1.1.1'}
    assert errors_of(pve, 'POST', '/nodes/pve1/network', bridge) == {'netmask': "missing property required by 'address'"}
