/**
 * The broker's REST API (docs/design.md §4): IAM authorization on every method, access logs, throttling,
 * user routes to the user function and each scope's literal routes to that scope's function. The
 * routes are the handlers' own route table (`core/http/routes.ts`).
 */
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { type RouteTemplate, SCOPE_ROUTES, USER_ROUTES } from '../core/http/routes.js';
import type { ApiErrorCode } from '../core/http/schemas.js';
import { acknowledge } from './nag.js';

/** Props of a {@link BrokerApi}. */
export interface BrokerApiProps {
  /** Function serving `/v1/secrets...` and answering unknown scopes. */
  readonly userFunction: lambda.IFunction;
  /** The function of each scope, by scope name. */
  readonly scopeFunctions: ReadonlyMap<string, lambda.IFunction>;
  /** Stage rate limit (requests per second). */
  readonly rateLimit: number;
  /** Stage burst limit. */
  readonly burstLimit: number;
  /** Retention of the access log group. */
  readonly logRetention: logs.RetentionDays;
  /** Whether to set the account's API Gateway CloudWatch role (an account-wide setting). */
  readonly accountRole: boolean;
}

/** The HTTP methods API Gateway's ANY stands for. */
export const INVOKE_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/** Name of the only stage. */
const STAGE_NAME = 'prod';

/** Parent path of the scope routes; a `{scope}` below it that no scope claims is the unknown-scope catch-all. */
const SCOPES_PATH = '/v1/scopes';

/** The scope routes' path parameter, which the stack replaces by each scope's literal name. */
const SCOPE_PARAM = '{scope}';

/** A route template's path, with the scope filled in when one is given. */
const pathOf = (route: RouteTemplate, scope: string | undefined): string =>
  scope === undefined ? route.path : route.path.replace(SCOPE_PARAM, scope);

// Invoke-grant paths of `routes`: every other path parameter matches any key (`*`). A path that
// another one already covers is left out (IAM's `*` spans `/`, so `/v1/secrets/*` covers
// `/v1/secrets/*/restore`), which keeps the caller's policy small as routes are added.
function invokePaths(routes: readonly RouteTemplate[], scope?: string): string[] {
  const paths = [...new Set(routes.map((route) => pathOf(route, scope).replace(/\{[^}]+\}/g, '*')))];
  const covers = (wide: string, path: string) =>
    wide !== path && wide.endsWith('/*') && path.startsWith(wide.slice(0, -1));
  return paths.filter((path) => !paths.some((wide) => covers(wide, path)));
}

/** Method paths of the user routes, for `execute-api:Invoke` grants. */
export const USER_ROUTE_PATHS: readonly string[] = invokePaths(USER_ROUTES);

/** Method paths of one scope's routes, for `execute-api:Invoke` grants. */
export function scopeRoutePaths(scope: string): string[] {
  return invokePaths(SCOPE_ROUTES, scope);
}

/** API Gateway's own error answers, as the API's error codes. */
const GATEWAY_ERRORS: readonly [apigw.ResponseType, ApiErrorCode, string][] = [
  [
    apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    'access_denied',
    'the request is not signed with AWS SigV4, or no such route exists',
  ],
  [apigw.ResponseType.INVALID_SIGNATURE, 'access_denied', 'the SigV4 signature does not match the request'],
  [apigw.ResponseType.EXPIRED_TOKEN, 'access_denied', 'the AWS credentials have expired'],
  [apigw.ResponseType.ACCESS_DENIED, 'access_denied', "the caller's IAM policies do not allow this route"],
  [apigw.ResponseType.THROTTLED, 'throttled', 'the API is throttling requests; back off and retry'],
  [apigw.ResponseType.QUOTA_EXCEEDED, 'throttled', 'the API quota is used up; retry later'],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 'value_too_large', 'the request body is over the API limit'],
  [
    apigw.ResponseType.DEFAULT_5XX,
    'internal',
    'internal error; the request id identifies it in the API logs',
  ],
];

/** The REST API and its routes. */
export class BrokerApi extends Construct {
  /** The REST API. */
  readonly api: apigw.RestApi;
  /** The access log group of the stage. */
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BrokerApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'thv secret broker: user secrets and scoped system secrets',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // Stage logging needs the account-level CloudWatch role; kept on stack deletion because it
      // is shared by every REST API of the account and region, so setting it is the caller's choice.
      cloudWatchRole: props.accountRole,
      ...(props.accountRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultMethodOptions: { authorizationType: apigw.AuthorizationType.IAM },
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace would write request and response bodies, i.e. secret values, to the log.
        dataTraceEnabled: false,
        metricsEnabled: true,
      },
    });

    const user = integration(props.userFunction);
    addRoutes(this.api.root, USER_ROUTES, user);
    for (const [name, fn] of props.scopeFunctions)
      addRoutes(this.api.root, SCOPE_ROUTES, integration(fn), name);
    acknowledge(
      this.api,
      'AwsSolutions-COG4',
      'Callers are IAM principals (SigV4, AWS_IAM authorization on every method), not Cognito users.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'Every handler validates path, query and body with zod and answers invalid_key / invalid_body itself.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG3',
      'Only signed IAM principals get past the API; platform teams may attach a WAF web ACL to the stage.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level logging role; AWS maintains this policy for exactly that role.",
    );
    // Any other scope reaches the user function, which answers 404 unknown_scope and holds no
    // system-secret permissions.
    this.api.root
      .resourceForPath(`${SCOPES_PATH}/${SCOPE_PARAM}`)
      .addProxy({ anyMethod: true, defaultIntegration: user });
    this.addJsonGatewayResponses();
  }

  /**
   * Answers that API Gateway gives by itself (unsigned or denied calls, its own throttling, its own
   * faults) in the broker's error shape, so callers parse one kind of error body. Messages are
   * fixed text: nothing from the request is echoed.
   */
  private addJsonGatewayResponses(): void {
    for (const [type, code, message] of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Gateway${type.responseType}`, {
        type,
        responseHeaders: { 'Content-Type': "'application/json'" },
        templates: {
          'application/json': JSON.stringify({ error: code, message, requestId: '$context.requestId' }),
        },
      });
    }
  }
}

/**
 * `execute-api:Invoke` ARNs of `paths` on the stage of `api`, one per HTTP method. Never a `*`
 * method: IAM's `*` also matches `/`, so a `*` method before `/v1/secrets/x` would also match
 * `GET/v1/scopes/v1/secrets/x`, a route of a scope named `v1`. Every method ANY covers is listed,
 * so a wrong method still reaches the handler's JSON 405.
 */
export function invokeArns(api: apigw.IRestApi, paths: readonly string[]): string[] {
  return paths.flatMap((path) =>
    INVOKE_METHODS.map((method) => api.arnForExecuteApi(method, path, STAGE_NAME)),
  );
}

/**
 * Each route's methods, plus ANY to the same function so that another method gets the handler's
 * JSON 405 with an `Allow` header (as under `npm start`) instead of API Gateway's 403.
 */
function addRoutes(
  root: apigw.IResource,
  routes: readonly RouteTemplate[],
  target: apigw.Integration,
  scope?: string,
): void {
  for (const route of routes) {
    const resource = root.resourceForPath(pathOf(route, scope));
    for (const method of [...Object.keys(route.methods), 'ANY']) resource.addMethod(method, target);
  }
}

// One permission per function instead of one per method keeps the function's resource policy small.
function integration(fn: lambda.IFunction): apigw.LambdaIntegration {
  return new apigw.LambdaIntegration(fn, { scopePermissionToMethod: false });
}
