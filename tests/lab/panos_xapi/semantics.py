# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the configuration means: named objects, the references between them, commit validation.

Covers the objects the collection manages (zones, addresses, services and their groups,
interfaces, virtual and logical routers, security/NAT/decryption rules). Used three ways:
commit validation (dangling references, an interface in two zones or two routers, static IP
plus DHCP), refusing to delete an object that is still referenced (code 10), and updating the
references when an object is renamed.
"""

import ipaddress
import re

from .xpath import component

RULEBASES_WITH_ZONES = ('security', 'nat', 'decryption')
ZONE_MODES = ('layer3', 'layer2', 'virtual-wire', 'tap')
PORT_MODES = ('layer3', 'layer2', 'virtual-wire', 'tap', 'ha', 'decrypt-mirror', 'aggregate-group', 'log-card')
PREDEFINED_SERVICES = frozenset(('any', 'application-default', 'service-http', 'service-https'))
ADDRESS_KINDS = ('address', 'address-group', 'external-list')
SERVICE_KINDS = ('service', 'service-group')
INTERFACE_KINDS = ('ethernet', 'aggregate-ethernet')
UNIT_KINDS = ('loopback', 'tunnel', 'vlan')
_REGION = re.compile(r'^[A-Z][A-Z0-9]$')
_PREDEFINED_EDL = re.compile(r'^panw-[\w-]+-list$')


class Ref:
    """One reference: ``element`` (a <member> or a leaf) names ``value`` of ``kind``."""

    __slots__ = ('kind', 'value', 'element', 'vsys', 'label', 'owner_path', 'holder', 'mode')

    def __init__(self, kind, value, element, vsys, label, owner_path, holder=None, mode=None):
        self.kind = kind
        self.value = value
        self.element = element
        self.vsys = vsys
        self.label = label
        self.owner_path = owner_path
        # For zone and router membership: the zone or router that holds the interface.
        self.holder = holder
        # For interface references: the interface mode the referrer needs (layer3, virtual-wire, ...).
        self.mode = mode


def _entries(parent, parent_path, *tags):
    """Yield (entry, path) for parent/tag[0]/.../entry, with paths."""
    nodes = [(parent, parent_path)]
    for tag in tags:
        nodes = [(child, path + (component(child),)) for node, path in nodes for child in node if child.tag == tag]
    return nodes


def devices(root):
    return _entries(root, (component(root),), 'devices', 'entry')


def vsys_list(root):
    return [(vsys, path) for device, dpath in devices(root) for vsys, path in _entries(device, dpath, 'vsys', 'entry')]


def _names(parent, *tags):
    if parent is None:
        return set()
    return {entry.get('name') for tag in tags for holder in parent.findall(tag) for entry in holder.findall('entry')}


def interface_modes(root):
    """Every interface name with its mode (layer3, layer2, virtual-wire, tap, ha, ... or none)."""
    modes = {}
    for device, _path in devices(root):
        interface = device.find('network/interface')
        if interface is None:
            continue
        for kind in INTERFACE_KINDS:
            for entry in interface.findall('%s/entry' % kind):
                modes[entry.get('name')] = next((child.tag for child in entry if child.tag in PORT_MODES), 'none')
                for mode in ('layer3', 'layer2', 'virtual-wire'):
                    modes.update((unit.get('name'), mode) for unit in entry.findall('%s/units/entry' % mode))
        for kind in UNIT_KINDS:
            holder = interface.find(kind)
            if holder is not None:
                modes[kind] = 'layer3'
                modes.update((unit.get('name'), 'layer3') for unit in holder.findall('units/entry'))
    return modes


def _leaf(parent, tag, kind, vsys, label, owner, refs):
    element = parent.find(tag)
    if element is not None and element.text:
        refs.append(Ref(kind, element.text, element, vsys, '%s -> %s' % (label, tag), owner))


def _members(parent, tag, kind, vsys, label, owner, refs, holder=None, mode=None):
    for member in parent.findall('%s/member' % tag):
        if member.text:
            refs.append(Ref(kind, member.text, member, vsys, '%s -> %s' % (label, tag), owner, holder, mode))


def _rule_refs(vsys, vpath, vname, refs):
    for rulebase in RULEBASES_WITH_ZONES:
        for rule, path in _entries(vsys, vpath, 'rulebase', rulebase, 'rules', 'entry'):
            label = 'vsys -> %s -> rulebase -> %s -> rules -> %s' % (vname, rulebase, rule.get('name'))
            for tag in ('from', 'to'):
                _members(rule, tag, 'zone', vname, label, path, refs)
            for tag in ('source', 'destination'):
                _members(rule, tag, 'address', vname, label, path, refs)
            if rulebase == 'security':
                _members(rule, 'service', 'service', vname, label, path, refs)
            elif rulebase == 'nat':
                _nat_refs(rule, vname, label, path, refs)


def _nat_refs(rule, vname, label, path, refs):
    _leaf(rule, 'service', 'service', vname, label, path, refs)
    to_interface = rule.find('to-interface')
    if to_interface is not None and to_interface.text and to_interface.text != 'any':
        refs.append(Ref('interface', to_interface.text, to_interface, None, label + ' -> to-interface', path))
    for translation in rule.findall('source-translation/*'):
        sublabel = '%s -> source-translation -> %s' % (label, translation.tag)
        _members(translation, 'translated-address', 'address', vname, sublabel, path, refs)
        _leaf(translation, 'translated-address', 'address', vname, sublabel, path, refs)
        for holder in translation.iter('interface-address'):
            _leaf(holder, 'interface', 'interface', None, sublabel, path, refs)
    for tag in ('destination-translation', 'dynamic-destination-translation'):
        holder = rule.find(tag)
        if holder is not None:
            _leaf(holder, 'translated-address', 'address', vname, '%s -> %s' % (label, tag), path, refs)


def references(root):
    """Every reference in the configuration."""
    refs = []
    for vsys, vpath in vsys_list(root):
        vname = vsys.get('name')
        _rule_refs(vsys, vpath, vname, refs)
        _group_refs(vsys, vpath, vname, 'vsys -> %s' % vname, refs)
        for zone, zpath in _entries(vsys, vpath, 'zone', 'entry'):
            label = 'vsys -> %s -> zone -> %s -> network' % (vname, zone.get('name'))
            for mode in zone.findall('network/*'):
                for member in mode.findall('member'):
                    refs.append(Ref('interface', member.text, member, None, '%s -> %s' % (label, mode.tag), zpath,
                                    holder=('zone', '%s/%s' % (vname, zone.get('name'))),
                                    mode=mode.tag if mode.tag in ZONE_MODES else None))
        for member in vsys.findall('import/network/interface/member'):
            refs.append(Ref('interface', member.text, member, None, 'vsys -> %s -> import -> network -> interface' % vname,
                            vpath + (('import', None),)))
    shared = root.find('shared')
    if shared is not None:
        _group_refs(shared, (component(root), ('shared', None)), None, 'shared', refs)
    for device, dpath in devices(root):
        for router, rpath in _entries(device, dpath, 'network', 'virtual-router', 'entry'):
            label = 'network -> virtual-router -> %s' % router.get('name')
            _members(router, 'interface', 'interface', None, label, rpath, refs, ('router', router.get('name')), 'layer3')
        for router, rpath in _entries(device, dpath, 'network', 'logical-router', 'entry'):
            for vrf, vrf_path in _entries(router, rpath, 'vrf', 'entry'):
                label = 'network -> logical-router -> %s -> vrf -> %s' % (router.get('name'), vrf.get('name'))
                holder = ('router', '%s/%s' % (router.get('name'), vrf.get('name')))
                _members(vrf, 'interface', 'interface', None, label, vrf_path, refs, holder, 'layer3')
        for wire, wpath in _entries(device, dpath, 'network', 'virtual-wire', 'entry'):
            for side in ('interface1', 'interface2'):
                element = wire.find(side)
                if element is not None and element.text:
                    refs.append(Ref('interface', element.text, element, None, 'network -> virtual-wire -> %s -> %s'
                                    % (wire.get('name'), side), wpath, mode='virtual-wire'))
    return refs


def _group_refs(scope, spath, vname, prefix, refs):
    for group, gpath in _entries(scope, spath, 'address-group', 'entry'):
        _members(group, 'static', 'address', vname, '%s -> address-group -> %s' % (prefix, group.get('name')), gpath, refs)
    for group, gpath in _entries(scope, spath, 'service-group', 'entry'):
        _members(group, 'members', 'service', vname, '%s -> service-group -> %s' % (prefix, group.get('name')), gpath, refs)


class Namespace:
    """The names a reference may resolve to, per vsys (plus shared)."""

    def __init__(self, root):
        shared = root.find('shared')
        self.shared_addresses = _names(shared, *ADDRESS_KINDS)
        self.shared_services = _names(shared, *SERVICE_KINDS)
        self.vsys = {}
        for vsys, _path in vsys_list(root):
            self.vsys[vsys.get('name')] = {
                'zone': _names(vsys, 'zone'),
                'address': _names(vsys, *ADDRESS_KINDS),
                'service': _names(vsys, *SERVICE_KINDS),
            }
        self.interfaces = interface_modes(root)

    def resolves(self, ref):
        value = ref.value
        if ref.kind == 'interface':
            return value in self.interfaces
        local = self.vsys.get(ref.vsys, {}) if ref.vsys else {}
        if ref.kind == 'zone':
            return value == 'any' or value in local.get('zone', ())
        if ref.kind == 'address':
            return (value == 'any' or value in local.get('address', ()) or value in self.shared_addresses
                    or is_address_literal(value) or bool(_REGION.match(value)) or bool(_PREDEFINED_EDL.match(value)))
        if ref.kind == 'service':
            return value in PREDEFINED_SERVICES or value in local.get('service', ()) or value in self.shared_services
        return True


def is_address_literal(value):
    candidates = value.split('-', 1) if '-' in value else [value]
    try:
        for candidate in candidates:
            if '/' in candidate and len(candidates) == 1:
                ipaddress.ip_network(candidate, strict=False)
            else:
                ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


# -- commit validation ----------------------------------------------------------------------------

def validate(root):
    """Return the PAN-OS-like error lines of a commit of ``root`` (empty when it would succeed)."""
    errors = []
    refs = references(root)
    namespace = Namespace(root)
    for ref in refs:
        if not namespace.resolves(ref):
            errors.append("%s '%s' is not a valid reference" % (ref.label, ref.value))
    errors.extend(_exclusive_membership(refs))
    errors.extend(_wrong_modes(refs, namespace.interfaces))
    errors.extend(_static_and_dhcp(root))
    return errors


def _exclusive_membership(refs):
    """An interface belongs to one zone and to one virtual (or logical) router."""
    seen, errors = {}, []
    for ref in refs:
        if ref.kind != 'interface' or ref.holder is None:
            continue
        kind, name = ref.holder
        first = seen.setdefault((kind, ref.value), (name, ref.label))
        if first[0] != name:
            what = 'zone' if kind == 'zone' else 'virtual router'
            errors.append("%s: interface %s is already assigned to %s '%s'"
                          % (ref.label, ref.value, what, first[0].split('/')[-1]))
    return errors


def _wrong_modes(refs, modes):
    errors = []
    for ref in refs:
        actual = modes.get(ref.value) if ref.kind == 'interface' and ref.mode else None
        if actual is not None and actual != ref.mode:
            errors.append('%s: %s is not a %s interface' % (ref.label, ref.value, ref.mode))
    return errors


def _static_and_dhcp(root):
    errors = []
    for device, _path in devices(root):
        interface = device.find('network/interface')
        if interface is None:
            continue
        for kind in INTERFACE_KINDS:
            for entry in interface.findall('%s/entry' % kind):
                layers = [(entry.get('name'), entry.find('layer3'))]
                layers += [(unit.get('name'), unit) for unit in entry.findall('layer3/units/entry')]
                for name, layer in layers:
                    if layer is not None and layer.find('ip/entry') is not None and _dhcp_enabled(layer):
                        errors.append('network -> interface -> %s -> %s -> layer3: DHCP interface IP address must be empty'
                                      % (kind, name))
    return errors


def _dhcp_enabled(layer):
    dhcp = layer.find('dhcp-client')
    return dhcp is not None and (dhcp.findtext('enable') or 'yes') != 'no'


# -- delete and rename --------------------------------------------------------------------------

def object_at(path):
    """(kind, name, vsys-or-None) when ``path`` names a referencable object, else None."""
    tags = [tag for tag, _ident in path]
    last = path[-1][1]
    if not last or last[0] != 'name' or len(path) < 3:
        return None
    name, container = last[1], tags[-2]
    vsys = _vsys_of(path)
    if container == 'zone' and vsys:
        return ('zone', name, vsys)
    if container in ADDRESS_KINDS and (vsys or tags[1] == 'shared'):
        return ('address', name, vsys)
    if container in SERVICE_KINDS and (vsys or tags[1] == 'shared'):
        return ('service', name, vsys)
    if 'interface' in tags and tags[-1] == 'entry' and (container in INTERFACE_KINDS or container == 'units'):
        return ('interface', name, None)
    return None


def _vsys_of(path):
    for index, (tag, _ident) in enumerate(path[:-1]):
        if tag == 'vsys' and path[index + 1][1] and path[index + 1][0] == 'entry':
            return path[index + 1][1][1]
    return None


def objects_in(element, path):
    """The referencable objects defined by ``element`` (at ``path``) and its interface units."""
    found = []
    obj = object_at(path)
    if obj:
        found.append(obj)
        if obj[0] == 'interface':
            found.extend(('interface', unit.get('name'), None) for unit in element.iter('entry')
                         if unit is not element and unit.get('name') and '.' in unit.get('name'))
    else:
        for child in element:
            child_path = path + (component(child),)
            child_obj = object_at(child_path)
            if child_obj and child_obj[0] != 'interface':
                found.append(child_obj)
    return found


def referrers(root, obj, refs=None, shadowing=None):
    """References to ``obj`` = (kind, name, vsys); a shared object is hidden where a vsys defines the same name."""
    kind, name, vsys = obj
    refs = references(root) if refs is None else refs
    namespace = shadowing or Namespace(root)
    matches = []
    for ref in refs:
        if ref.kind != kind or ref.value != name:
            continue
        if kind in ('interface',):
            matches.append(ref)
        elif vsys is not None and ref.vsys == vsys:
            matches.append(ref)
        elif vsys is None and ref.vsys is not None and name not in namespace.vsys.get(ref.vsys, {}).get(kind, ()):
            matches.append(ref)
        elif vsys is None and ref.vsys is None and kind != 'zone':
            matches.append(ref)
    return matches
