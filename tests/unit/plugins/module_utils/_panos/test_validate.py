# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks: one sentence naming the field and the value."""

import pytest

from ansible_collections.zonewarden.firewall.plugins.module_utils._errors import ValidationError
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos import validate
from ansible_collections.zonewarden.firewall.plugins.module_utils._panos.xpaths import entry, literal, member


@pytest.mark.parametrize('name', ['dmz', 'DMZ-1', 'a.b_c d', 'x' * 31])
def test_good_zone_names(name):
    validate.check_name(name, 'config[0].name', 'zone')


@pytest.mark.parametrize('name, fragment', [
    ('x' * 32, 'is 32 characters long: PAN-OS allows at most 31 for a zone name'),
    ('-dmz', 'is not a valid zone name'),
    ('dmz ', 'is not a valid zone name'),
    ("it's", 'is not a valid zone name'),
    ('', 'is missing'),
])
def test_bad_zone_names(name, fragment):
    with pytest.raises(ValidationError) as error:
        validate.check_name(name, 'config[0].name', 'zone')
    assert fragment in str(error.value)


def test_rule_names_allow_63():
    validate.check_name('r' * 63, 'n', 'rule')
    with pytest.raises(ValidationError):
        validate.check_name('r' * 64, 'n', 'rule')


@pytest.mark.parametrize('value, ok', [('ethernet1/1', True), ('ethernet1/24.4094', True), ('ethernet0/1', False),
                                       ('ethernet1/1.0', False), ('eth1/1', False), ('ethernet1/1.', False), ('ae1', False)])
def test_interface_names(value, ok):
    assert (validate.interface_parts(value) is not None) is ok


def test_cidr_forms():
    assert validate.interface_cidr('10.0.2.1/24', 'x') == '10.0.2.1/24'
    assert validate.network_cidr('0.0.0.0/0', 'x') == '0.0.0.0/0'
    for bad in ('10.0.2.1', '10.0.2.1/33', 'dmz-gw'):
        with pytest.raises(ValidationError) as error:
            validate.interface_cidr(bad, 'config[0].ipv4_addresses[0]')
        assert "config[0].ipv4_addresses[0]='%s' is not in CIDR form" % bad in str(error.value)
    with pytest.raises(ValidationError):
        validate.interface_cidr('2001:db8::1/64', 'x')


def test_ports_and_addresses():
    assert validate.check_ports('80, 443', 'p') == '80,443'
    assert validate.check_ports('8000-8080', 'p') == '8000-8080'
    with pytest.raises(ValidationError):
        validate.check_ports('http', 'p')
    assert validate.same_address('10.0.0.1/32') == validate.same_address('10.0.0.1')
    assert validate.is_address_literal('192.0.2.1-192.0.2.9') and not validate.is_address_literal('web')


def test_xpath_literals():
    assert entry('dmz') == "entry[@name='dmz']"
    assert literal("it's") == '"it\'s"'
    assert member('ethernet1/1') == "member[text()='ethernet1/1']"
