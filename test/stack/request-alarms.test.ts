/** The reserved-key alarm, pinned on the synthesized template: metric, dimensions, period, threshold, action. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stackFromContext } from '../../app/context.js';
import { METRICS_NAMESPACE } from '../../core/metric-names.js';
import { DEFAULT_RESERVED_KEY_ALARM_THRESHOLD } from '../../lib/props.js';
import { logicalId, synthBroker } from './support/synth.js';

function alarmOf(props: Parameters<typeof synthBroker>[0] = {}) {
  const { stack, template } = synthBroker(props);
  const alarms = template.findResources('AWS::CloudWatch::Alarm', {
    Properties: { Dimensions: Match.arrayWith([{ Name: 'outcome', Value: 'reserved_key' }]) },
  });
  return {
    stack,
    template,
    alarms: Object.values(alarms).map((a) => a.Properties as Record<string, unknown>),
  };
}

describe('reserved-key alarm', () => {
  it('sums reserved_key refusals of the user function over five minutes, missing data not breaching', () => {
    // Act
    const { alarms } = alarmOf();
    // Assess
    expect(alarms).toEqual([
      expect.objectContaining({
        Namespace: METRICS_NAMESPACE,
        MetricName: 'Requests',
        Dimensions: [
          { Name: 'outcome', Value: 'reserved_key' },
          { Name: 'service', Value: 'user-api' },
        ],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: DEFAULT_RESERVED_KEY_ALARM_THRESHOLD,
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it('takes its threshold from reservedKeyAlarmThreshold', () => {
    // Act
    const { alarms } = alarmOf({ reservedKeyAlarmThreshold: 3 });
    // Assess
    expect(alarms.map((a) => a.Threshold)).toEqual([3]);
  });

  it("goes to the stack's alarm topic, which lets CloudWatch publish for this alarm only", () => {
    // Act
    const { stack, template, alarms } = alarmOf();
    // Assess
    const topic = logicalId(stack.broker.alarmTopic);
    expect(alarms.map((a) => a.AlarmActions)).toEqual([[{ Ref: topic }]]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({
              ArnEquals: {
                'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.broker.reservedKeyAlarm), 'Arn'] },
              },
            }),
          }),
        ]),
      },
    });
  });

  it('reads the threshold from -c reservedKeyAlarmThreshold', () => {
    // Act
    const { alarms } = alarmOf(stackFromContext({ reservedKeyAlarmThreshold: '0' }).props);
    // Assess
    expect(alarms.map((a) => a.Threshold)).toEqual([0]);
  });

  it.each([-1, 1.5])('refuses reservedKeyAlarmThreshold %s with the fix', (threshold) => {
    // Act + Assess
    expect(() => synthBroker({ reservedKeyAlarmThreshold: threshold })).toThrow(
      /^Broker: invalid SecretBrokerStack props:\n- reservedKeyAlarmThreshold: must be a whole number of refusals \(0 or more\)/,
    );
  });
});
