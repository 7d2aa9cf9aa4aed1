# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tickets, CSRF prevention tokens and API tokens, checked before any handler runs.

Tickets and CSRF tokens are HMACs over the user and issue time with a key kept in the state, so
they stay valid across restarts of a persisted lab, and expire after two hours like PVE's.
"""

import base64
import hashlib
import hmac
import re
from urllib.parse import unquote

from .errors import ApiError, AuthFailure

TICKET_RE = re.compile(r'^PVE:([^:\s]+):([A-Fa-f0-9]{8})::(\S+)$')
TOKEN_RE = re.compile(r'^(([^!\s@]+@[^!\s]+)!([A-Za-z][A-Za-z0-9.\-_]+))[=\s]+(\S+)$')
TICKET_LIFETIME = 7200
CLOCK_SKEW = 300
OPEN_PATHS = {('POST', '/access/ticket'), ('GET', '/access/ticket'), ('GET', '/access/domains')}
CSRF_FAILED = 'Permission denied - invalid csrf token'


def _sign(key, text):
    digest = hmac.new(key.encode('utf-8'), text.encode('utf-8'), hashlib.sha256).digest()
    return base64.b64encode(digest).decode('ascii').rstrip('=')


def auth_value(header, name):
    """The value of 'name=value' in a Cookie or Authorization header (PVE's extract_auth_value)."""
    if not header:
        return None
    match = re.search(r'(?:^|\s|;)%s=([^;\s]*)' % re.escape(name), header)
    return unquote(match.group(1)) if match else None


class Authenticator:
    """Issues and checks credentials against the users and tokens in the state."""

    def __init__(self, state, clock):
        self.state = state
        self.clock = clock

    def _now(self):
        return int(self.clock())

    def issue_ticket(self, user):
        stamp = '%08X' % self._now()
        plain = 'PVE:%s:%s' % (user, stamp)
        return '%s::%s' % (plain, _sign(self.state.authkey, plain))

    def csrf_token(self, user):
        stamp = '%08X' % self._now()
        return '%s:%s' % (stamp, _sign(self.state.authkey, '%s:%s' % (stamp, user)))

    def _fresh(self, stamp):
        age = self._now() - int(stamp, 16)
        return -CLOCK_SKEW < age < TICKET_LIFETIME

    def verify_ticket(self, ticket):
        """The ticket's user, or None."""
        match = TICKET_RE.match(ticket or '')
        if not match:
            return None
        user, stamp, signature = match.groups()
        expected = _sign(self.state.authkey, 'PVE:%s:%s' % (user, stamp))
        if not hmac.compare_digest(expected, signature) or not self._fresh(stamp):
            return None
        if not self._user_enabled(user):
            return None
        return user

    def verify_csrf(self, user, token):
        stamp, _sep, signature = (token or '').partition(':')
        if not re.match(r'^[A-Fa-f0-9]{8}$', stamp):
            return False
        expected = _sign(self.state.authkey, '%s:%s' % (stamp, user))
        return hmac.compare_digest(expected, signature) and self._fresh(stamp)

    def _user_enabled(self, user):
        entry = self.state.users.get(user)
        return entry is not None and str(entry.get('enable', 1)) != '0'

    def verify_token(self, value):
        match = TOKEN_RE.match(value or '')
        if not match:
            return None
        token_id, user, _name, secret = match.groups()
        token = self.state.tokens.get(token_id)
        if token is None or not self._user_enabled(user):
            return None
        if not hmac.compare_digest(str(token.get('secret', '')), secret):
            return None
        expire = int(token.get('expire', 0) or 0)
        if expire and expire < self._now():
            return None
        return token_id

    def check(self, request, method, rel_path):
        """Return (userid, via_token); raise AuthFailure like PVE's auth_handler."""
        if (method, rel_path) in OPEN_PATHS:
            return None, False
        ticket = auth_value(request.headers.get('Cookie'), 'PVEAuthCookie')
        authorization = request.headers.get('Authorization')
        if not ticket:
            ticket = auth_value(authorization, 'PVEAuthCookie')
        if not ticket:
            token_value = auth_value(authorization, 'PVEAPIToken')
            if token_value is None and authorization and authorization.startswith('PVEAPIToken='):
                token_value = authorization[len('PVEAPIToken='):]
            if token_value is not None:
                token_id = self.verify_token(token_value)
                if token_id is None:
                    raise AuthFailure('Authentication failed!')
                return token_id, True
            raise AuthFailure('No ticket')
        user = self.verify_ticket(ticket)
        if user is None:
            raise AuthFailure('Authentication failed!')
        if method != 'GET' and not self.verify_csrf(user, request.headers.get('CSRFPreventionToken')):
            raise AuthFailure(CSRF_FAILED)
        return user, False

    def login(self, params):
        """POST /access/ticket: password (or a still valid ticket) for username[@realm]."""
        user = params.get('username') or ''
        if '@' not in user and params.get('realm'):
            user = '%s@%s' % (user, params['realm'])
        password = params.get('password') or ''
        entry = self.state.users.get(user)
        valid = entry is not None and self._user_enabled(user) and (
            hmac.compare_digest(str(entry.get('password', '')), password) or self.verify_ticket(password) == user)
        if not valid:
            raise ApiError('authentication failure', status=401)
        return {'username': user, 'ticket': self.issue_ticket(user), 'CSRFPreventionToken': self.csrf_token(user),
                'clustername': self.state.cluster_name,
                'cap': {'vms': {'VM.Audit': 1, 'VM.Config.Network': 1, 'VM.Allocate': 1},
                        'nodes': {'Sys.Audit': 1, 'Sys.Modify': 1}, 'sdn': {'SDN.Allocate': 1, 'SDN.Audit': 1},
                        'dc': {'Sys.Audit': 1, 'SDN.Allocate': 1}, 'access': {}, 'storage': {}}}
