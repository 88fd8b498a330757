/**
 * The CLI's global settings (docs/cli.md): `--version`, the local broker found through BROKER_PORT
 * (what `npm start` listens on) without exporting a URL, connection errors that name the endpoint
 * and the settings that change it, and `--region` as the one region option (`--aws-region` a
 * hidden, deprecated alias of it for `migrate`).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../../cli/errors.js';
import { run } from '../../cli/program.js';
import { freePort } from '../support/endpoints.js';
import { fakeIo, type SeenRequest, stubFetch } from './support.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

const VERSION = (
  (await import('../../package.json', { with: { type: 'json' } })) as { default: { version: string } }
).default.version;

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    // Prepare
    const { io, stdout } = fakeIo();
    // Act
    const code = await run([flag], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(stdout.text).toBe(`${VERSION}\n`);
  });
});

describe('--version among the other options', () => {
  it("leaves get's own --version <id> to get (a program --version would take it anywhere on the line)", async () => {
    // Prepare
    const seen = stubFetch(() =>
      Response.json({ key: 'K', value: 'v', version: 'id-1', updatedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const { io, stdout } = fakeIo();
    // Act
    const code = await run(['secret', 'get', 'K', '--version', 'id-1'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(seen.map((r) => r.url.pathname)).toEqual(['/v1/secrets/K/versions/id-1']);
    expect(stdout.text).toBe('v');
  });

  it('lists -V, --version in the help of the program only', async () => {
    // Prepare
    const root = fakeIo();
    const get = fakeIo();
    // Act
    await run(['--help'], root.io);
    await run(['secret', 'get', '--help'], get.io);
    // Assess
    expect(root.stdout.text).toContain('-V, --version');
    expect(get.stdout.text).not.toContain('-V, --version');
    expect(get.stdout.text).toContain('--version <id>');
  });
});

describe('which endpoint', () => {
  const listed = () => Response.json({ keys: [] });

  it.each([
    ['BROKER_PORT alone', { BROKER_PORT: '18850' }, [], 'http://127.0.0.1:18850'],
    [
      'THV_BROKER_ENDPOINT over BROKER_PORT',
      { BROKER_PORT: '18850', THV_BROKER_ENDPOINT: 'http://127.0.0.1:18851' },
      [],
      'http://127.0.0.1:18851',
    ],
    [
      '--endpoint over both',
      { BROKER_PORT: '18850', THV_BROKER_ENDPOINT: 'http://127.0.0.1:18851' },
      ['--endpoint', 'http://127.0.0.1:18852'],
      'http://127.0.0.1:18852',
    ],
    ['the default when none is set', {}, [], 'http://127.0.0.1:8787'],
    ['the default for an empty BROKER_PORT', { BROKER_PORT: '' }, [], 'http://127.0.0.1:8787'],
  ])('calls %s', async (_what, env: Record<string, string>, flags, origin) => {
    // Prepare
    const seen: SeenRequest[] = stubFetch(listed);
    const { io } = fakeIo({ env });
    // Act
    const code = await run([...flags, 'secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.ok);
    expect(seen.map((r) => r.url.origin)).toEqual([origin]);
  });

  it.each([['x'], ['0'], ['70000'], ['8787 ']])(
    'refuses BROKER_PORT=%j as a usage error, sending nothing',
    async (port) => {
      // Prepare
      const seen = stubFetch(listed);
      const { io, stderr } = fakeIo({ env: { BROKER_PORT: port } });
      // Act
      const code = await run(['secret', 'list'], io);
      // Assess
      expect(code).toBe(EXIT.usage);
      expect(stderr.text).toContain('BROKER_PORT must be a port number');
      expect(seen).toEqual([]);
    },
  );
});

describe('a broker that cannot be reached', () => {
  it.each([
    ['BROKER_PORT', (port: number) => ({ env: { BROKER_PORT: String(port) }, flags: [] })],
    [
      'THV_BROKER_ENDPOINT',
      (port: number) => ({ env: { THV_BROKER_ENDPOINT: `http://127.0.0.1:${port}` }, flags: [] }),
    ],
    ['--endpoint', (port: number) => ({ env: {}, flags: ['--endpoint', `http://127.0.0.1:${port}`] })],
  ])(
    'names the URL tried, the refusal and the settings that change it (URL from %s)',
    async (source, setup) => {
      // Prepare: a loopback port nothing listens on (free a moment ago)
      const port = await freePort();
      const { env, flags } = setup(port);
      const { io, stderr } = fakeIo({ env });
      // Act
      const code = await run([...flags, 'secret', 'list'], io);
      // Assess
      expect(code).toBe(EXIT.failed);
      expect(stderr.text).toBe(
        `thv-broker: cannot reach the broker at http://127.0.0.1:${port} (connection refused): start it with \`npm start\`, or set THV_BROKER_ENDPOINT / --endpoint (or BROKER_PORT for the local broker's port) (this URL is from ${source})\n`,
      );
    },
  );

  it('says so when the default URL was used because nothing was set', async () => {
    // Prepare
    stubFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    });
    const { io, stderr } = fakeIo({ env: {} });
    // Act
    const code = await run(['secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.failed);
    expect(stderr.text).toContain('cannot reach the broker at http://127.0.0.1:8787 (connection refused)');
    expect(stderr.text).toContain(
      'this URL is the default; THV_BROKER_ENDPOINT, BROKER_PORT and --endpoint were unset',
    );
  });

  it('gives the same message as JSON with --json', async () => {
    // Prepare
    const port = await freePort();
    const { io, stderr } = fakeIo({ env: { BROKER_PORT: String(port) } });
    // Act
    const code = await run(['--json', 'secret', 'list'], io);
    // Assess
    expect(code).toBe(EXIT.failed);
    const line = JSON.parse(stderr.text) as { error: string; message: string };
    expect(line.error).toBe('transport');
    expect(line.message).toContain(`http://127.0.0.1:${port} (connection refused)`);
  });
});

describe('one region option', () => {
  /** A stand-in Lambda endpoint that records each request's SigV4 credential scope. */
  async function lambdaStandIn() {
    const scopes: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      scopes.push(
        /Credential=[^/]+\/\d+\/([^/]+)\/lambda\//.exec(req.headers.authorization ?? '')?.[1] ?? 'none',
      );
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"stand-in"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    vi.stubEnv('AWS_ENDPOINT_URL_LAMBDA', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret-key');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    return { scopes, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('migrate takes the global --region for the stack', async () => {
    // Prepare
    const lambda = await lambdaStandIn();
    const { io } = fakeIo({ env: { AWS_REGION: 'us-east-1' } });
    // Act
    await run(['migrate', 'plan', '--function', 'f', '--region', 'eu-west-3'], io);
    await lambda.close();
    // Assess
    expect(lambda.scopes[0]).toBe('eu-west-3');
  });

  it('still takes --aws-region, hidden from help, with a deprecation note', async () => {
    // Prepare
    const lambda = await lambdaStandIn();
    const { io, stderr } = fakeIo({ env: { AWS_REGION: 'us-east-1' } });
    const help = fakeIo();
    // Act
    await run(['migrate', 'plan', '--function', 'f', '--aws-region', 'eu-west-3'], io);
    await run(['migrate', 'plan', '--help'], help.io);
    await lambda.close();
    // Assess
    expect(lambda.scopes[0]).toBe('eu-west-3');
    expect(stderr.text).toContain('--aws-region is deprecated: pass --region instead');
    expect(help.stdout.text).not.toContain('--aws-region');
    expect(help.stdout.text).toContain('--region <region>');
  });

  it('refuses --aws-region and --region that disagree', async () => {
    // Prepare
    const { io, stderr } = fakeIo();
    // Act
    const code = await run(
      ['migrate', 'plan', '--function', 'f', '--region', 'eu-west-1', '--aws-region', 'eu-west-3'],
      io,
    );
    // Assess
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain('disagree');
  });
});
