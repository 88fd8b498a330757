/** The user-API function: `/v1/secrets` routes over the core's {@link UserProvider}. */
import type { BrokerConfig } from '../../core/config.js';
import { isScopePath, USER_ROUTES } from '../../core/http/routes.js';
import { assertUserKey, type SecretStore, UnknownScopeError, UserProvider } from '../../core/index.js';
import { SERVICE } from '../../core/metric-names.js';
import { createApiHandler, type ProxyHandler } from './api-handler.js';
import type { LogSink } from './audit-log.js';
import { RouteError } from './errors.js';
import {
  keyParam,
  operationOf,
  segmentsOf,
  serveBatchGet,
  serveDelete,
  serveGet,
  serveGetVersion,
  serveList,
  serveListDeleted,
  servePut,
  serveRestore,
  shapeOf,
} from './operations.js';

/** What the user-API handler is built from. */
export interface UserApiDeps {
  /** Run-time configuration. */
  readonly config: BrokerConfig;
  /** The secret store (Secrets Manager in AWS and locally, in memory in unit tests). */
  readonly store: SecretStore;
  /**
   * Whether the legacy migration has finished: until it has, legacy names are held (403).
   * @default the provider's default: legacy names held
   */
  readonly isMigrated?: () => Promise<boolean>;
  /**
   * Where audit lines go.
   * @default stdout
   */
  readonly log?: LogSink;
}

/** Builds the user-API handler; `/v1/scopes/...` answers 404 (`unknown_scope`, or `not_found` for a deployed scope). */
export function createUserApiHandler(deps: UserApiDeps): ProxyHandler {
  const provider = new UserProvider(deps.store, {
    legacyPrefixes: deps.config.legacyPrefixes,
    ...(deps.isMigrated === undefined ? {} : { isMigrated: deps.isMigrated }),
  });
  return createApiHandler({
    service: SERVICE.userApi,
    ...(deps.log === undefined ? {} : { log: deps.log }),
    dispatch: async (event, notes) => {
      const segments = segmentsOf(event);
      if (isScopePath(segments)) {
        // Named as sent: this function serves no scope, however the name is spelt. A deployed
        // scope reaches here only on a path its own function has no route for.
        const scope = segments[2] ?? '';
        notes.scope = scope;
        if (scope === '' || deps.config.scopes.includes(scope))
          throw new RouteError('not_found', 'no such route');
        throw new UnknownScopeError(scope);
      }
      const match = operationOf(event, shapeOf(event, segments, USER_ROUTES), notes);
      switch (match.route) {
        case 'listSecrets':
          return serveList(provider, event);
        case 'getSecret':
          return serveGet(provider, keyParam(match, 'key', notes));
        case 'putSecret':
          // The key is judged before the body, so a reserved key is refused whatever was sent.
          return servePut(provider, keyParam(match, 'key', notes), event, assertUserKey);
        case 'deleteSecret':
          return serveDelete(provider, keyParam(match, 'key', notes));
        case 'listDeletedSecrets':
          return serveListDeleted(provider, event, 'key');
        case 'restoreSecret':
          return serveRestore(provider, keyParam(match, 'key', notes), event, 'key', assertUserKey);
        case 'getSecretVersion':
          return serveGetVersion(provider, keyParam(match, 'key', notes), match, assertUserKey);
        case 'batchGetSecrets':
          return serveBatchGet(provider, event, 'key');
        default:
          throw new Error(`route ${match.route} is not served by the user API`);
      }
    },
  });
}
