"""The STS listener's certificate: a private CA and a server certificate for the loopback names.

Made at every start next to the state file, with the `cryptography` package when it can be imported
and with the `openssl` command otherwise. Both are imported or run only here, and only when STS is
enabled, so the rest of the emulator needs nothing beyond the standard library and PyYAML.
"""

import ipaddress
import os
import shutil
import ssl
import subprocess
import tempfile

VALID_DAYS = 30
LOOPBACK_NAMES = ('localhost',)
LOOPBACK_ADDRESSES = ('127.0.0.1', '::1')
CA_NAME = 'ecs-emulator STS CA'


class TlsUnavailable(RuntimeError):
    """Neither the cryptography package nor a working openssl command could make the certificate."""


def certificate_paths(state_path):
    """(CA certificate, server certificate, server key) files of the emulator whose state is `state_path`."""
    return state_path + '.sts-ca.pem', state_path + '.sts-cert.pem', state_path + '.sts-key.pem'


def _addresses(host):
    addresses = list(LOOPBACK_ADDRESSES)
    try:
        if str(ipaddress.ip_address(host)) not in addresses:
            addresses.append(str(ipaddress.ip_address(host)))
    except ValueError:
        pass
    return addresses


def _write(path, data, private=False):
    """Write atomically; private files are readable by the owner only."""
    temporary = path + '.tmp'
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(descriptor, 'wb') as handle:
        handle.write(data)
    os.replace(temporary, path)


def _with_cryptography(addresses):
    """(CA PEM, server certificate PEM, server key PEM); ImportError without the package."""
    # pylint: disable=import-outside-toplevel
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=VALID_DAYS)

    def usage(**flags):
        names = ('digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment', 'key_agreement',
                 'key_cert_sign', 'crl_sign', 'encipher_only', 'decipher_only')
        return x509.KeyUsage(**{name: flags.get(name, False) for name in names})

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    ca = (x509.CertificateBuilder().subject_name(ca_subject).issuer_name(ca_subject).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName(name) for name in LOOPBACK_NAMES] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')]))
            .issuer_name(ca_subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(digital_signature=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return (ca.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def _with_openssl(addresses, openssl='openssl'):
    """The same files made by the openssl command (1.1.1 or later, for -addext); TlsUnavailable on failure."""
    if shutil.which(openssl) is None:
        raise TlsUnavailable('no openssl command on PATH')
    work = tempfile.mkdtemp(prefix='ecs-emulator-tls-')
    try:
        def run(*args):
            result = subprocess.run([openssl] + list(args), cwd=work, capture_output=True, timeout=60, check=False,
                                    stdin=subprocess.DEVNULL)
            if result.returncode != 0:
                raise TlsUnavailable('openssl %s failed: %s' % (args[0], result.stderr.decode('utf-8', 'replace').strip()))

        curve = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes')
        run('req', '-x509', *curve, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', str(VALID_DAYS), '-subj', '/CN=' + CA_NAME,
            '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:0', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
        run('req', '-new', *curve, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
        alt = ','.join(['DNS:%s' % n for n in LOOPBACK_NAMES] + ['IP:%s' % a for a in addresses])
        with open(os.path.join(work, 'server.ext'), 'w', encoding='ascii') as handle:
            handle.write('basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n'
                         'extendedKeyUsage=serverAuth\nsubjectAltName=%s\n' % alt)
        run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial',
            str(int.from_bytes(os.urandom(8), 'big')), '-days', str(VALID_DAYS), '-sha256', '-extfile', 'server.ext',
            '-out', 'server.pem')
        contents = []
        for name in ('ca.pem', 'server.pem', 'server.key'):
            with open(os.path.join(work, name), 'rb') as handle:
                contents.append(handle.read())
        return tuple(contents)
    except (OSError, subprocess.SubprocessError) as exc:
        raise TlsUnavailable('openssl failed: %s' % exc) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def make_certificate(state_path, host='127.0.0.1', method=None):
    """Write a fresh CA and server certificate beside the state file; returns {ca_file, cert_file, key_file, method}.

    `method` forces 'cryptography' or 'openssl'; by default cryptography is tried first.
    """
    if method not in (None, 'cryptography', 'openssl'):
        raise ValueError('method must be None, "cryptography" or "openssl"')
    addresses = _addresses(host)
    pems = None
    used = method
    if method in (None, 'cryptography'):
        try:
            pems, used = _with_cryptography(addresses), 'cryptography'
        except ImportError as exc:
            if method == 'cryptography':
                raise TlsUnavailable('the cryptography package cannot be imported') from exc
    if pems is None:
        pems, used = _with_openssl(addresses), 'openssl'
    ca_file, cert_file, key_file = certificate_paths(state_path)
    _write(key_file, pems[2], private=True)
    _write(cert_file, pems[1])
    _write(ca_file, pems[0])
    return {'ca_file': os.path.abspath(ca_file), 'cert_file': os.path.abspath(cert_file),
            'key_file': os.path.abspath(key_file), 'method': used}


def server_context(cert_file, key_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context
