# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PAN-OS response envelopes.

Shapes (XMLAPI-FACTS.md section 4): ``<response status="success|error" code="N">`` with a
``<result>`` and/or a message as ``<msg>text</msg>``, ``<msg><line>..</line></msg>`` or
``<result><msg>text</msg></result>``. API errors travel with HTTP 200; pan-python turns any
HTTP error status into a transport error and never reads the body.
"""

from xml.sax.saxutils import escape, quoteattr

from labcore.server import Response

CONTENT_TYPE = 'application/xml; charset=utf-8'


def xml(body, status=200, reason=None):
    return Response(status, body, content_type=CONTENT_TYPE, reason=reason)


def envelope(status, code=None, inner='', attrs=''):
    code_attr = '' if code is None else ' code="%s"' % code
    return '<response status="%s"%s%s>%s</response>' % (status, code_attr, attrs, inner)


def lines(*texts):
    return '<msg>%s</msg>' % ''.join('<line>%s</line>' % escape(text) for text in texts)


def msg(text):
    return '<msg>%s</msg>' % escape(text)


def success(code=None, inner=''):
    return xml(envelope('success', code, inner))


def result(inner, code=None, attrs=''):
    return xml(envelope('success', code, '<result%s>%s</result>' % (attrs, inner)))


def error(code, *texts):
    """An error with ``<msg><line>`` lines, as config and op errors come."""
    return xml(envelope('error', code, lines(*texts)))


def result_error(code, text, status=200):
    """An error with ``<result><msg>``, as authentication and parameter errors come."""
    reason = 'Forbidden' if status == 403 else None
    return xml(envelope('error', code, '<result>%s</result>' % msg(text)), status=status, reason=reason)


def command_succeeded():
    return success(20, msg('command succeeded'))


def element(tag, text=None, **attrs):
    attributes = ''.join(' %s=%s' % (name.replace('_', '-'), quoteattr(str(value))) for name, value in attrs.items())
    if text is None:
        return '<%s%s/>' % (tag, attributes)
    return '<%s%s>%s</%s>' % (tag, attributes, escape(str(text)), tag)


def fields(pairs):
    """``<k>v</k>`` for each (k, v); None values give empty elements."""
    return ''.join(element(key, value) for key, value in pairs)
