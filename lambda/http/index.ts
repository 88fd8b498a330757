/** The HTTP layer: handler factories for API Gateway REST proxy events, schemas, and the OpenAPI document. */
export * from './api-handler.js';
export * from './audit-log.js';
export * from './errors.js';
export * from './openapi.js';
export * from './routes.js';
export * from './schemas.js';
export * from './scope-api.js';
export * from './user-api.js';
