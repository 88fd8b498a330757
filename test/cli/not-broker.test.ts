/**
 * A wrong `--endpoint`: whatever answers there that is not a thv-secret-broker (a web server's HTML,
 * another service's JSON, a bare success) ends the CLI with its own exit code and a message that
 * says to check the endpoint, and never shows what it answered.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/errors.js';
import { run } from '../../cli/program.js';
import { fakeIo } from './support.js';

/** What the stranger answers: status, content type and body, by request path. */
let answer: (path: string) => {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
};
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const { status, type, body, headers } = answer(req.url ?? '/');
    res.writeHead(status, { ...headers, 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const PAGE = '<!doctype html><html><body>It works! stranger-page-marker</body></html>';

async function cli(argv: string[], input = 'a-secret-value') {
  const { io, stdout, stderr } = fakeIo({ input });
  const code = await run(['--endpoint', endpoint, ...argv], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('an endpoint that is not a broker', () => {
  it.each([
    ['an HTML page with 200', 200, 'text/html', PAGE],
    ['an HTML 404 page', 404, 'text/html; charset=utf-8', PAGE],
    ['an HTML 500 page', 500, 'text/html', PAGE],
    ['another JSON shape with 200', 200, 'application/json', '{"status":"ok","stranger-page-marker":1}'],
    ['a JSON error of another shape', 400, 'application/json', '{"detail":"stranger-page-marker"}'],
    [
      'a JSON message without API Gateway headers',
      403,
      'application/json',
      '{"message":"stranger-page-marker"}',
    ],
    ['an empty 200', 200, 'text/plain', ''],
  ])('exits 5 on %s, naming --endpoint and not the body', async (_name, status, type, body) => {
    // Prepare
    answer = () => ({ status, type, body });
    // Act
    const result = await cli(['secret', 'list']);
    // Assess
    expect(result.code).toBe(EXIT.notBroker);
    expect(result.stderr).toContain(`the answer from ${endpoint} (HTTP ${status}`);
    expect(result.stderr).toContain('is not a thv-secret-broker');
    expect(result.stderr).toContain('--endpoint');
    expect(result.stderr).not.toContain('stranger-page-marker');
  });

  it.each([
    ['get', ['secret', 'get', 'K']],
    ['set', ['secret', 'set', 'K']],
    ['delete', ['secret', 'delete', 'K']],
    ['scope list', ['scope', 'workloads', 'list']],
    ['cleanup', ['scope', 'workloads', 'cleanup', '--yes']],
  ])('does not take a 200 page for a done %s', async (_name, argv) => {
    // Prepare
    answer = () => ({ status: 200, type: 'text/html', body: PAGE });
    // Act
    const result = await cli(argv);
    // Assess
    expect(result.code).toBe(EXIT.notBroker);
    expect(result.stdout).toBe('');
  });

  it('exits 5 when pointed at the local AWS endpoint instead of the API', async () => {
    // Prepare: what the embedded Secrets Manager endpoint answers a GET with
    answer = () => ({
      status: 400,
      type: 'application/x-amz-json-1.1',
      body: '{"__type":"UnknownOperationException","message":"The requested operation is not recognized by this endpoint."}',
      headers: { 'x-amzn-requestid': 'r-1', 'x-amzn-errortype': 'UnknownOperationException' },
    });
    // Act
    const result = await cli(['secret', 'list']);
    // Assess
    expect(result.code).toBe(EXIT.notBroker);
  });

  it('names the error not_broker for scripts', async () => {
    // Prepare
    answer = () => ({ status: 200, type: 'text/html', body: PAGE });
    // Act
    const result = await cli(['--json', 'secret', 'list']);
    // Assess
    expect(JSON.parse(result.stderr.trim())).toEqual({ error: 'not_broker', message: expect.any(String) });
  });

  it('lists exit code 5 in the help', async () => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    await run(['--help'], io);
    // Assess
    expect(stdout.text).toMatch(/^ {2}5 {2}not a broker: /m);
  });
});
