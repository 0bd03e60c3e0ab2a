/**
 * The institution API v1: the standard every docked institution implements. The zod schemas here
 * are the single source of truth for the wire format; docs/institution-api.md explains them and
 * buildOpenApiDocument publishes them as OpenAPI 3.1.
 */
export * from './primitives';
export * from './applications';
export * from './loans';
export * from './resources';
export * from './tolerant';
export * from './decisions';
export * from './errors';
export * from './signing';
export { buildOpenApiDocument } from './openapi';
