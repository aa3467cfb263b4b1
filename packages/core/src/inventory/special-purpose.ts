/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (iana-ipv4-special-registry, iana-ipv6-special-registry),
 * as data: which blocks are not globally reachable. A CIDR is public unless every address of it lies in a block the
 * registry marks "Globally Reachable: False"; a more specific block marked True (192.0.0.9/32 inside 192.0.0.0/24,
 * 2001:3::/32 inside 2001::/23) is public again. Blocks marked N/A (Teredo, 6to4) decide nothing.
 */

/** One registry entry. `globallyReachable` is undefined where the registry says N/A. */
export interface SpecialPurposeBlock {
  cidr: string;
  name: string;
  rfc: string;
  globallyReachable: boolean | undefined;
}

const block = (cidr: string, name: string, rfc: string, globallyReachable: boolean | undefined) => ({
  cidr,
  name,
  rfc,
  globallyReachable,
});

export const IPV4_SPECIAL_PURPOSE: readonly SpecialPurposeBlock[] = [
  block('0.0.0.0/8', '"This network"', 'RFC 791', false),
  block('0.0.0.0/32', '"This host on this network"', 'RFC 1122', false),
  block('10.0.0.0/8', 'Private-Use', 'RFC 1918', false),
  block('100.64.0.0/10', 'Shared Address Space', 'RFC 6598', false),
  block('127.0.0.0/8', 'Loopback', 'RFC 1122', false),
  block('169.254.0.0/16', 'Link Local', 'RFC 3927', false),
  block('172.16.0.0/12', 'Private-Use', 'RFC 1918', false),
  block('192.0.0.0/24', 'IETF Protocol Assignments', 'RFC 6890', false),
  block('192.0.0.0/29', 'IPv4 Service Continuity Prefix', 'RFC 7335', false),
  block('192.0.0.8/32', 'IPv4 dummy address', 'RFC 7600', false),
  block('192.0.0.9/32', 'Port Control Protocol Anycast', 'RFC 7723', true),
  block('192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', true),
  block('192.0.0.170/32', 'NAT64/DNS64 Discovery', 'RFC 8880', false),
  block('192.0.0.171/32', 'NAT64/DNS64 Discovery', 'RFC 8880', false),
  block('192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC 5737', false),
  block('192.31.196.0/24', 'AS112-v4', 'RFC 7535', true),
  block('192.52.193.0/24', 'AMT', 'RFC 7450', true),
  block('192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'RFC 7526', false),
  block('192.88.99.2/32', '6a44-relay anycast address', 'RFC 6751', true),
  block('192.168.0.0/16', 'Private-Use', 'RFC 1918', false),
  block('192.175.48.0/24', 'Direct Delegation AS112 Service', 'RFC 7534', true),
  block('198.18.0.0/15', 'Benchmarking', 'RFC 2544', false),
  block('198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC 5737', false),
  block('203.0.113.0/24', 'Documentation (TEST-NET-3)', 'RFC 5737', false),
  block('240.0.0.0/4', 'Reserved', 'RFC 1112', false),
  block('255.255.255.255/32', 'Limited Broadcast', 'RFC 919', false),
];

export const IPV6_SPECIAL_PURPOSE: readonly SpecialPurposeBlock[] = [
  block('::1/128', 'Loopback Address', 'RFC 4291', false),
  block('::/128', 'Unspecified Address', 'RFC 4291', false),
  block('::ffff:0:0/96', 'IPv4-mapped Address', 'RFC 4291', false),
  block('64:ff9b::/96', 'IPv4-IPv6 Translat.', 'RFC 6052', true),
  block('64:ff9b:1::/48', 'IPv4-IPv6 Translat.', 'RFC 8215', false),
  block('100::/64', 'Discard-Only Address Block', 'RFC 6666', false),
  block('100:0:0:1::/64', 'Dummy IPv6 Prefix', 'RFC 9780', false),
  block('2001::/23', 'IETF Protocol Assignments', 'RFC 2928', false),
  block('2001::/32', 'TEREDO', 'RFC 4380', undefined),
  block('2001:1::1/128', 'Port Control Protocol Anycast', 'RFC 7723', true),
  block('2001:1::2/128', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', true),
  block('2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast Address', 'RFC 9665', true),
  block('2001:2::/48', 'Benchmarking', 'RFC 5180', false),
  block('2001:3::/32', 'AMT', 'RFC 7450', true),
  block('2001:4:112::/48', 'AS112-v6', 'RFC 7535', true),
  block('2001:10::/28', 'Deprecated (previously ORCHID)', 'RFC 4843', false),
  block('2001:20::/28', 'ORCHIDv2', 'RFC 7343', true),
  block('2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', 'RFC 9374', true),
  block('2001:db8::/32', 'Documentation', 'RFC 3849', false),
  block('2002::/16', '6to4', 'RFC 3056', undefined),
  block('2620:4f:8000::/48', 'Direct Delegation AS112 Service', 'RFC 7534', true),
  block('3fff::/20', 'Documentation', 'RFC 9637', false),
  block('5f00::/16', 'Segment Routing (SRv6) SIDs', 'RFC 9602', false),
  block('fc00::/7', 'Unique-Local', 'RFC 4193', false),
  block('fe80::/10', 'Link-Local Unicast', 'RFC 4291', false),
];
