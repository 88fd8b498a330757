/** The HTTP layer: handler factories for API Gateway REST proxy events, schemas, and the OpenAPI document. */

export * from '../../core/http/responses.js';
export * from '../../core/http/routes.js';
export * from '../../core/http/schemas.js';
export * from './api-handler.js';
export * from './audit-log.js';
export * from './errors.js';
export * from './openapi.js';
export * from './scope-api.js';
export * from './user-api.js';
