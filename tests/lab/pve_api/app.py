# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PVE API emulator as a labcore LabApp: request pipeline, envelopes and side-door routes.

Pipeline of every /api2/json call, in PVE's order: authentication (ticket + CSRF or API token),
refusal of a body on GET/DELETE, route lookup (501 when unknown), URI/parameter conflicts,
schema validation (400 with all errors), then the handler (400 for handler parameter errors,
500 for plain errors).
"""

import json
import time
from urllib.parse import parse_qsl

from labcore.server import LabApp, Response

from . import firewall, guests, macros, schema, state
from .auth import Authenticator
from .errors import ApiError, BareError, NotImplementedPath, ParamError

BASE = '/api2/json'
MAX_POST = 64 * 1024    # pve-http-server refuses larger bodies before parsing them
EXTRA_ROUTES = {
    '/access/ticket': {
        'POST': {'additionalProperties': 0, 'properties': {
            'username': {'type': 'string', 'maxLength': 64}, 'password': {'type': 'string'},
            'realm': {'type': 'string', 'optional': 1, 'maxLength': 32}, 'otp': {'type': 'string', 'optional': 1},
            'path': {'type': 'string', 'optional': 1, 'maxLength': 64},
            'privs': {'type': 'string', 'optional': 1, 'maxLength': 64},
            'new-format': {'type': 'boolean', 'optional': 1}, 'tfa-challenge': {'type': 'string', 'optional': 1}}},
        'GET': {'additionalProperties': 0, 'properties': {}},
    },
    '/nodes/{node}/tasks/{upid}/status': {'GET': {'additionalProperties': 0, 'properties': {
        'node': {'type': 'string', 'format': 'pve-node'}, 'upid': {'type': 'string'}}}},
    '/nodes/{node}/tasks/{upid}/log': {'GET': {'additionalProperties': 0, 'properties': {
        'node': {'type': 'string', 'format': 'pve-node'}, 'upid': {'type': 'string'},
        'start': {'type': 'integer', 'minimum': 0, 'optional': 1}, 'limit': {'type': 'integer', 'minimum': 0, 'optional': 1},
        'download': {'type': 'boolean', 'optional': 1}}}},
}


class Call:
    """One validated API call as handlers see it."""

    __slots__ = ('method', 'template', 'params', 'user')

    def __init__(self, method, template, params, user):
        self.method = method
        self.template = template
        self.params = params
        self.user = user


class PveApp(LabApp):
    """Proxmox VE API emulator."""

    name = 'pve_api'

    def __init__(self, fixture=None, schema_path=None, auth_delay=0.0):
        super().__init__()
        self.schema = schema.ApiSchema(schema_path)
        for template, methods in EXTRA_ROUTES.items():
            self.schema.add_extra(template, methods)
        self.macros = macros.Macros()
        self.state = state.PveState(self.macros)
        self.clock_offset = 0.0
        self.auth_delay = float(auth_delay)
        self.auth = Authenticator(self.state, self.clock)
        self.firewall = firewall.FirewallApi(self.state, self.clock, self._option_keys())
        self.guests = guests.GuestsApi(self.state, self.schema, self.clock)
        self.handlers = self._handlers()
        self.base_fixture = fixture if fixture is not None else state.load_default_fixture()
        self.warnings = self.state.load(self.base_fixture)

    # -- time ---------------------------------------------------------------------------------
    def clock(self):
        """Emulated wall clock (real time plus an offset the side door controls)."""
        return time.time() + self.clock_offset

    # -- setup --------------------------------------------------------------------------------
    def _option_keys(self):
        keys = {}
        for family, template in (('cluster', '/cluster/firewall/options'), ('host', '/nodes/{node}/firewall/options'),
                                 ('vm', '/nodes/{node}/qemu/{vmid}/firewall/options'),
                                 ('ct', '/nodes/{node}/lxc/{vmid}/firewall/options'),
                                 ('vnet', '/cluster/sdn/vnets/{vnet}/firewall/options')):
            params = self.schema.method_params(template, 'PUT')
            keys[family] = tuple(name for name in params.properties if name not in firewall.NOT_OPTION_PARAMS)
        return keys

    def _handlers(self):
        api = self.guests
        table = {
            ('/version', 'GET'): api.version,
            ('/nodes', 'GET'): api.nodes,
            ('/cluster/resources', 'GET'): api.resources,
            ('/nodes/{node}/qemu', 'GET'): api.list_guests('qemu'),
            ('/nodes/{node}/lxc', 'GET'): api.list_guests('lxc'),
            ('/nodes/{node}/qemu', 'POST'): api.create_guest('qemu'),
            ('/nodes/{node}/lxc', 'POST'): api.create_guest('lxc'),
            ('/nodes/{node}/qemu/{vmid}/config', 'GET'): api.get_config('qemu'),
            ('/nodes/{node}/qemu/{vmid}/config', 'PUT'): api.put_config('qemu'),
            ('/nodes/{node}/qemu/{vmid}/config', 'POST'): api.put_config('qemu', asynchronous=True),
            ('/nodes/{node}/lxc/{vmid}/config', 'GET'): api.get_config('lxc'),
            ('/nodes/{node}/lxc/{vmid}/config', 'PUT'): api.put_config('lxc'),
            ('/nodes/{node}/lxc/{vmid}/interfaces', 'GET'): api.lxc_interfaces,
            ('/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces', 'GET'): api.qemu_agent_interfaces,
            ('/nodes/{node}/network', 'GET'): api.network_list,
            ('/nodes/{node}/network', 'POST'): api.network_create,
            ('/nodes/{node}/network', 'PUT'): api.network_apply,
            ('/nodes/{node}/network', 'DELETE'): api.network_revert,
            ('/nodes/{node}/network/{iface}', 'GET'): api.network_get,
            ('/nodes/{node}/network/{iface}', 'PUT'): api.network_update,
            ('/nodes/{node}/network/{iface}', 'DELETE'): api.network_delete,
            ('/cluster/sdn/vnets', 'GET'): api.vnets_list,
            ('/cluster/sdn/vnets', 'POST'): api.vnet_create,
            ('/cluster/sdn/vnets/{vnet}', 'GET'): api.vnet_get,
            ('/cluster/sdn/vnets/{vnet}', 'PUT'): api.vnet_update,
            ('/cluster/sdn/vnets/{vnet}', 'DELETE'): api.vnet_delete,
            ('/cluster/sdn/vnets/{vnet}/subnets', 'GET'): api.subnets_list,
            ('/cluster/sdn/vnets/{vnet}/subnets', 'POST'): api.subnet_create,
            ('/nodes/{node}/tasks/{upid}/status', 'GET'): api.task_status,
            ('/nodes/{node}/tasks/{upid}/log', 'GET'): api.task_log,
            ('/access/ticket', 'POST'): lambda call: self.auth.login(call.params),
            ('/access/ticket', 'GET'): lambda call: None,
        }
        for template, route in self.schema.router.routes.items():
            if firewall.FirewallApi.claims(template):
                for method in route.methods:
                    table[(template, method)] = self._firewall_handler(template, method)
        return table

    def _firewall_handler(self, template, method):
        def handler(call):
            return self.firewall.dispatch(template, method, call.params)
        return handler

    def missing_handlers(self):
        """Schema paths and methods without a handler (a test keeps this empty)."""
        return sorted((template, method) for template, route in self.schema.router.routes.items()
                      for method in route.methods if (template, method) not in self.handlers)

    # -- LabApp interface ---------------------------------------------------------------------
    def reset(self):
        self.clock_offset = 0.0
        self.warnings = self.state.load(self.base_fixture)

    def load_fixture(self, data):
        self.warnings = self.state.load(data)

    def dump_state(self):
        return self.state.dump()

    def load_state(self, data):
        self.warnings = self.state.load(data)

    def fw_files(self):
        return self.state.render_fw_files()

    def handle(self, request):
        try:
            data, extra = self._call(request)
        except BareError as exc:
            response = Response(exc.status, b'', reason=exc.message.rstrip('\n'))
            if exc.status == 401:
                response.delay = self.auth_delay
            return response
        except ApiError as exc:
            body = {'data': None, 'message': exc.message}
            if exc.errors:
                body['errors'] = exc.errors
            response = Response(exc.status, json.dumps(body, separators=(',', ':')), reason=exc.message.split('\n', 1)[0])
            if exc.status == 401:
                response.delay = self.auth_delay
            return response
        body = {'data': data}
        body.update(extra)
        return Response(200, json.dumps(body, separators=(',', ':')), reason='OK')

    def _call(self, request):
        path = request.path
        if path != BASE and not path.startswith(BASE + '/'):
            raise NotImplementedPath(request.method, path)
        rel = path[len(BASE):] or '/'
        method = request.method
        user, _via_token = self.auth.check(request, method, rel)
        if request.body and method not in ('POST', 'PUT'):
            raise BareError("Unexpected content for method '%s'" % method, status=501)
        if len(request.body) > MAX_POST:
            raise BareError('for data too large', status=501)
        found = self.schema.match(rel)
        params_schema = found[0].methods.get(method) if found else None
        if params_schema is None:
            raise NotImplementedPath(method, rel)
        route, path_params = found
        params = request_params(request)
        for name, value in path_params.items():
            if name in params and params[name] != value:
                raise ParamError({name: 'duplicate parameter (already defined in URI) with conflicting values!'})
            params[name] = value
        errors = params_schema.validate(params)
        if errors:
            raise ParamError(errors)
        result = self.handlers[(route.template, method)](Call(method, route.template, params, user))
        if isinstance(result, tuple):
            return result
        return result, {}

    # -- side door ----------------------------------------------------------------------------
    def side_door(self, request):
        route = (request.method, request.path[len('/_lab'):])
        if route == ('GET', '/fw-files'):
            return Response.json(self.fw_files())
        if route == ('POST', '/fw-files'):
            payload = request.json()
            current = self.state.dump()
            current['fw_files'] = payload.get('files', payload)
            self.warnings = self.state.load(current)
            return Response.json({'warnings': self.warnings})
        if route == ('GET', '/warnings'):
            return Response.json({'warnings': self.warnings})
        if route == ('GET', '/clock'):
            return Response.json({'now': self.clock(), 'offset': self.clock_offset})
        if route == ('POST', '/clock'):
            payload = request.json()
            if 'advance' in payload:
                self.clock_offset += float(payload['advance'])
            if 'offset' in payload:
                self.clock_offset = float(payload['offset'])
            if 'now' in payload:
                self.clock_offset = float(payload['now']) - time.time()
            return Response.json({'now': self.clock(), 'offset': self.clock_offset})
        if route == ('POST', '/auth-delay'):
            self.auth_delay = float(request.json().get('seconds', 0))
            return Response.json({'auth_delay': self.auth_delay})
        return None


def _form_pairs(text):
    values = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        values[key] = values[key] + '\0' + value if key in values else value
    return values


def _json_value(value):
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, (dict,)):
        return json.dumps(value)
    return str(value)


def request_params(request):
    """Body parameters (form or JSON) overridden by query parameters, as PVE merges them."""
    params = {}
    if request.body and request.method in ('POST', 'PUT'):
        ctype = (request.headers.get('Content-Type') or '').split(';')[0].strip().lower()
        if ctype == 'application/json':
            payload = json.loads(request.body.decode('utf-8') or '{}')
            params = {key: _json_value(value) for key, value in payload.items() if value is not None}
        else:
            params = _form_pairs(request.body.decode('utf-8'))
    params.update(request.query)
    return params
