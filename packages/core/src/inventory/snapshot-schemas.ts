/**
 * zod schemas for each snapshot key: the AWS response shapes as `aws ec2 describe-…` prints them (PascalCase for EC2
 * and Auto Scaling, camelCase for EKS). The SDK's output is the same shape plus `$metadata` and `Date` objects, so
 * objects are not strict (unknown fields such as `$metadata` are dropped) and dates accept both forms. Fields AWS
 * omits when empty are optional here.
 */
import { z } from 'zod';

const str = z.string();
const optStr = z.string().optional();
const optNum = z.number().optional();
const optBool = z.boolean().optional();
/** `Date` from the SDK, ISO string from the CLI; both become an ISO string. */
const optDate = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString() : value))
  .optional();
const list = <T extends z.ZodType>(item: T) => z.array(item).optional();

/** EC2 `[{Key, Value}]` tags. */
export const Ec2Tags = list(z.object({ Key: str, Value: z.string().optional() }));
/** EKS tags and labels: a plain map. */
const EksMap = z.record(z.string(), z.string()).optional().nullable();

export const DescribeVpcsSchema = z.object({
  Vpcs: list(
    z.object({
      VpcId: str,
      CidrBlock: optStr,
      OwnerId: optStr,
      CidrBlockAssociationSet: list(
        z.object({ CidrBlock: str, CidrBlockState: z.object({ State: optStr }).optional() }),
      ),
      Ipv6CidrBlockAssociationSet: list(
        z.object({ Ipv6CidrBlock: optStr, Ipv6CidrBlockState: z.object({ State: optStr }).optional() }),
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
  IpProtocol: z.union([z.string(), z.number()]).transform(String),
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
      IpProtocol: z.union([z.string(), z.number()]).transform(String),
      FromPort: optNum,
      ToPort: optNum,
      CidrIpv4: optStr,
      CidrIpv6: optStr,
      PrefixListId: optStr,
      ReferencedGroupInfo: z.object({ GroupId: optStr, UserId: optStr, VpcId: optStr }).optional(),
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
      Attachment: z
        .object({
          InstanceId: optStr,
          DeviceIndex: optNum,
          NetworkCardIndex: optNum,
          Status: optStr,
          AttachTime: optDate,
        })
        .optional(),
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
          State: z.object({ Name: str, Code: optNum }).optional(),
          SubnetId: optStr,
          VpcId: optStr,
          LaunchTime: optDate,
          Tags: Ec2Tags,
          SecurityGroups: list(z.object({ GroupId: optStr, GroupName: optStr })),
          NetworkInterfaces: list(
            z.object({
              NetworkInterfaceId: str,
              Attachment: z.object({ DeviceIndex: optNum, NetworkCardIndex: optNum }).optional(),
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
      VCpuInfo: z.object({ DefaultVCpus: optNum }).optional(),
      NetworkInfo: z
        .object({
          MaximumNetworkInterfaces: optNum,
          Ipv4AddressesPerInterface: optNum,
          DefaultNetworkCardIndex: optNum,
          NetworkCards: list(z.object({ NetworkCardIndex: z.number(), MaximumNetworkInterfaces: z.number() })),
        })
        .optional(),
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
      LaunchTemplateData: z
        .object({
          InstanceType: optStr,
          SecurityGroupIds: LtGroups,
          SecurityGroups: LtGroups,
          NetworkInterfaces: list(z.object({ Groups: LtGroups, DeviceIndex: optNum, NetworkCardIndex: optNum })),
          UserData: optStr,
          TagSpecifications: list(z.object({ ResourceType: optStr, Tags: Ec2Tags })),
        })
        .optional(),
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
      LaunchTemplate: AsgLaunchTemplate.optional(),
      MixedInstancesPolicy: z
        .object({
          LaunchTemplate: z
            .object({
              LaunchTemplateSpecification: AsgLaunchTemplate.optional(),
              Overrides: list(z.object({ InstanceType: optStr })),
            })
            .optional(),
        })
        .optional(),
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
      resourcesVpcConfig: z
        .object({
          vpcId: optStr,
          subnetIds: list(z.string()),
          securityGroupIds: list(z.string()),
          clusterSecurityGroupId: optStr,
        })
        .optional(),
      computeConfig: z.object({ enabled: optBool }).optional().nullable(),
      tags: EksMap,
    }),
  }),
);

export const DescribeNodegroupSchema = z.array(
  z.object({
    nodegroup: z.object({
      nodegroupName: str,
      clusterName: str,
      instanceTypes: list(z.string()).nullable(),
      subnets: list(z.string()),
      capacityType: optStr,
      amiType: optStr,
      scalingConfig: z.object({ minSize: optNum, maxSize: optNum, desiredSize: optNum }).optional(),
      remoteAccess: z
        .object({ ec2SshKey: optStr, sourceSecurityGroups: list(z.string()) })
        .optional()
        .nullable(),
      launchTemplate: z.object({ name: optStr, version: optStr, id: optStr }).optional().nullable(),
      resources: z
        .object({
          autoScalingGroups: list(z.object({ name: optStr })),
          remoteAccessSecurityGroup: optStr.nullable(),
        })
        .optional(),
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
