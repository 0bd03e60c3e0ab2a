/**
 * The OpenAPI 3.1 document of the institution API, generated from the zod schemas so the
 * published document and the code that parses the wire cannot disagree.
 */
import { z } from 'zod';
import { applicationRecordSchema } from './applications';
import { reviewDecisionRequestSchema, reviewDecisionResponseSchema } from './decisions';
import { apiErrorSchema } from './errors';
import { creditLineRecordSchema, orderRecordSchema, repaymentPlanRecordSchema, repaymentRecordSchema } from './loans';
import { capabilitiesSchema, defaultPageLimit, maxPageLimit, pageSchema, type ResourceName, statsSchema } from './resources';
import { maxClockSkewMs, signatureHeaders } from './signing';

type JsonObject = Record<string, unknown>;

const resourceComponents: ReadonlyArray<{ resource: ResourceName; record: string; schema: z.ZodType; summary: string }> = [
  { resource: 'applications', record: 'ApplicationRecord', schema: applicationRecordSchema, summary: 'Credit applications with authentication items' },
  { resource: 'credit-lines', record: 'CreditLineRecord', schema: creditLineRecordSchema, summary: 'Credit lines' },
  { resource: 'orders', record: 'OrderRecord', schema: orderRecordSchema, summary: 'Orders (loans)' },
  {
    resource: 'repayment-plans',
    record: 'RepaymentPlanRecord',
    schema: repaymentPlanRecordSchema,
    summary: 'Booked repayment plans, one record per order (only when capabilities.repayment_plans)',
  },
  { resource: 'repayments', record: 'RepaymentRecord', schema: repaymentRecordSchema, summary: 'Repayments received' },
];

/** JSON Schema (draft 2020-12) of every component, keyed by component name. */
function componentSchemas(): Record<string, JsonObject> {
  const outputs = z.registry<{ id: string }>();
  for (const component of resourceComponents) {
    outputs.add(component.schema, { id: component.record });
    outputs.add(pageSchema(component.schema), { id: `${component.record.replace(/Record$/, '')}Page` });
  }
  outputs.add(capabilitiesSchema, { id: 'Capabilities' });
  outputs.add(statsSchema, { id: 'Stats' });
  outputs.add(reviewDecisionResponseSchema, { id: 'ReviewDecisionResponse' });
  outputs.add(apiErrorSchema, { id: 'Error' });
  const generated = z.toJSONSchema(outputs, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  // Requests are described as clients may send them (defaults optional), hence the input view.
  const request = z.toJSONSchema(reviewDecisionRequestSchema, { target: 'draft-2020-12', io: 'input' });
  const result: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(generated)) result[id] = withoutDialect(schema as JsonObject);
  result.ReviewDecisionRequest = withoutDialect(request as JsonObject);
  return result;
}

// The document's jsonSchemaDialect already states draft 2020-12; per-component $schema is noise.
function withoutDialect(schema: JsonObject): JsonObject {
  const copy = { ...schema };
  delete copy.$schema;
  delete copy.$id;
  return copy;
}

function ref(component: string): JsonObject {
  return { $ref: `#/components/schemas/${component}` };
}

function jsonContent(component: string): JsonObject {
  return { 'application/json': { schema: ref(component) } };
}

const errorResponses = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '429': { $ref: '#/components/responses/RateLimited' },
  '500': { $ref: '#/components/responses/ServerError' },
  '503': { $ref: '#/components/responses/Unavailable' },
};

const signedParameters = [
  { $ref: '#/components/parameters/AppId' },
  { $ref: '#/components/parameters/Timestamp' },
  { $ref: '#/components/parameters/Nonce' },
];

function listOperation(component: (typeof resourceComponents)[number]): JsonObject {
  const page = `${component.record.replace(/Record$/, '')}Page`;
  return {
    get: {
      operationId: `list_${component.resource.replace('-', '_')}`,
      summary: component.summary,
      description:
        'Incremental pull ordered by (updated_at, id). Start without a cursor, then pass next_cursor until has_more is false; store the last next_cursor and resume from it later. A record that changes reappears with a higher version and a newer updated_at.',
      tags: ['pull'],
      security: [{ signature: [] }],
      parameters: [
        ...signedParameters,
        { name: 'cursor', in: 'query', required: false, schema: { type: 'string', maxLength: 512 }, description: 'Opaque; from next_cursor.' },
        {
          name: 'limit',
          in: 'query',
          required: false,
          schema: { type: 'integer', minimum: 1, maximum: maxPageLimit, default: defaultPageLimit },
        },
      ],
      responses: {
        '200': { description: 'A page of records', content: jsonContent(page) },
        ...errorResponses,
        '404': { $ref: '#/components/responses/NotFound' },
      },
    },
  };
}

function getOneOperation(component: (typeof resourceComponents)[number]): JsonObject {
  return {
    get: {
      operationId: `get_${component.resource.replace('-', '_')}`,
      summary: `One record of ${component.resource} by id (current version)`,
      tags: ['pull'],
      security: [{ signature: [] }],
      parameters: [...signedParameters, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The record', content: jsonContent(component.record) },
        ...errorResponses,
        '404': { $ref: '#/components/responses/NotFound' },
      },
    },
  };
}

/**
 * Builds the OpenAPI 3.1 document. `serverUrl` is the base URL up to and including the part
 * before /v1 (for the simulator, http://127.0.0.1:PORT/inst/CODE).
 */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): JsonObject {
  const paths: Record<string, JsonObject> = {
    '/v1/capabilities': {
      get: {
        operationId: 'get_capabilities',
        summary: 'What this institution serves',
        tags: ['meta'],
        security: [{ signature: [] }],
        parameters: signedParameters,
        responses: { '200': { description: 'Capabilities', content: jsonContent('Capabilities') }, ...errorResponses },
      },
    },
    '/v1/stats': {
      get: {
        operationId: 'get_stats',
        summary: 'Totals per resource, for reconciliation',
        tags: ['meta'],
        security: [{ signature: [] }],
        parameters: signedParameters,
        responses: { '200': { description: 'Totals', content: jsonContent('Stats') }, ...errorResponses },
      },
    },
    '/v1/images/{id}': {
      get: {
        operationId: 'get_image',
        summary: 'An image referenced by an application (ID card, live photo, reference photo)',
        tags: ['meta'],
        security: [{ signature: [] }],
        parameters: [...signedParameters, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'The image',
            content: {
              'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
              'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
            },
          },
          ...errorResponses,
          '404': { $ref: '#/components/responses/NotFound' },
        },
      },
    },
    '/v1/applications/{id}/review-decisions': {
      post: {
        operationId: 'post_review_decision',
        summary: "Push the platform's manual-review decision on an application in MANUAL_REVIEW",
        description:
          'Idempotent on the Idempotency-Key header: the same key with the same body is applied once and answered with the same status and body (plus Idempotent-Replayed: true); the same key with a different body is refused with 409 IDEMPOTENCY_KEY_REUSED.',
        tags: ['push'],
        security: [{ signature: [] }],
        parameters: [
          ...signedParameters,
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,128}$' },
            description: 'Unique per decision; reuse it for every retry of that decision.',
          },
        ],
        requestBody: { required: true, content: jsonContent('ReviewDecisionRequest') },
        responses: {
          '200': { description: 'Decision applied (or replayed)', content: jsonContent('ReviewDecisionResponse') },
          ...errorResponses,
          '404': { $ref: '#/components/responses/NotFound' },
          '409': { $ref: '#/components/responses/Conflict' },
        },
      },
    },
  };
  for (const component of resourceComponents) {
    paths[`/v1/${component.resource}`] = listOperation(component);
    paths[`/v1/${component.resource}/{id}`] = getOneOperation(component);
  }

  const errorResponse = (description: string): JsonObject => ({ description, content: jsonContent('Error') });
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'CreditDesk institution API',
      version: '1.0.0',
      summary: 'The standard API every docked credit institution implements.',
      description:
        'See docs/institution-api.md for conventions, signing, paging, errors and client behaviour. Amounts are integer fen; instants are ISO 8601 with an offset; rates are decimal strings.',
    },
    servers: [{ url: options.serverUrl ?? 'http://127.0.0.1:8787/inst/demo', description: 'Base URL; paths start with /v1' }],
    tags: [
      { name: 'meta', description: 'Capabilities, statistics, images' },
      { name: 'pull', description: 'Incremental pull of resources' },
      { name: 'push', description: 'Decisions pushed by the platform' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        signature: {
          type: 'apiKey',
          in: 'header',
          name: signatureHeaders.signature,
          description: `HMAC-SHA256 (lower-case hex) with the app secret over the canonical request string: METHOD, path, canonical query, ${signatureHeaders.timestamp}, ${signatureHeaders.nonce} and the body's SHA-256, joined by newlines. Timestamps more than ${maxClockSkewMs / 60_000} minutes off and reused nonces are refused with 401.`,
        },
      },
      parameters: {
        AppId: { name: signatureHeaders.appId, in: 'header', required: true, schema: { type: 'string' } },
        Timestamp: {
          name: signatureHeaders.timestamp,
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^\\d{10,16}$' },
          description: 'Epoch milliseconds.',
        },
        Nonce: {
          name: signatureHeaders.nonce,
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' },
        },
      },
      responses: {
        BadRequest: errorResponse('Malformed request (BAD_REQUEST, INVALID_CURSOR, INVALID_LIMIT, VALIDATION_FAILED, IDEMPOTENCY_KEY_MISSING). Do not retry unchanged.'),
        Unauthorized: errorResponse('Signature refused (SIGNATURE_MISSING, SIGNATURE_INVALID, APP_ID_UNKNOWN, TIMESTAMP_OUT_OF_RANGE, NONCE_REPLAYED).'),
        NotFound: errorResponse('No such record, image or route (NOT_FOUND), or a resource this institution does not serve (RESOURCE_NOT_OFFERED).'),
        Conflict: errorResponse('APPLICATION_NOT_REVIEWABLE, APPLICATION_VERSION_MISMATCH or IDEMPOTENCY_KEY_REUSED.'),
        RateLimited: {
          description: 'Too many requests (RATE_LIMITED). Wait Retry-After seconds, then retry.',
          headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 0 }, description: 'Seconds to wait.' } },
          content: jsonContent('Error'),
        },
        ServerError: errorResponse('INTERNAL_ERROR: retry with exponential backoff.'),
        Unavailable: errorResponse('SERVICE_UNAVAILABLE: retry with exponential backoff (honour Retry-After when present).'),
      },
    },
  };
}
