/** Builders of API Gateway proxy results: JSON bodies, never cached (they may hold secret values). */
import type { APIGatewayProxyResult } from 'aws-lambda';

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', ...COMMON_HEADERS } as const;

/** A JSON response; each gets headers of its own (a copy of one constant when none are added). */
export function json(
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: headers === undefined ? { ...JSON_HEADERS } : { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** A 204 with no body. */
export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...COMMON_HEADERS }, body: '' };
}
