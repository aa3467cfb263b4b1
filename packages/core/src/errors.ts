/**
 * Typed errors of the podnet-guard domain. Every error a caller may act on has its own class that carries the context
 * the caller needs; nothing in core throws a bare `Error`.
 */
export class PodnetGuardError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found while validating input, with where it was found. */
export interface InputIssue {
  path: string;
  message: string;
}

/** A CloudTrail event that is malformed for its event name. */
export class EventParseError extends PodnetGuardError {
  readonly eventName: string | undefined;
  readonly eventId: string | undefined;
  readonly issues: InputIssue[];
  constructor(
    message: string,
    context: { eventName?: string | undefined; eventId?: string | undefined; issues?: InputIssue[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.eventName = context.eventName;
    this.eventId = context.eventId;
    this.issues = context.issues ?? [];
  }
}

/** A well-formed CloudTrail event that no detector reads (wrong source or event name). */
export class UnsupportedEventError extends PodnetGuardError {
  readonly eventSource: string | undefined;
  readonly eventName: string | undefined;
  readonly eventId: string | undefined;
  constructor(context: {
    eventSource?: string | undefined;
    eventName?: string | undefined;
    eventId?: string | undefined;
    /** Why, when the event name is read but this change is not (`an attribute other than groupSet was changed`). */
    why?: string | undefined;
  }) {
    super(
      `unsupported CloudTrail event ${context.eventSource ?? '?'}:${context.eventName ?? '?'}${context.why ? ` (${context.why})` : ''}`,
    );
    this.eventSource = context.eventSource;
    this.eventName = context.eventName;
    this.eventId = context.eventId;
  }
}

/** An instance type that neither the limits table nor DescribeInstanceTypes knows. */
export class UnknownInstanceTypeError extends PodnetGuardError {
  readonly instanceType: string;
  constructor(instanceType: string) {
    super(`unknown instance type ${JSON.stringify(instanceType)}`);
    this.instanceType = instanceType;
  }
}

/** A snapshot file (or live answer assembled like one) that does not have the AWS response shapes. */
export class SnapshotFormatError extends PodnetGuardError {
  readonly path: string | undefined;
  readonly key: string | undefined;
  readonly issues: InputIssue[];
  constructor(
    message: string,
    context: { path?: string; key?: string; issues?: InputIssue[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.path = context.path;
    this.key = context.key;
    this.issues = context.issues ?? [];
  }
}

/** A configuration file or value that is not valid. */
export class ConfigError extends PodnetGuardError {
  readonly issues: InputIssue[];
  constructor(message: string, issues: InputIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.issues = issues;
  }
}
