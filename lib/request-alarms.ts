/**
 * Alarms on the functions' request metrics (EMF, lambda/http/request-metrics.ts). One today:
 * `reserved_key` refusals on the user routes, the sign of someone probing for system secrets.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Duration, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import {
  DIMENSION,
  METRICS_NAMESPACE,
  REQUESTS_METRIC,
  RESERVED_KEY_OUTCOME,
  SERVICE,
} from '../core/metric-names.js';

/** Props of {@link RequestAlarms}. */
export interface RequestAlarmsProps {
  /** Where the alarms go (the stack's alarm topic). */
  readonly topic: sns.ITopic;
  /** Refusals in five minutes above which the reserved-key alarm goes off. */
  readonly reservedKeyThreshold: number;
}

/** The request alarms. */
export class RequestAlarms extends Construct {
  /** More than the threshold of `reserved_key` refusals in five minutes. */
  readonly reservedKey: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RequestAlarmsProps) {
    super(scope, id);
    // The functions write a `service, outcome` dimension set for exactly this: every route at once.
    const refusals = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: REQUESTS_METRIC,
      dimensionsMap: { [DIMENSION.service]: SERVICE.userApi, [DIMENSION.outcome]: RESERVED_KEY_OUTCOME },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
    });
    this.reservedKey = refusals.createAlarm(this, 'ReservedKey', {
      alarmDescription: `More than ${props.reservedKeyThreshold} requests for reserved (system) keys on the user routes in five minutes: someone may be probing for system secrets. The audit lines with outcome reserved_key name the callers.`,
      threshold: props.reservedKeyThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No refusals means no data points: that is the quiet state, not a broken one.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.reservedKey.addAlarmAction(new actions.SnsAction(props.topic));
    // The topic has a policy of its own (EventBridge publishes to it), so CloudWatch needs a grant
    // there too, for this alarm only.
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.reservedKey.alarmArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }
}
