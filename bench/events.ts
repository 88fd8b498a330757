/**
 * API Gateway proxy events for the in-process benchmarks, built by the local server's own
 * converter (local/gateway/proxy-event.ts), so a bench handler sees what a deployed one would.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toProxyEvent } from '../local/gateway/proxy-event.js';

/** A JSON request by a bench caller to `resource` (a template such as `/v1/secrets/{key}`). */
export function benchEvent(
  method: string,
  path: string,
  resource: string,
  params: Record<string, string> | null = null,
  body = '',
): APIGatewayProxyEvent {
  return toProxyEvent(
    {
      method,
      rawPath: path,
      rawQuery: '',
      rawHeaders: ['Host', '127.0.0.1', 'Content-Type', 'application/json'],
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    },
    {
      resource,
      pathParameters: params,
      requestId: randomUUID(),
      callerArn: 'arn:aws:iam::000000000000:user/bench',
      stage: 'bench',
      domainName: '127.0.0.1',
    },
  );
}
