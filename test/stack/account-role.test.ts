/**
 * The account's API Gateway CloudWatch role is one setting per account and region: a reusable
 * construct sets it only through a prop that says so (`apiGatewayAccountRole`, on by default so a
 * first deploy in a fresh account can log).
 */
import { describe, expect, it } from 'vitest';
import { synthBroker } from './support/synth.js';

describe('apiGatewayAccountRole', () => {
  it('sets the account role by default', () => {
    const { template } = synthBroker();
    expect(Object.keys(template.findResources('AWS::ApiGateway::Account'))).toHaveLength(1);
  });

  it('leaves the account-wide setting alone when turned off', () => {
    const { stack, template } = synthBroker({ apiGatewayAccountRole: false });
    expect(template.findResources('AWS::ApiGateway::Account')).toEqual({});
    expect(stack.broker.api.node.tryFindChild('CloudWatchRole')).toBeUndefined();
  });
});
