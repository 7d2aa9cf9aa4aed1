# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Handlers of every firewall endpoint (cluster, security groups, node, qemu, lxc, SDN VNet).

Each handler mirrors the order of checks of the PVE handler it emulates (load, digest, existence,
edit, verify, save), because clients see which error comes first.
"""

import calendar
import re
import time

from . import fwmodel, netutil
from .errors import PlainError, param_error
from .formats import split_list

INDEX = {
    'cluster': ['aliases', 'rules', 'options', 'groups', 'ipset', 'macros', 'refs'],
    'host': ['rules', 'options', 'log'],
    'guest': ['rules', 'aliases', 'ipset', 'refs', 'options'],
    'vnet': ['rules', 'options'],
}
SCOPES = (
    (re.compile(r'^/cluster/firewall/groups/\{group\}(.*)$'), 'group'),
    (re.compile(r'^/cluster/firewall(.*)$'), 'cluster'),
    (re.compile(r'^/nodes/\{node\}/firewall(.*)$'), 'host'),
    (re.compile(r'^/nodes/\{node\}/qemu/\{vmid\}/firewall(.*)$'), 'vm'),
    (re.compile(r'^/nodes/\{node\}/lxc/\{vmid\}/firewall(.*)$'), 'ct'),
    (re.compile(r'^/cluster/sdn/vnets/\{vnet\}/firewall(.*)$'), 'vnet'),
)
MODIFIED = 'detected modified configuration - file changed by other user? Try again.'
VNET_MISSING = 'invalid vnet specified at /usr/share/perl5/PVE/API2/Firewall/Helpers.pm line 55.'
NOT_OPTION_PARAMS = ('delete', 'digest', 'node', 'vmid', 'vnet')
LEVEL_ENV = {fwmodel.ClusterFw: 'cluster', fwmodel.HostFw: 'host', fwmodel.GuestFw: 'vm', fwmodel.VnetFw: 'vnet'}


def assert_digest(current, given):
    if fwmodel.perl_true(current) and fwmodel.perl_true(given) and current != given:
        raise PlainError(MODIFIED)


def node_missing(node):
    return PlainError("hostname lookup '%s' failed - failed to get address info for: %s: Name or service not known"
                      % (node, node))


class Scope:
    """Where a call lands: level, rule_env, the config file and the rule list."""

    def __init__(self, family, env, conf, rules=None, name=None):
        self.family = family
        self.env = env
        self.conf = conf
        self.rules = rules if rules is not None else (conf.rules if conf is not None else None)
        self.name = name


class FirewallApi:
    """Dispatches firewall routes to their handlers."""

    def __init__(self, state, clock, option_keys):
        self.state = state
        self.clock = clock
        self.option_keys = option_keys      # level -> option names (from the schema)

    # -- routing ------------------------------------------------------------------------------
    @staticmethod
    def claims(template):
        return any(regex.match(template) for regex, _family in SCOPES)

    def dispatch(self, template, method, params):
        for regex, family in SCOPES:
            match = regex.match(template)
            if match:
                return self._route(family, match.group(1), method, params)
        raise KeyError(template)

    def _route(self, family, suffix, method, params):
        if family == 'group':
            return self._group_route(suffix, method, params)
        if suffix == '':
            if family == 'vnet':
                return self._index('vnet')
            if family in ('host', 'vm', 'ct'):
                self._require_node(params)
            return self._index('guest' if family in ('vm', 'ct') else family)
        head, _sep, rest = suffix[1:].partition('/')
        handler = getattr(self, '_%s_%s%s' % (head, method.lower(), '_item' if rest else ''), None)
        if handler is None:
            raise KeyError(suffix)
        return handler(family, params)

    def _group_route(self, suffix, method, params):
        if suffix == '':
            handler = {'GET': self._rules_get, 'POST': self._rules_post, 'DELETE': self._group_delete}[method]
        else:
            handler = {'GET': self._rules_get_item, 'PUT': self._rules_put_item,
                       'DELETE': self._rules_delete_item}[method]
        return handler('group', params)

    @staticmethod
    def _index(family):
        return [{'name': name} for name in INDEX[family]]

    # -- scopes -------------------------------------------------------------------------------
    def _require_node(self, params):
        if params['node'] not in self.state.nodes:
            raise node_missing(params['node'])

    def _require_vnet(self, params):
        if params['vnet'] not in self.state.vnets:
            raise PlainError(VNET_MISSING)

    def scope(self, family, params, write=False):
        state = self.state
        if family == 'cluster':
            conf = state.cluster
        elif family == 'group':
            conf = state.cluster
            rules = conf.groups.get(params['group'])
            if rules is None:
                raise PlainError("no such security group '%s'" % params['group'])
            return Scope('group', 'group', conf, rules, params['group'])
        elif family == 'host':
            self._require_node(params)
            conf = self._conf(state.hosts, params['node'], fwmodel.HostFw, write)
        elif family in ('vm', 'ct'):
            self._require_node(params)
            conf = self._conf(state.guest_fw, int(params['vmid']), fwmodel.GuestFw, write)
        else:
            self._require_vnet(params)
            conf = self._conf(state.vnet_fw, params['vnet'], fwmodel.VnetFw, write)
        return Scope(family, family, conf)

    @staticmethod
    def _conf(store, key, factory, write):
        conf = store.get(key)
        if conf is None:
            conf = factory()
            if write:
                store[key] = conf
        return conf

    def _views(self, scope):
        ctx = self.state.rule_context(scope.env, scope.conf)
        return scope.rules.views(ctx, scope.env, self.state.eval_key(scope.env, scope.conf))

    def _load_for_write(self, conf, env=None):
        """What PVE's load does before a write: expired cluster enable reads 0, bad rules vanish."""
        state = self.state
        self._expire_cluster_enable()
        env = env if env in ('vm', 'ct') else LEVEL_ENV[type(conf)]
        conf.rules.purge_dropped(state.rule_context(env, conf), env, state.eval_key(env, conf))
        if conf.groups:
            for rules in conf.groups.values():
                rules.purge_dropped(state.rule_context('group', conf), 'group', state.eval_key('group', conf))

    def _expire_cluster_enable(self):
        options = self.state.cluster.options
        enable = options.get('enable')
        if isinstance(enable, int) and enable > 1 and self.clock() - enable > 60:
            options['enable'] = 0
            self.state.cluster.touch()

    # -- rules --------------------------------------------------------------------------------
    def _rules_get(self, family, params):
        scope = self.scope(family, params)
        kept, digest = self._views(scope)
        return [dict(view, pos=index, digest=digest) for index, (_rule, view) in enumerate(kept)]

    def _rules_get_item(self, family, params):
        scope = self.scope(family, params)
        kept, digest = self._views(scope)
        pos = int(params['pos'])
        if pos >= len(kept):
            raise PlainError('no rule at position %d' % pos)
        return dict(kept[pos][1], pos=pos, digest=digest)

    def _rules_post(self, family, params):
        scope = self.scope(family, params, write=True)
        self._load_for_write(scope.conf, scope.env)
        rule = copy_rule_data({}, params)
        fwmodel.verify_rule(rule, self.state.rule_context(scope.env, scope.conf), scope.env)
        if params.get('enable') is None:
            rule['enable'] = 0
        created = fwmodel.roundtrip_rules(rule, scope.env, self.state.macros)
        scope.rules.rules[0:0] = created
        self._saved(scope, created)

    def _rules_put_item(self, family, params):
        scope = self.scope(family, params, write=True)
        self._load_for_write(scope.conf, scope.env)
        kept, digest = self._views(scope)
        assert_digest(digest, params.get('digest'))
        pos = int(params['pos'])
        rules = scope.rules.rules
        if pos >= len(rules):
            raise PlainError('no rule at position %d' % pos)
        moveto = params.get('moveto')
        if moveto is not None and int(moveto) != pos:
            moveto = int(moveto)
            moved = rules[pos]
            reordered = []
            for index, rule in enumerate(rules):
                if index == pos:
                    continue
                if index == moveto:
                    reordered.append(moved)
                reordered.append(rule)
            if moveto >= len(rules):
                reordered.append(moved)
            scope.rules.rules = reordered
        else:
            rule = dict(kept[pos][1])
            rule.pop('errors', None)
            copy_rule_data(rule, params)
            if params.get('delete'):
                delete_rule_properties(rule, params['delete'])
            fwmodel.verify_rule(rule, self.state.rule_context(scope.env, scope.conf), scope.env)
            edited = fwmodel.roundtrip_rules(rule, scope.env, self.state.macros)
            rules[pos:pos + 1] = edited
            self._saved(scope, edited)
            return
        self._saved(scope)

    def _rules_delete_item(self, family, params):
        scope = self.scope(family, params, write=True)
        self._load_for_write(scope.conf, scope.env)
        _kept, digest = self._views(scope)
        assert_digest(digest, params.get('digest'))
        pos = int(params['pos'])
        if pos >= len(scope.rules.rules):
            raise PlainError('no rule at position %d' % pos)
        del scope.rules.rules[pos]
        self._saved(scope)

    def _saved(self, scope, new_rules=()):
        state = self.state
        scope.rules.mutated(state.rule_context(scope.env, scope.conf), scope.env,
                            state.eval_key(scope.env, scope.conf), new_rules)
        scope.conf.touch()

    # -- security groups ----------------------------------------------------------------------
    def _groups_list(self):
        cluster = self.state.cluster
        entries = []
        for name in sorted(cluster.groups):
            entry = {'group': name}
            comment = cluster.group_comments.get(name)
            if fwmodel.perl_true(comment):
                entry['comment'] = comment
            entries.append(entry)
        return entries, fwmodel.list_digest(entries)

    def _groups_get(self, _family, _params):
        entries, digest = self._groups_list()
        return [dict(entry, digest=digest) for entry in entries]

    def _groups_post(self, _family, params):
        cluster = self.state.cluster
        self._load_for_write(cluster)
        group, rename, comment = params['group'], params.get('rename'), params.get('comment')
        if fwmodel.perl_true(rename):
            assert_digest(self._groups_list()[1], params.get('digest'))
            if rename not in cluster.groups:
                raise param_error('group', "Security group '%s' does not exist" % rename)
            if group in cluster.groups and group != rename:
                raise param_error('group', "Security group '%s' does already exist" % group)
            if rename == group:
                if comment is not None:
                    cluster.group_comments[rename] = comment
            else:
                self._rename_group(rename, group, comment)
        else:
            if group in cluster.groups:
                raise param_error('group', "Security group '%s' already exists" % group)
            cluster.groups[group] = fwmodel.RuleList()
            if comment is not None:
                cluster.group_comments[group] = comment
        cluster.normalise_group_names()
        cluster.touch()

    def _rename_group(self, old, new, comment):
        state = self.state
        cluster = state.cluster
        cluster.groups[new] = cluster.groups[old]
        if cluster.group_comments.get(old) is not None:
            cluster.group_comments[new] = cluster.group_comments[old]
        if comment is not None:
            cluster.group_comments[new] = comment
        for node in sorted(state.nodes):
            host = state.hosts.get(node)
            if host is not None:
                self._load_for_write(host)
                if _rename_group_rules(host.rules, old, new):
                    host.touch()
        for vmid in sorted(state.guests):
            guest = state.guest_fw.get(vmid)
            if guest is not None:
                self._load_for_write(guest)
                if _rename_group_rules(guest.rules, old, new):
                    guest.touch()
        _rename_group_rules(cluster.rules, old, new)
        del cluster.groups[old]
        cluster.group_comments.pop(old, None)

    def _group_delete(self, _family, params):
        scope = self.scope('group', params)
        self._load_for_write(scope.conf)
        if scope.rules.rules:
            raise PlainError("Security group '%s' is not empty" % params['group'])
        del scope.conf.groups[params['group']]
        scope.conf.group_comments.pop(params['group'], None)
        scope.conf.touch()

    # -- ipsets -------------------------------------------------------------------------------
    def _ipset_scope(self, family, params, write=False):
        scope = self.scope(family, params, write)
        if write:
            self._load_for_write(scope.conf)
        return scope

    def _ipset_list(self, conf):
        entries = []
        for name in sorted(conf.ipsets):
            entry = {'name': name}
            comment = conf.ipset_comments.get(name)
            if fwmodel.perl_true(comment):
                entry['comment'] = comment
            entries.append(entry)
        return entries, fwmodel.list_digest(entries)

    def _ipset_get(self, family, params):
        conf = self._ipset_scope(family, params).conf
        entries, digest = self._ipset_list(conf)
        return [dict(entry, digest=digest) for entry in entries]

    def _ipset_post(self, family, params):
        conf = self._ipset_scope(family, params, write=True).conf
        name, rename, comment = params['name'], params.get('rename'), params.get('comment')
        if fwmodel.perl_true(rename):
            assert_digest(self._ipset_list(conf)[1], params.get('digest'))
            if rename not in conf.ipsets:
                raise param_error('name', "IPSet '%s' does not exist" % rename)
            if name in conf.ipsets and name != rename:
                raise param_error('name', "IPSet '%s' does already exist" % name)
            conf.ipsets[name] = conf.ipsets.pop(rename)
            old_comment = conf.ipset_comments.pop(rename, None)
            if fwmodel.perl_true(old_comment):
                conf.ipset_comments[name] = old_comment
        else:
            if name in conf.ipsets:
                raise param_error('name', "IPSet '%s' already exists" % name)
            conf.ipsets[name] = []
        if comment is not None:
            conf.ipset_comments[name] = comment
        conf.normalise_ipset_names()
        conf.touch(refs=True)

    def _load_ipset(self, family, params, write=False):
        scope = self._ipset_scope(family, params, write)
        entries = scope.conf.ipsets.get(params['name'])
        if entries is None:
            raise PlainError("no such IPSet '%s'" % params['name'])
        return scope, entries

    def _entry_views(self, scope, entries):
        cluster = self.state.cluster
        local = cluster if scope.conf is cluster else scope.conf
        views = [fwmodel.ipset_entry_view(entry, cluster, local) for entry in entries]
        return views, fwmodel.list_digest(views)

    def _ipset_get_item(self, family, params):
        scope, entries = self._load_ipset(family, params)
        if 'cidr' in params:
            return self._ipset_entry_get(scope, entries, params)
        views, digest = self._entry_views(scope, entries)
        return [dict(view, digest=digest) for view in views]

    def _ipset_delete_item(self, family, params):
        scope, entries = self._load_ipset(family, params, write=True)
        if 'cidr' in params:
            return self._ipset_entry_delete(scope, entries, params)
        if entries and not fwmodel.perl_true(params.get('force')):
            raise PlainError("IPSet '%s' is not empty" % params['name'])
        del scope.conf.ipsets[params['name']]
        scope.conf.ipset_comments.pop(params['name'], None)
        scope.conf.touch(refs=True)
        return None

    def _ipset_post_item(self, family, params):
        scope, entries = self._load_ipset(family, params, write=True)
        cidr = params['cidr']
        match = netutil.ALIAS_REF_RE.match(cidr)
        if match:
            local = None if scope.conf is self.state.cluster else scope.conf
            if fwmodel.resolve_alias(self.state.cluster, local, match.group(2), match.group(1) or '') is None:
                raise PlainError("no such alias '%s'" % match.group(2))
        else:
            cidr = netutil.parse_ip_or_cidr(netutil.clean_cidr(cidr))[0]
        for entry in entries:
            if entry['cidr'] == cidr:
                raise param_error('cidr', "address '%s' already exists" % cidr)
        if re.search(r'/0+$', cidr):
            raise param_error('cidr', 'a zero prefix is not allowed in ipset entries')
        entries.append(fwmodel.ipset_entry(cidr, params.get('nomatch'), params.get('comment')))
        entries.sort(key=lambda entry: entry['cidr'])
        scope.conf.touch(refs=True)

    def _ipset_put_item(self, family, params):
        scope, entries = self._load_ipset(family, params, write=True)
        assert_digest(self._entry_views(scope, entries)[1], params.get('digest'))
        for index, entry in enumerate(entries):
            if entry['cidr'] == params['cidr']:
                entries[index] = fwmodel.ipset_entry(entry['cidr'], params.get('nomatch'), params.get('comment'))
                scope.conf.touch(refs=True)
                return None
        raise param_error('cidr', 'no such IP/Network')

    def _ipset_entry_get(self, scope, entries, params):
        views, digest = self._entry_views(scope, entries)
        for view in views:
            if view['cidr'] == params['cidr']:
                return dict(view, digest=digest)
        raise param_error('cidr', 'no such IP/Network')

    def _ipset_entry_delete(self, scope, entries, params):
        assert_digest(self._entry_views(scope, entries)[1], params.get('digest'))
        remaining = [entry for entry in entries if entry['cidr'] != params['cidr']]
        if len(remaining) != len(entries):
            scope.conf.ipsets[params['name']] = remaining
        scope.conf.touch(refs=True)
        return None

    # -- aliases ------------------------------------------------------------------------------
    def _alias_list(self, conf):
        entries = [conf.aliases[key] for key in sorted(conf.aliases)]
        return entries, fwmodel.list_digest(entries)

    def _aliases_get(self, family, params):
        conf = self.scope(family, params).conf
        entries, digest = self._alias_list(conf)
        return [dict(entry, digest=digest) for entry in entries]

    def _aliases_post(self, family, params):
        conf = self.scope(family, params, write=True).conf
        self._load_for_write(conf)
        key = params['name'].lower()
        if key in conf.aliases:
            raise param_error('name', "alias '%s' already exists" % params['name'])
        conf.aliases[key] = fwmodel.alias_entry(params['name'], params['cidr'], params.get('comment'))
        conf.touch(refs=True)

    def _aliases_get_item(self, family, params):
        conf = self.scope(family, params).conf
        entry = conf.aliases.get(params['name'].lower())
        if entry is None:
            raise param_error('name', 'no such alias')
        return dict(entry)

    def _aliases_put_item(self, family, params):
        conf = self.scope(family, params, write=True).conf
        self._load_for_write(conf)
        assert_digest(self._alias_list(conf)[1], params.get('digest'))
        key = params['name'].lower()
        if key not in conf.aliases:
            raise param_error('name', 'no such alias')
        entry = fwmodel.alias_entry(params['name'], params['cidr'], params.get('comment'))
        rename = params.get('rename')
        new_key = rename.lower() if fwmodel.perl_true(rename) else None
        if new_key and new_key != key:
            if new_key in conf.aliases:
                raise param_error('name', "alias '%s' already exists" % rename)
            entry['name'] = rename
            del conf.aliases[key]
            key = new_key
        conf.aliases[key] = entry
        conf.touch(refs=True)

    def _aliases_delete_item(self, family, params):
        conf = self.scope(family, params, write=True).conf
        self._load_for_write(conf)
        assert_digest(self._alias_list(conf)[1], params.get('digest'))
        conf.aliases.pop(params['name'].lower(), None)
        conf.touch(refs=True)

    # -- options ------------------------------------------------------------------------------
    def options_view(self, conf):
        options = dict(conf.options)
        enable = options.get('enable')
        if conf is self.state.cluster and isinstance(enable, int) and enable > 1 and self.clock() - enable > 60:
            options['enable'] = 0
        return options

    def _options_get(self, family, params):
        conf = self.scope(family, params).conf
        options = self.options_view(conf)
        return dict(options, digest=fwmodel.object_digest(options))

    def _options_put(self, family, params):
        conf = self.scope(family, params, write=True).conf
        self._load_for_write(conf)
        assert_digest(fwmodel.object_digest(self.options_view(conf)), params.get('digest'))
        keys = self.option_keys[family]
        deletes = split_list(params.get('delete') or '')
        for key in deletes:
            if key not in keys:
                raise param_error('delete', "no such option '%s'" % key)
        for key in deletes:
            conf.options.pop(key, None)
        values = dict(params)
        if values.get('enable') is not None:
            if family == 'cluster':
                if int(values['enable']) > 1:
                    values['enable'] = str(int(self.clock()))
            else:
                values['enable'] = '1' if fwmodel.perl_true(values['enable']) else '0'
        for key in keys:
            if values.get(key) is not None:
                conf.set_option(key, values[key])
        conf.touch()

    # -- refs, macros, log --------------------------------------------------------------------
    def _refs_get(self, family, params):
        kind = params.get('type')
        state = self.state
        sdn = [{'type': 'ipset', 'name': name, 'ref': '+%s' % name, 'scope': 'sdn'}
               for name in sorted(state.sdn_ipsets())] if kind in (None, 'ipset') else []
        dc_refs = collect_refs(state.cluster, kind, 'dc')
        if family == 'cluster':
            return sdn + dc_refs
        conf = self.scope(family, params).conf
        return dc_refs + sdn + collect_refs(conf, kind, 'guest')

    def _macros_get(self, _family, _params):
        return self.state.macros.listing()

    def _log_get(self, family, params):
        self._require_node(params)
        lines = self.state.firewall_log.get(params['node'])
        if lines is None:
            lines = synthetic_log(self.state, params['node'], self.clock())
        if family in ('vm', 'ct'):
            prefix = '%s ' % params['vmid']
            lines = [line for line in lines if line.startswith(prefix)]
        return dump_log(lines, params)


def copy_rule_data(rule, params):
    """PVE's copy_rule_data: '' and '-' clear a field, other values replace it."""
    for key in fwmodel.RULE_PROPERTIES:
        value = params.get(key)
        if value is not None:
            if value in ('', '-'):
                rule.pop(key, None)
            else:
                rule[key] = value
    return rule


def delete_rule_properties(rule, text):
    for key in split_list(text):
        if key not in fwmodel.RULE_PROPERTIES:
            raise param_error('delete', "no such property ('%s')" % key)
        if key in ('type', 'action'):
            raise param_error('delete', "unable to delete required property '%s'" % key)
        rule.pop(key, None)


def _rename_group_rules(rules, old, new):
    changed = False
    for index, rule in enumerate(rules.rules):
        if rule.fields.get('type') == 'group' and rule.fields.get('action') == old:
            rules.rules[index] = fwmodel.Rule(dict(rule.fields, action=new))
            changed = True
    if changed:
        rules.touch()
    return changed


def collect_refs(conf, kind, scope):
    refs = []
    if conf is None:
        return refs
    if kind in (None, 'ipset') and conf.ipsets is not None:
        for name in sorted(conf.ipsets):
            entry = {'type': 'ipset', 'name': name, 'ref': '+%s' % name, 'scope': scope}
            if fwmodel.perl_true(conf.ipset_comments.get(name)):
                entry['comment'] = conf.ipset_comments[name]
            refs.append(entry)
    if kind in (None, 'alias') and conf.aliases is not None:
        for name in sorted(conf.aliases):
            entry = {'type': 'alias', 'name': name, 'ref': name, 'scope': scope}
            if fwmodel.perl_true(conf.aliases[name].get('comment')):
                entry['comment'] = conf.aliases[name]['comment']
            refs.append(entry)
    return refs


def synthetic_log(state, node, now):
    """A few lines in pve-firewall.log format for the node's guests (deterministic per guest)."""
    lines = []
    base = int(now) - 600
    for offset, vmid in enumerate(sorted(vmid for vmid, guest in state.guests.items() if guest['node'] == node)):
        stamp = time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(base + offset * 10))
        lines.append('%d 6 tap%di0-IN %s policy DROP: IN=fwbr%di0 OUT=fwbr%di0 PHYSIN=fwln%di0 PHYSOUT=tap%di0 '
                     'SRC=192.0.2.99 DST=192.0.2.%d LEN=60 PROTO=TCP SPT=40000 DPT=22 SYN'
                     % (vmid, vmid, stamp, vmid, vmid, vmid, vmid, 100 + offset))
        lines.append('%d 6 tap%di0-IN %s ACCEPT: IN=fwbr%di0 OUT=fwbr%di0 PHYSIN=fwln%di0 PHYSOUT=tap%di0 '
                     'SRC=192.0.2.1 DST=192.0.2.%d LEN=60 PROTO=TCP SPT=40001 DPT=443 SYN'
                     % (vmid, vmid, stamp, vmid, vmid, vmid, vmid, 100 + offset))
    stamp = time.strftime('%d/%b/%Y:%H:%M:%S +0000', time.gmtime(base))
    lines.append('0 5 - %s starting pvefw logger' % stamp)
    return lines


def _line_time(line):
    words = line.split(' ')
    if len(words) < 5:
        return None
    try:
        return calendar.timegm(time.strptime(words[3], '%d/%b/%Y:%H:%M:%S'))
    except ValueError:
        return None


def dump_log(lines, params):
    """PVE's dump_logfile: 1-based line numbers, start/limit window, 'total' in the envelope."""
    since = int(params['since']) if params.get('since') is not None else None
    until = int(params['until']) if params.get('until') is not None else None
    if since or until:
        def keep(line):
            stamp = _line_time(line)
            return stamp is not None and not (since and stamp < since) and not (until and stamp > until)
        lines = [line for line in lines if keep(line)]
    start = int(params.get('start') or 0)
    limit = int(params['limit']) if params.get('limit') is not None else 50
    result = []
    for count, line in enumerate(lines, 1):
        if count <= start:
            continue
        if limit != 0 and len(result) >= limit:
            continue
        result.append({'n': count, 't': line})
    total = len(lines)
    if not total:
        total = 1
        result.append({'n': 1, 't': 'no content'})
    return result, {'total': total}
