/**
 * zod schemas for each snapshot key: the AWS response shapes as `aws ec2 describe-…` prints them (PascalCase for EC2
 * and Auto Scaling, camelCase for EKS). The SDK's output is the same shape plus `$metadata` and `Date` objects, so
 * objects are not strict (unknown fields such as `$metadata` are dropped) and dates accept both forms. Fields AWS
 * omits when empty are optional here.
 */
import * as z from 'zod/mini';

const str = z.string();
const optStr = z.optional(z.string());
const optNum = z.optional(z.number());
const optBool = z.optional(z.boolean());
/** `Date` from the SDK, ISO string from the CLI; both become an ISO string. */
const optDate = z.optional(
  z.pipe(
    z.union([z.string(), z.date()]),
    z.transform((value: string | Date) => (value instanceof Date ? value.toISOString() : value)),
  ),
);
const list = <T extends z.ZodMiniType>(item: T) => z.optional(z.array(item));
/** `IpProtocol` as a string; a number (`6`) is taken too. */
const protocol = z.pipe(z.union([z.string(), z.number()]), z.transform(String));

/** EC2 `[{Key, Value}]` tags. */
export const Ec2Tags = list(z.object({ Key: str, Value: z.optional(z.string()) }));
/** EKS tags and labels: a plain map. */
const EksMap = z.nullable(z.optional(z.record(z.string(), z.string())));

export const DescribeVpcsSchema = z.object({
  Vpcs: list(
    z.object({
      VpcId: str,
      CidrBlock: optStr,
      OwnerId: optStr,
      CidrBlockAssociationSet: list(
        z.object({ CidrBlock: str, CidrBlockState: z.optional(z.object({ State: optStr })) }),
      ),
      Ipv6CidrBlockAssociationSet: list(
        z.object({ Ipv6CidrBlock: optStr, Ipv6CidrBlockState: z.optional(z.object({ State: optStr })) }),
      ),
      Tags: Ec2Tags,
    }),
  ),
});

export const DescribeSubnetsSchema = z.object({
  Subnets: list(
    z.object({
      SubnetId: str,
      VpcId: str,
      CidrBlock: optStr,
      Ipv6CidrBlockAssociationSet: list(z.object({ Ipv6CidrBlock: optStr })),
      AvailabilityZone: optStr,
      AvailableIpAddressCount: optNum,
      OwnerId: optStr,
      Tags: Ec2Tags,
    }),
  ),
});

const IpPermission = z.object({
  IpProtocol: protocol,
  FromPort: optNum,
  ToPort: optNum,
  IpRanges: list(z.object({ CidrIp: str, Description: optStr })),
  Ipv6Ranges: list(z.object({ CidrIpv6: str, Description: optStr })),
  PrefixListIds: list(z.object({ PrefixListId: str, Description: optStr })),
  UserIdGroupPairs: list(
    z.object({ GroupId: optStr, GroupName: optStr, UserId: optStr, VpcId: optStr, Description: optStr }),
  ),
});
export type IpPermissionShape = z.infer<typeof IpPermission>;

export const DescribeSecurityGroupsSchema = z.object({
  SecurityGroups: list(
    z.object({
      GroupId: str,
      GroupName: str,
      VpcId: optStr,
      Description: optStr,
      OwnerId: optStr,
      IpPermissions: list(IpPermission),
      IpPermissionsEgress: list(IpPermission),
      Tags: Ec2Tags,
    }),
  ),
});

export const DescribeSecurityGroupRulesSchema = z.object({
  SecurityGroupRules: list(
    z.object({
      SecurityGroupRuleId: str,
      GroupId: str,
      GroupOwnerId: optStr,
      IsEgress: z.boolean(),
      IpProtocol: protocol,
      FromPort: optNum,
      ToPort: optNum,
      CidrIpv4: optStr,
      CidrIpv6: optStr,
      PrefixListId: optStr,
      ReferencedGroupInfo: z.optional(z.object({ GroupId: optStr, UserId: optStr, VpcId: optStr })),
      Description: optStr,
      Tags: Ec2Tags,
    }),
  ),
});

export const DescribeNetworkInterfacesSchema = z.object({
  NetworkInterfaces: list(
    z.object({
      NetworkInterfaceId: str,
      SubnetId: optStr,
      VpcId: optStr,
      AvailabilityZone: optStr,
      InterfaceType: optStr,
      Description: optStr,
      RequesterId: optStr,
      RequesterManaged: optBool,
      Status: optStr,
      Groups: list(z.object({ GroupId: optStr, GroupName: optStr })),
      PrivateIpAddress: optStr,
      PrivateIpAddresses: list(z.object({ PrivateIpAddress: optStr, Primary: optBool })),
      Ipv4Prefixes: list(z.object({ Ipv4Prefix: optStr })),
      Ipv6Addresses: list(z.object({ Ipv6Address: optStr })),
      Ipv6Prefixes: list(z.object({ Ipv6Prefix: optStr })),
      Attachment: z.optional(
        z.object({
          InstanceId: optStr,
          DeviceIndex: optNum,
          NetworkCardIndex: optNum,
          Status: optStr,
          AttachTime: optDate,
        }),
      ),
      // DescribeNetworkInterfaces says `TagSet`; accept `Tags` too for hand-written snapshots.
      TagSet: Ec2Tags,
      Tags: Ec2Tags,
    }),
  ),
});

export const DescribeInstancesSchema = z.object({
  Reservations: list(
    z.object({
      Instances: list(
        z.object({
          InstanceId: str,
          InstanceType: str,
          State: z.optional(z.object({ Name: str, Code: optNum })),
          SubnetId: optStr,
          VpcId: optStr,
          LaunchTime: optDate,
          Tags: Ec2Tags,
          SecurityGroups: list(z.object({ GroupId: optStr, GroupName: optStr })),
          NetworkInterfaces: list(
            z.object({
              NetworkInterfaceId: str,
              Attachment: z.optional(z.object({ DeviceIndex: optNum, NetworkCardIndex: optNum })),
              Groups: list(z.object({ GroupId: optStr, GroupName: optStr })),
            }),
          ),
        }),
      ),
    }),
  ),
});

export const DescribeInstanceTypesSchema = z.object({
  InstanceTypes: list(
    z.object({
      InstanceType: str,
      VCpuInfo: z.optional(z.object({ DefaultVCpus: optNum })),
      NetworkInfo: z.optional(
        z.object({
          MaximumNetworkInterfaces: optNum,
          Ipv4AddressesPerInterface: optNum,
          DefaultNetworkCardIndex: optNum,
          NetworkCards: list(z.object({ NetworkCardIndex: z.number(), MaximumNetworkInterfaces: z.number() })),
        }),
      ),
      Hypervisor: optStr,
      BareMetal: optBool,
    }),
  ),
});

const LtGroups = list(z.string());
export const DescribeLaunchTemplateVersionsSchema = z.object({
  LaunchTemplateVersions: list(
    z.object({
      LaunchTemplateId: str,
      LaunchTemplateName: optStr,
      VersionNumber: z.number(),
      DefaultVersion: optBool,
      CreateTime: optDate,
      LaunchTemplateData: z.optional(
        z.object({
          InstanceType: optStr,
          SecurityGroupIds: LtGroups,
          SecurityGroups: LtGroups,
          NetworkInterfaces: list(z.object({ Groups: LtGroups, DeviceIndex: optNum, NetworkCardIndex: optNum })),
          UserData: optStr,
          TagSpecifications: list(z.object({ ResourceType: optStr, Tags: Ec2Tags })),
        }),
      ),
    }),
  ),
});

const AsgLaunchTemplate = z.object({ LaunchTemplateId: optStr, LaunchTemplateName: optStr, Version: optStr });
export const DescribeAutoScalingGroupsSchema = z.object({
  AutoScalingGroups: list(
    z.object({
      AutoScalingGroupName: str,
      MinSize: z.number(),
      MaxSize: z.number(),
      DesiredCapacity: z.number(),
      VPCZoneIdentifier: optStr,
      Instances: list(z.object({ InstanceId: str, InstanceType: optStr })),
      LaunchTemplate: z.optional(AsgLaunchTemplate),
      MixedInstancesPolicy: z.optional(
        z.object({
          LaunchTemplate: z.optional(
            z.object({
              LaunchTemplateSpecification: z.optional(AsgLaunchTemplate),
              Overrides: list(z.object({ InstanceType: optStr })),
            }),
          ),
        }),
      ),
      Tags: list(z.object({ Key: str, Value: optStr })),
    }),
  ),
});

const CidrReservation = z.object({
  SubnetCidrReservationId: optStr,
  SubnetId: str,
  Cidr: str,
  ReservationType: str,
});
export const DescribeSubnetCidrReservationsSchema = z.object({
  SubnetIpv4CidrReservations: list(CidrReservation),
  SubnetIpv6CidrReservations: list(CidrReservation),
});

export const GetManagedPrefixListEntriesSchema = z.array(
  z.object({ PrefixListId: str, Entries: list(z.object({ Cidr: str, Description: optStr })) }),
);

export const DescribeClusterSchema = z.array(
  z.object({
    cluster: z.object({
      name: str,
      arn: optStr,
      version: optStr,
      status: optStr,
      roleArn: optStr,
      resourcesVpcConfig: z.optional(
        z.object({
          vpcId: optStr,
          subnetIds: list(z.string()),
          securityGroupIds: list(z.string()),
          clusterSecurityGroupId: optStr,
        }),
      ),
      computeConfig: z.nullable(z.optional(z.object({ enabled: optBool }))),
      tags: EksMap,
    }),
  }),
);

export const DescribeNodegroupSchema = z.array(
  z.object({
    nodegroup: z.object({
      nodegroupName: str,
      clusterName: str,
      instanceTypes: z.nullable(list(z.string())),
      subnets: list(z.string()),
      capacityType: optStr,
      amiType: optStr,
      scalingConfig: z.optional(z.object({ minSize: optNum, maxSize: optNum, desiredSize: optNum })),
      remoteAccess: z.nullable(z.optional(z.object({ ec2SshKey: optStr, sourceSecurityGroups: list(z.string()) }))),
      launchTemplate: z.nullable(z.optional(z.object({ name: optStr, version: optStr, id: optStr }))),
      resources: z.optional(
        z.object({
          autoScalingGroups: list(z.object({ name: optStr })),
          remoteAccessSecurityGroup: z.nullable(optStr),
        }),
      ),
      labels: EksMap,
      tags: EksMap,
    }),
  }),
);

export const DescribeAddonSchema = z.array(
  z.object({
    addon: z.object({ addonName: str, clusterName: str, addonVersion: optStr, configurationValues: optStr }),
  }),
);
