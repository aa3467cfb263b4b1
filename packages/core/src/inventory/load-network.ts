/** VPCs, subnets, their CIDR reservations, and network interfaces. */

import { unique } from '../collections.ts';
import type { NetworkInterface, Subnet, SubnetCidrReservation, Vpc } from '../types/inventory.ts';
import { defined, type LoadContext, parseKey, type Raw, tagsOf } from './snapshot-parse.ts';
import {
  DescribeNetworkInterfacesSchema,
  DescribeSubnetCidrReservationsSchema,
  DescribeSubnetsSchema,
  DescribeVpcsSchema,
} from './snapshot-schemas.ts';

export function loadVpcs(raw: Raw, ctx: LoadContext): Vpc[] {
  const data = parseKey('DescribeVpcs', DescribeVpcsSchema, raw.DescribeVpcs, ctx);
  return (data.Vpcs ?? []).map((vpc) => ({
    id: vpc.VpcId,
    cidrs: unique(
      defined([
        vpc.CidrBlock,
        ...(vpc.CidrBlockAssociationSet ?? [])
          .filter((assoc) => !/^disassociat/.test(assoc.CidrBlockState?.State ?? ''))
          .map((assoc) => assoc.CidrBlock),
      ]),
    ),
    ipv6Cidrs: unique(
      defined(
        (vpc.Ipv6CidrBlockAssociationSet ?? [])
          .filter((assoc) => !/^disassociat/.test(assoc.Ipv6CidrBlockState?.State ?? ''))
          .map((assoc) => assoc.Ipv6CidrBlock),
      ),
    ),
    tags: tagsOf(vpc.Tags),
  }));
}

export function loadSubnets(raw: Raw, ctx: LoadContext): Subnet[] {
  const data = parseKey('DescribeSubnets', DescribeSubnetsSchema, raw.DescribeSubnets, ctx);
  return (data.Subnets ?? []).map((subnet) => ({
    id: subnet.SubnetId,
    vpcId: subnet.VpcId,
    // IPv6-only subnets have no IPv4 block.
    cidr: subnet.CidrBlock ?? '',
    ipv6Cidrs: defined((subnet.Ipv6CidrBlockAssociationSet ?? []).map((assoc) => assoc.Ipv6CidrBlock)),
    ...(subnet.AvailabilityZone === undefined ? {} : { availabilityZone: subnet.AvailabilityZone }),
    availableIpAddressCount: subnet.AvailableIpAddressCount ?? 0,
    tags: tagsOf(subnet.Tags),
  }));
}

export function loadNetworkInterfaces(raw: Raw, ctx: LoadContext): NetworkInterface[] {
  const data = parseKey(
    'DescribeNetworkInterfaces',
    DescribeNetworkInterfacesSchema,
    raw.DescribeNetworkInterfaces,
    ctx,
  );
  return (data.NetworkInterfaces ?? []).map((eni) => {
    const privateIps = defined((eni.PrivateIpAddresses ?? []).map((ip) => ip.PrivateIpAddress));
    const primary = eni.PrivateIpAddress ?? (eni.PrivateIpAddresses ?? []).find((ip) => ip.Primary)?.PrivateIpAddress;
    if (primary !== undefined && !privateIps.includes(primary)) privateIps.unshift(primary);
    const attachment = eni.Attachment;
    return {
      id: eni.NetworkInterfaceId,
      ...(eni.SubnetId === undefined ? {} : { subnetId: eni.SubnetId }),
      ...(eni.VpcId === undefined ? {} : { vpcId: eni.VpcId }),
      interfaceType: eni.InterfaceType ?? 'interface',
      description: eni.Description ?? '',
      ...(eni.RequesterId === undefined ? {} : { requesterId: eni.RequesterId }),
      requesterManaged: eni.RequesterManaged ?? false,
      ...(eni.Status === undefined ? {} : { status: eni.Status }),
      groupIds: defined((eni.Groups ?? []).map((group) => group.GroupId)),
      privateIps,
      ...(primary === undefined ? {} : { primaryPrivateIp: primary }),
      ipv4Prefixes: defined((eni.Ipv4Prefixes ?? []).map((prefix) => prefix.Ipv4Prefix)),
      ipv6Addresses: defined((eni.Ipv6Addresses ?? []).map((address) => address.Ipv6Address)),
      ipv6Prefixes: defined((eni.Ipv6Prefixes ?? []).map((prefix) => prefix.Ipv6Prefix)),
      ...(attachment === undefined
        ? {}
        : {
            attachment: {
              ...(attachment.InstanceId === undefined ? {} : { instanceId: attachment.InstanceId }),
              ...(attachment.DeviceIndex === undefined ? {} : { deviceIndex: attachment.DeviceIndex }),
              ...(attachment.NetworkCardIndex === undefined ? {} : { networkCardIndex: attachment.NetworkCardIndex }),
              ...(attachment.Status === undefined ? {} : { status: attachment.Status }),
            },
          }),
      tags: { ...tagsOf(eni.Tags), ...tagsOf(eni.TagSet) },
    };
  });
}

export function loadSubnetCidrReservations(raw: Raw, ctx: LoadContext): SubnetCidrReservation[] {
  const data = parseKey(
    'DescribeSubnetCidrReservations',
    DescribeSubnetCidrReservationsSchema,
    raw.DescribeSubnetCidrReservations,
    ctx,
  );
  return [...(data.SubnetIpv4CidrReservations ?? []), ...(data.SubnetIpv6CidrReservations ?? [])].map(
    (reservation) => ({
      subnetId: reservation.SubnetId,
      cidr: reservation.Cidr,
      reservationType: reservation.ReservationType,
    }),
  );
}
