/** Parsing --endpoint and choosing the region to sign for. */
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseEndpoint, regionFromUrl, resolveRegion } from '../../cli/endpoint.js';
import { UsageError } from '../../cli/errors.js';

describe('parseEndpoint', () => {
  it.each([
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787', true],
    ['http://127.0.0.1:8787/', 'http://127.0.0.1:8787', true],
    ['http://localhost:9000', 'http://localhost:9000', true],
    ['http://[::1]:8787', 'http://[::1]:8787', true],
    [
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      false,
    ],
    [
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/',
      'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
      false,
    ],
    ['https://secrets.example.com', 'https://secrets.example.com', false],
  ])('accepts %s as base URL %s (loopback: %s)', (text, baseUrl, loopback) => {
    // Act
    const endpoint = parseEndpoint(text);
    // Assess
    expect({ baseUrl: endpoint.baseUrl, loopback: endpoint.loopback }).toEqual({ baseUrl, loopback });
  });

  it.each([
    ['not a url', 'not a URL'],
    ['ftp://127.0.0.1', 'http:// or https://'],
    ['http://secrets.example.com', 'use https://'],
    ['http://10.0.0.5:8787', 'use https://'],
    ['https://secrets.example.com/?x=1', 'query'],
    ['https://user:pw@secrets.example.com', 'user info'],
  ])('refuses %s with a usage error that names the fix', (text, hint) => {
    // Act / Assess
    expect(() => parseEndpoint(text)).toThrow(UsageError);
    expect(() => parseEndpoint(text)).toThrow(hint);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['127.0.0.1.example.com', false],
    ['localhost.example.com', false],
    ['10.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('regionFromUrl', () => {
  it.each([
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'eu-west-1'],
    ['https://abc123.execute-api.us-gov-west-1.amazonaws.com/prod', 'us-gov-west-1'],
    ['https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod', 'cn-north-1'],
    ['https://ABC123.EXECUTE-API.AP-SOUTHEAST-2.AMAZONAWS.COM/prod', 'ap-southeast-2'],
    ['https://secrets.example.com/prod', undefined],
    ['https://abc123.execute-api.eu-west-1.amazonaws.com.evil.example/prod', undefined],
    ['http://127.0.0.1:8787', undefined],
  ])('%s → %s', (url, expected) => {
    expect(regionFromUrl(new URL(url))).toBe(expected);
  });
});

describe('resolveRegion', () => {
  const deployed = parseEndpoint('https://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  const custom = parseEndpoint('https://secrets.example.com');

  it('prefers --region over everything', () => {
    expect(resolveRegion(deployed, 'us-east-2', { AWS_REGION: 'ap-south-1' })).toBe('us-east-2');
  });

  it('prefers the region in the URL over AWS_REGION, since the API lives there', () => {
    expect(resolveRegion(deployed, undefined, { AWS_REGION: 'ap-south-1' })).toBe('eu-west-1');
  });

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION, for a custom domain', () => {
    expect(
      resolveRegion(custom, undefined, { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' }),
    ).toBe('ap-south-1');
    expect(resolveRegion(custom, undefined, { AWS_DEFAULT_REGION: 'sa-east-1' })).toBe('sa-east-1');
  });

  it('refuses a custom domain with no region anywhere, naming --region', () => {
    expect(() => resolveRegion(custom, undefined, {})).toThrow(/--region/);
  });
});
