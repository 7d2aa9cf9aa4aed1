# Copyright (c) 2026 zonewarden.firewall contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A throw-away CA and a loopback server certificate, made at start."""

import datetime
import ipaddress
import os
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'zonewarden lab'),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def make_certificates(common_name):
    """Return (ca_pem, cert_pem, key_pem) for a server on 127.0.0.1 / localhost / ::1."""
    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=30)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (x509.CertificateBuilder().subject_name(_name(common_name + ' CA')).issuer_name(_name(common_name + ' CA'))
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.SubjectAlternativeName([x509.DNSName('localhost'),
                                       x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
                                       x509.IPAddress(ipaddress.ip_address('::1'))])
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (ca_cert.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.PEM), _pem_key(key))


def server_context(common_name, ca_file):
    """Make certificates, write the CA to ``ca_file`` and return a server SSLContext."""
    ca_pem, cert_pem, key_pem = make_certificates(common_name)
    ca_dir = os.path.dirname(os.path.abspath(ca_file))
    os.makedirs(ca_dir, exist_ok=True)
    tmp = ca_file + '.tmp'
    with open(tmp, 'wb') as handle:
        handle.write(ca_pem)
    os.replace(tmp, ca_file)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # load_cert_chain wants files; keep the key out of the CA's folder and remove it at once.
    with tempfile.TemporaryDirectory(prefix='zw-lab-tls-') as tmpdir:
        chain, keyfile = os.path.join(tmpdir, 'cert.pem'), os.path.join(tmpdir, 'key.pem')
        with open(chain, 'wb') as handle:
            handle.write(cert_pem + ca_pem)
        with open(keyfile, 'wb') as handle:
            handle.write(key_pem)
        context.load_cert_chain(chain, keyfile)
    return context
