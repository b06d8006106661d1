"""Property: equivalent spellings of a rule are one rule, and a revoke in any spelling removes it."""

import ipaddress

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import M, REGION, describe, egress, make_client

PORTED = st.sampled_from(['tcp', 'udp'])


@st.composite
def rules(draw):
    protocol = draw(st.one_of(PORTED, st.sampled_from(['icmp', 'gre', 'all'])))
    if protocol in ('tcp', 'udp'):
        low = draw(st.integers(1, 65535))
        ports = '%d/%d' % (low, draw(st.integers(low, 65535)))
    else:
        ports = '-1/-1'
    if draw(st.booleans()) or protocol == 'icmp':
        address = ipaddress.IPv4Address(draw(st.integers(0, 2 ** 32 - 1)))
        prefix = draw(st.integers(0, 32))
        dest = {'dest_cidr_ip': '%s/%d' % (address, prefix)}
        plain = {'dest_cidr_ip': str(address)} if prefix == 32 else dest
    else:
        address = ipaddress.IPv6Address(draw(st.integers(0, 2 ** 128 - 1)))
        prefix = draw(st.integers(0, 128))
        dest = {'ipv_6dest_cidr_ip': '%s/%d' % (address.compressed, prefix)}
        plain = {'ipv_6dest_cidr_ip': '%s/%d' % (address.exploded, prefix)}
    fields = {'ip_protocol': protocol, 'port_range': ports, 'policy': draw(st.sampled_from(['accept', 'drop'])),
              'priority': str(draw(st.integers(1, 100)))}
    return fields, dest, plain


def respell(fields):
    return dict(fields, ip_protocol=fields['ip_protocol'].upper(), policy=fields['policy'].upper(),
                priority='%03d' % int(fields['priority']))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=rules())
def test_equivalent_spellings_are_one_rule(emu, rule):
    fields, dest, plain = rule
    client = make_client(emu.endpoint)
    client.authorize_security_group_egress(egress(**fields, **dest))
    client.authorize_security_group_egress(egress(**respell(fields), **plain))
    described = describe(client, 'sg-demo-app', direction='egress')
    assert len(described) == 1
    assert described[0]['IpProtocol'] == fields['ip_protocol'].upper()
    assert described[0]['Policy'] == fields['policy'].capitalize()
    client.revoke_security_group_egress(M.RevokeSecurityGroupEgressRequest(
        region_id=REGION, security_group_id='sg-demo-app', **respell(fields), **plain))
    assert emu.egress_rules('sg-demo-app') == []
