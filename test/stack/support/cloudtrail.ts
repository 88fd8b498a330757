/**
 * CloudTrail management events as EventBridge delivers them ("AWS API Call via CloudTrail"), in the
 * shape the CloudTrail user guide documents (userIdentity record contents, Secrets Manager log
 * entries): the envelope, and a detail with userIdentity, eventSource, eventName,
 * requestParameters and readOnly. Values are placeholders; no secret value ever appears in these.
 */
import { ACCOUNT, REGION } from './synth.js';

/** Who made a call. */
export type Caller =
  | { readonly kind: 'role'; readonly roleArn: string }
  | { readonly kind: 'iam-user'; readonly userName: string }
  | { readonly kind: 'root' };

/** One API call on Secrets Manager. */
export interface Call {
  /** API operation. */
  readonly eventName: string;
  /** Its request parameters, as CloudTrail records them. */
  readonly requestParameters: Record<string, unknown>;
  /** Whether CloudTrail marks it read-only (Get*, Describe*, List*, BatchGet*). */
  readonly readOnly: boolean;
}

function userIdentity(caller: Caller): Record<string, unknown> {
  switch (caller.kind) {
    case 'role': {
      const name = caller.roleArn.slice(caller.roleArn.lastIndexOf('/') + 1);
      return {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEID:session-1',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/session-1`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIAEXAMPLEKEY',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLEID',
            arn: caller.roleArn,
            accountId: ACCOUNT,
            userName: name,
          },
          webIdFederationData: {},
          attributes: { creationDate: '2026-12-02T10:00:00Z', mfaAuthenticated: 'false' },
        },
      };
    }
    case 'iam-user':
      return {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEID',
        arn: `arn:aws:iam::${ACCOUNT}:user/${caller.userName}`,
        accountId: ACCOUNT,
        accessKeyId: 'AKIAEXAMPLEKEY',
        userName: caller.userName,
      };
    case 'root':
      return {
        type: 'Root',
        principalId: ACCOUNT,
        arn: `arn:aws:iam::${ACCOUNT}:root`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIAEXAMPLEKEY',
      };
  }
}

/** The event EventBridge receives for `call` made by `caller`. */
export function cloudTrailEvent(caller: Caller, call: Call): Record<string, unknown> {
  return {
    version: '0',
    id: '6f6a8f1c-0000-4000-8000-000000000000',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.secretsmanager',
    account: ACCOUNT,
    time: '2026-12-02T10:00:00Z',
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: userIdentity(caller),
      eventTime: '2026-12-02T10:00:00Z',
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: call.eventName,
      awsRegion: REGION,
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-sdk-js/3',
      requestParameters: call.requestParameters,
      responseElements: null,
      requestID: '0f0e0d0c-0000-4000-8000-000000000000',
      eventID: '1a1b1c1d-0000-4000-8000-000000000000',
      readOnly: call.readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  };
}

/**
 * The events one BatchGetSecretValue writes: its own entry (secretIdList, or filters) and, per
 * secret it returns, a GetSecretValue entry naming that secret by ARN (the API reference:
 * "Secrets Manager generates CloudTrail GetSecretValue log entries for each secret you request").
 */
export function batchGetCalls(
  selection: { readonly secretIdList: readonly string[] } | { readonly filters: readonly object[] },
  returnedArns: readonly string[],
): Call[] {
  return [
    { eventName: 'BatchGetSecretValue', requestParameters: { ...selection }, readOnly: true },
    ...returnedArns.map((arn) => ({
      eventName: 'GetSecretValue',
      requestParameters: { secretId: arn },
      readOnly: true,
    })),
  ];
}
