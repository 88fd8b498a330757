/** The scope-API function: `/v1/scopes/{scope}/secrets` routes over one {@link ScopedProvider} per served scope. */
import type { BrokerConfig } from '../../core/config.js';
import { decodeSegment, SCOPE_ROUTES } from '../../core/http/routes.js';
import { ScopedProvider, type SecretStore, UnknownScopeError } from '../../core/index.js';
import { SERVICE } from '../../core/metric-names.js';
import { createApiHandler, type ProxyHandler } from './api-handler.js';
import type { LogSink } from './audit-log.js';
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
import { json } from './response.js';

/** What the scope-API handler is built from. */
export interface ScopeApiDeps {
  /** Run-time configuration; `servedScopes` names the scopes this function serves. */
  readonly config: BrokerConfig;
  /** The secret store. */
  readonly store: SecretStore;
  /**
   * Whether the legacy migration has finished (for `legacyFallback: until-migrated`).
   * @default the provider's default: no fallback
   */
  readonly isMigrated?: () => Promise<boolean>;
  /**
   * Where audit lines go.
   * @default stdout
   */
  readonly log?: LogSink;
}

/** Builds the scope-API handler; a scope not in `servedScopes` answers 404 `unknown_scope`. */
export function createScopeApiHandler(deps: ScopeApiDeps): ProxyHandler {
  const { config } = deps;
  const providers = new Map(
    config.servedScopes.map((scope) => [
      scope,
      new ScopedProvider(deps.store, {
        scope,
        scopes: config.scopes,
        legacyFallback: config.legacyFallback,
        legacyPrefixes: config.legacyPrefixes,
        ...(deps.isMigrated === undefined ? {} : { isMigrated: deps.isMigrated }),
      }),
    ]),
  );
  return createApiHandler({
    service: SERVICE.scopeApi,
    ...(deps.log === undefined ? {} : { log: deps.log }),
    dispatch: async (event, notes) => {
      const segments = segmentsOf(event);
      // The scope is judged before the method, so an unserved scope looks the same whatever is asked.
      const shape = shapeOf(event, segments, SCOPE_ROUTES);
      const rawScope = shape.rawParams.scope ?? '';
      const scope = decodeSegment(rawScope) ?? rawScope;
      notes.scope = scope;
      const provider = providers.get(scope);
      if (provider === undefined) throw new UnknownScopeError(scope);
      const match = operationOf(event, shape, notes);
      switch (match.route) {
        case 'listScope':
          return serveList(provider, event);
        case 'cleanupScope':
          return json(200, { deleted: await provider.cleanup() });
        case 'getScoped':
          return serveGet(provider, keyParam(match, 'name', notes));
        case 'putScoped':
          // The name is judged before the body, as on the user routes.
          return servePut(provider, keyParam(match, 'name', notes), event, (name) => provider.keyOf(name));
        case 'deleteScoped':
          return serveDelete(provider, keyParam(match, 'name', notes));
        case 'listDeletedScoped':
          return serveListDeleted(provider, event, 'name');
        case 'restoreScoped':
          return serveRestore(provider, keyParam(match, 'name', notes), event, 'name', (name) =>
            provider.keyOf(name),
          );
        case 'getScopedVersion':
          return serveGetVersion(provider, keyParam(match, 'name', notes), match, (name) =>
            provider.keyOf(name),
          );
        case 'batchGetScoped':
          return serveBatchGet(provider, event, 'name');
        default:
          throw new Error(`route ${match.route} is not served by the scope API`);
      }
    },
  });
}
