/**
 * The local API Gateway: an HTTP server on loopback that turns each request into the REST API
 * proxy event API Gateway would send, and invokes the handler the stack would route it to: user
 * routes to the user function, `/v1/scopes/<scope>/...` to that scope's function (one handler per
 * scope, configured with `BROKER_SERVED_SCOPES=<scope>` as the stack configures it). It also serves
 * the OpenAPI document at `GET /v1/openapi.json`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ENV, loadConfig } from '../../core/config.js';
import { matchRoute, SCOPE_ROUTES, USER_ROUTES } from '../../core/http/routes.js';
import { migrationCheckFor, storeFor } from '../../lambda/handlers/deps.js';
import {
  type ApiErrorCode,
  createScopeApiHandler,
  createUserApiHandler,
  ERROR_STATUS,
  type LogSink,
  openApiText,
  type ProxyHandler,
  stdoutSink,
  writeAudit,
} from '../../lambda/http/index.js';
import { DEFAULT_REGION, LOCAL_ACCOUNT } from '../aws/arn.js';
import { LOCAL_MIGRATION_FLAG_PARAMETER } from '../env.js';
import {
  answerMalformedRequests,
  assertLoopbackListenHost,
  crossSiteProblem,
  isLoopbackHostHeader,
  type Listening,
  listen,
  readBody,
  requestTargetProblem,
} from '../loopback.js';
import { type LocalRequest, toProxyEvent } from './proxy-event.js';
import { type SigV4Settings, sigV4SettingsFromEnv } from './sigv4-settings.js';
import { MISSING_AUTHENTICATION_TOKEN, type SigV4ErrorType, verifySigV4 } from './sigv4-verifier.js';

/** API Gateway's own payload limit; bigger requests never reach a function. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** Caller the local gateway attributes every request to. */
const LOCAL_CALLER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:user/local-developer`;

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = '/v1/openapi.json';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** SDK clients pointed at the secret store's endpoint. */
  readonly clients: { readonly secretsManager: SecretsManagerClient; readonly ssm: SSMClient };
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Loopback address to listen on; anything else is refused.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The functions' environment (`BROKER_*` variables, as the stack sets them).
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the functions' audit lines go.
   * @default stdout
   */
  readonly log?: LogSink;
  /**
   * Caller ARN put in each event's request context.
   * @default LOCAL_CALLER_ARN
   */
  readonly callerArn?: string;
  /**
   * Region SigV4 signatures must be scoped to (the local AWS endpoint's).
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * SigV4 policy: the credential signatures are verified with, and whether unsigned requests are
   * refused. A signed request is always verified; a bad signature is a 403 and reaches no function.
   * @default read from `env` (BROKER_LOCAL_ACCESS_KEY_ID, BROKER_LOCAL_SECRET_ACCESS_KEY, BROKER_REQUIRE_SIGV4)
   */
  readonly sigv4?: SigV4Settings;
  /**
   * What one function runs with besides the shared `clients` and `env`, by target (`user` or a
   * scope): its own SDK clients (signed with its role's key, so the AWS endpoint authorizes its calls
   * as that role's) and the variables the stack sets for it (its key, its policy principals).
   * @default every function shares `clients` and `env`
   */
  readonly functions?: (target: string) => FunctionSetup | undefined;
}

/** One function's own clients and environment (see {@link ApiServerOptions.functions}). */
export interface FunctionSetup {
  /** SDK clients signed with the function role's key. */
  readonly clients?: ApiServerOptions['clients'];
  /** Variables set for this function only; they win over the shared environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running local API: its URL and port, and `close` to stop it. */
export type ApiServer = Listening;

/** Where the local gateway sends a request: which function, and the resource that matched. */
export interface GatewayRoute {
  /** `user`, or the scope whose function serves it. */
  readonly target: string;
  /** Resource template, as API Gateway names it in the event. */
  readonly resource: string;
  /** Raw values of the resource's parameters, or null. */
  readonly pathParameters: Readonly<Record<string, string>> | null;
}

/**
 * The resource a raw path matches in the stack's API, from the handlers' own route table (as
 * lib/broker-api.ts builds the API from it): the user routes as they are, and per scope the scope
 * routes with a literal scope segment (API Gateway picks the function by resource, so each scope
 * has its own resources). Anything else goes to the user function as `/{proxy+}`, which answers
 * 404 or 405 in JSON where API Gateway itself would answer 403 "Missing Authentication Token".
 */
export function gatewayRoute(rawPath: string, scopes: readonly string[]): GatewayRoute {
  const segments = rawPath.split('/').slice(1);
  const user = matchRoute(segments, '', USER_ROUTES);
  if (user !== undefined) return gatewayMatch('user', user.template.path, user.rawParams);
  const scope = segments[0] === 'v1' && segments[1] === 'scopes' ? segments[2] : undefined;
  if (scope !== undefined && scopes.includes(scope)) {
    const literal = SCOPE_ROUTES.map((r) => ({ ...r, path: r.path.replace('{scope}', scope) }));
    const match = matchRoute(segments, '', literal);
    if (match !== undefined) return gatewayMatch(scope, match.template.path, match.rawParams);
  }
  return { target: 'user', resource: '/{proxy+}', pathParameters: { proxy: rawPath.slice(1) } };
}

function gatewayMatch(
  target: string,
  resource: string,
  params: Readonly<Record<string, string>>,
): GatewayRoute {
  return { target, resource, pathParameters: Object.keys(params).length === 0 ? null : { ...params } };
}

/** Starts the local API on loopback. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  assertLoopbackListenHost(host);
  const env = options.env ?? process.env;
  const log = options.log ?? stdoutSink;
  const callerArn = options.callerArn ?? LOCAL_CALLER_ARN;
  const region = options.region ?? DEFAULT_REGION;
  const sigv4 = options.sigv4 ?? sigV4SettingsFromEnv(env);
  const handlers = buildHandlers(env, options.clients, log, options.functions ?? (() => undefined));
  const scopes = [...handlers.keys()].filter((k) => k !== 'user');
  const openapi = openApiText();

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      // Only a bug in this server gets here; answer as API Gateway does when an integration fails.
      log(JSON.stringify({ level: 'ERROR', message: 'local gateway failure', error: String(error) }));
      if (!res.headersSent)
        reply(
          res,
          { statusCode: 502, body: JSON.stringify({ message: 'Internal server error' }) },
          randomUUID(),
        );
    });
  });

  answerMalformedRequests(server, (message) => ({ error: 'invalid_body', message, requestId: randomUUID() }));

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    /** Refuses a request no function sees, writing its audit line in the functions' format. */
    const refuse = (error: ApiErrorCode, message: string): void => {
      const status = ERROR_STATUS[error];
      writeAudit(log, {
        service: 'local-gateway',
        requestId,
        caller: callerArn,
        sourceIp,
        method,
        route: null,
        status,
        outcome: error,
        latencyMs: Date.now() - started,
      });
      reply(res, { statusCode: status, body: JSON.stringify({ error, message, requestId }) }, requestId);
    };
    if (!isLoopbackHostHeader(req.headers.host)) {
      refuse('access_denied', 'the Host header must name a loopback address (127.0.0.1, localhost or [::1])');
      return;
    }
    const crossSite = crossSiteProblem(method, req.headers.origin);
    if (crossSite !== undefined) {
      refuse('access_denied', crossSite);
      return;
    }
    const targetProblem = requestTargetProblem(req.url);
    if (targetProblem !== undefined) {
      refuse('invalid_body', targetProblem);
      return;
    }
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const rawQuery = q < 0 ? '' : target.slice(q + 1);
    if (method === 'GET' && rawPath === OPENAPI_PATH) {
      reply(res, { statusCode: 200, body: openapi }, requestId);
      return;
    }
    const body = await readBody(req, MAX_REQUEST_BYTES);
    if (body === undefined) {
      refuse('value_too_large', `the request is larger than ${MAX_REQUEST_BYTES} bytes`);
      return;
    }
    const auth = await verifySigV4(
      { method, rawPath, rawQuery, rawHeaders: req.rawHeaders, body },
      { region, credentials: [sigv4.credential], now: new Date() },
    );
    if (auth.kind === 'refused' || (auth.kind === 'unsigned' && sigv4.requireSigned)) {
      const [errorType, message]: [SigV4ErrorType, string] =
        auth.kind === 'refused'
          ? [auth.errorType, auth.message]
          : ['MissingAuthenticationTokenException', MISSING_AUTHENTICATION_TOKEN];
      writeAudit(log, {
        service: 'local-gateway',
        requestId,
        caller: null,
        sourceIp,
        method,
        route: null,
        status: 403,
        outcome: 'access_denied',
        latencyMs: Date.now() - started,
      });
      // API Gateway's own shape for its authentication failures, not the functions' error shape.
      reply(
        res,
        {
          statusCode: 403,
          headers: { 'x-amzn-errortype': errorType },
          body: JSON.stringify({ message }),
        },
        requestId,
      );
      return;
    }
    const route = gatewayRoute(rawPath, scopes);
    const request: LocalRequest = { method, rawPath, rawQuery, rawHeaders: req.rawHeaders, body, sourceIp };
    const event = toProxyEvent(request, {
      resource: route.resource,
      pathParameters: route.pathParameters,
      requestId,
      callerArn: auth.kind === 'verified' ? auth.credential.callerArn : callerArn,
      accessKey: auth.kind === 'verified' ? auth.credential.accessKeyId : null,
      stage: 'local',
      domainName: req.headers.host ?? host,
    });
    const handler = handlers.get(route.target) as ProxyHandler;
    reply(res, await handler(event, { awsRequestId: randomUUID() }), requestId);
  }

  return listen(server, host, options.port ?? 0);
}

/** The stand-in role ARN of a scope's function on this machine. */
export function localScopeRoleArn(scope: string): string {
  return `arn:aws:iam::${LOCAL_ACCOUNT}:role/thv-broker-local-${scope}`;
}

/** One user handler and one handler per scope, each with the environment its function would get. */
function buildHandlers(
  givenEnv: Readonly<Record<string, string | undefined>>,
  sharedClients: ApiServerOptions['clients'],
  log: LogSink,
  functions: (target: string) => FunctionSetup | undefined,
): Map<string, ProxyHandler> {
  // As the stack does, every function knows the migration's flag parameter (one of its own locally).
  const env = {
    ...givenEnv,
    [ENV.migrationFlagParameter]: givenEnv[ENV.migrationFlagParameter] || LOCAL_MIGRATION_FLAG_PARAMETER,
  };
  const user = functions('user');
  const userClients = user?.clients ?? sharedClients;
  const userConfig = loadConfig({ ...env, ...user?.env, [ENV.servedScopes]: '' });
  const userMigrated = migrationCheckFor(userConfig, () => userClients.ssm);
  const handlers = new Map<string, ProxyHandler>([
    [
      'user',
      createUserApiHandler({
        config: userConfig,
        store: storeFor(userConfig, userClients.secretsManager),
        log,
        ...(userMigrated === undefined ? {} : { isMigrated: userMigrated }),
      }),
    ],
  ]);
  for (const scope of userConfig.scopes) {
    const own = functions(scope);
    const clients = own?.clients ?? sharedClients;
    // As the stack does, each scope function names its own role in its system secrets' policy.
    const config = loadConfig({
      [ENV.systemPolicyPrincipals]: localScopeRoleArn(scope),
      ...env,
      ...own?.env,
      [ENV.servedScopes]: scope,
    });
    const isMigrated = migrationCheckFor(config, () => clients.ssm);
    handlers.set(
      scope,
      createScopeApiHandler({
        config,
        store: storeFor(config, clients.secretsManager),
        log,
        ...(isMigrated === undefined ? {} : { isMigrated }),
      }),
    );
  }
  return handlers;
}

function reply(res: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name.toLowerCase()] = values.map(String);
  headers['x-amzn-requestid'] = requestId;
  const body = result.isBase64Encoded
    ? Buffer.from(result.body, 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  if (result.statusCode !== 204 && result.statusCode !== 304) headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode, headers);
  res.end(result.statusCode === 204 ? undefined : body);
}
