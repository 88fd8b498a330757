/** API Gateway's own error answers come back in the broker's error shape. */
import { describe, expect, it } from 'vitest';
import type { TemplateJson } from './support/policies.js';
import { synthBroker } from './support/synth.js';

const json = synthBroker().template.toJSON() as TemplateJson;
const responses = Object.values(json.Resources)
  .filter((r) => r.Type === 'AWS::ApiGateway::GatewayResponse')
  .map(
    (r) =>
      r.Properties as {
        ResponseType: string;
        StatusCode?: string;
        ResponseTemplates: Record<string, string>;
      },
  );
const byType = new Map(responses.map((r) => [r.ResponseType, r]));

/** The body API Gateway would send, with its one variable filled in. */
function bodyOf(type: string): { error: string; message: string; requestId: string } {
  const template = byType.get(type)?.ResponseTemplates['application/json'];
  if (template === undefined) throw new Error(`no JSON gateway response for ${type}`);
  return JSON.parse(template.replace('$context.requestId', 'req-1'));
}

describe('gateway responses', () => {
  it.each([
    ['MISSING_AUTHENTICATION_TOKEN', 'access_denied'],
    ['INVALID_SIGNATURE', 'access_denied'],
    ['EXPIRED_TOKEN', 'access_denied'],
    ['ACCESS_DENIED', 'access_denied'],
    ['THROTTLED', 'throttled'],
    ['QUOTA_EXCEEDED', 'throttled'],
    ['REQUEST_TOO_LARGE', 'value_too_large'],
    ['DEFAULT_5XX', 'internal'],
  ])('answers %s with error %s and the request id', (type, code) => {
    expect(bodyOf(type)).toMatchObject({ error: code, requestId: 'req-1' });
  });

  it('keeps API Gateway status codes', () => {
    expect(responses.filter((r) => r.StatusCode !== undefined)).toEqual([]);
  });

  it('echoes nothing from the request', () => {
    const templates = responses.flatMap((r) => Object.values(r.ResponseTemplates));
    expect(templates.filter((t) => /\$input|\$context\.error|\$util/.test(t))).toEqual([]);
  });
});
