/**
 * Tamper detection: an EventBridge rule on CloudTrail's Secrets Manager events that touch
 * `<root>__thv_*` secrets (any spelling), made by anyone but the broker's own roles, sent to an
 * SNS topic platform teams subscribe to.
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { RESERVED_PREFIX } from '../core/index.js';
import { acknowledge } from './nag.js';
import { secretArn } from './policies.js';

/** Props of a {@link TamperDetection}. */
export interface TamperDetectionProps {
  /** Name root of the broker's secrets. */
  readonly root: string;
  /** ARNs of the roles whose Secrets Manager calls on system secrets are expected. */
  readonly brokerRoleArns: readonly string[];
}

/** The detection rule and its alarm topic. */
export class TamperDetection extends Construct {
  /** The topic that receives every matching CloudTrail event. */
  readonly topic: sns.Topic;
  /** The EventBridge rule. */
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: TamperDetectionProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'thv secret broker: system secret touched outside the broker',
      enforceSSL: true,
    });
    acknowledge(
      this.topic,
      'AwsSolutions-SNS2',
      'The topic carries CloudTrail event metadata only (Secrets Manager never logs secret values), and EventBridge cannot publish to a topic under the AWS managed SNS key.',
    );

    const systemName = `${props.root}${RESERVED_PREFIX}`;
    // Secrets Manager accepts a name or an ARN as secretId; matched without case, as the broker does.
    const anyId = events.Match.anyOf(
      events.Match.prefixEqualsIgnoreCase(systemName),
      events.Match.prefixEqualsIgnoreCase(secretArn(this, systemName)),
    );
    this.rule = new events.Rule(this, 'Rule', {
      description: `Secrets Manager calls on ${systemName}* secrets by principals other than the broker roles`,
      eventPattern: {
        source: ['aws.secretsmanager'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          requestParameters: {
            // CreateSecret names the secret; every other call on one secret passes secretId (so do
            // the per-secret GetSecretValue entries BatchGetSecretValue writes); a batch by id lists
            // them in secretIdList (an array field matches when any element does).
            $or: [
              { name: events.Match.prefixEqualsIgnoreCase(systemName) },
              { secretId: anyId },
              { secretIdList: anyId },
            ],
          },
          // A broker role shows up as an assumed-role session whose issuer is the role; anything
          // else (another role, an IAM user, root) alerts.
          $or: [
            // Secrets Manager's own work (e.g. ending a scheduled deletion) shows up as AWSService.
            { userIdentity: { type: events.Match.anythingBut('AssumedRole', 'AWSService') } },
            {
              userIdentity: {
                sessionContext: { sessionIssuer: { arn: events.Match.anythingBut(...props.brokerRoleArns) } },
              },
            },
          ],
        },
      },
      targets: [new targets.SnsTopic(this.topic)],
    });
    // `ENABLED` leaves out read-only management events (Get*, Describe*, List*): a read of a system
    // secret would raise nothing. The L2 Rule has no such state, so it is set on the resource.
    (this.rule.node.defaultChild as events.CfnRule).state = RULE_STATE;
  }
}

/** Rule state that also delivers CloudTrail's read-only management events. */
const RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
