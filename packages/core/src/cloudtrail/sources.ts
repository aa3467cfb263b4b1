/** CloudTrail event sources podnet-guard reads, as EventBridge `source` maps them. */
export const EVENT_SOURCES = {
  'ec2.amazonaws.com': 'aws.ec2',
  'eks.amazonaws.com': 'aws.eks',
} as const;
export type EventSource = keyof typeof EVENT_SOURCES;
