/**
 * Institution configuration: the admin's Settings tab and `creditdesk institutions`. The secret
 * goes into the vault on the way in and never comes back out through this service; only the
 * sync client factory opens it.
 */
import {
  capabilitiesSchema,
  type Capabilities,
} from '../../shared/institution-api';
import type {
  ConnectionTest,
  InstitutionCreateInput,
  InstitutionSummary,
  InstitutionUpdateInput,
} from '../../shared/contracts/institutions';
import { institutionCreateSchema, institutionUpdateSchema } from '../../shared/contracts/institutions';
import { AppError } from '../../shared/rpc/errors';
import { writeTransaction, type Db } from '../db/connection';
import type { InstitutionRow } from '../db/schema';
import {
  findInstitutionByCode,
  findInstitutionById,
  insertInstitution,
  listInstitutions,
  noStateReason,
  updateInstitution,
} from '../repositories/institutions';
import type { ActorRef } from '../core/actor';
import type { AuditRecorder } from '../core/audit';
import type { Clock } from '../core/clock';
import type { InstitutionClients } from '../institution-api/client';
import { InstitutionApiError } from '../institution-api/errors';
import type { SecretVault } from '../institution-api/secrets';

/** Who made a change: an operator, or the shell (CLI, demo start-up) with no operator. */

export interface InstitutionServiceDeps {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  vault: SecretVault;
  clients: InstitutionClients;
  /** The scheduler re-plans an institution after a change. */
  onChanged?: (institutionId: number) => void;
}

function parseStoredCapabilities(text: string | null): Capabilities | null {
  if (!text) return null;
  try {
    const parsed = capabilitiesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type InstitutionService = ReturnType<typeof createInstitutionService>;

/** Same URL up to letter case of scheme and host and a trailing slash. */
function sameBaseUrl(a: string, b: string): boolean {
  const canonical = (value: string) => {
    try {
      return new URL(value.trim()).href.replace(/\/+$/, '');
    } catch {
      return value.trim();
    }
  };
  return canonical(a) === canonical(b);
}

export function createInstitutionService(deps: InstitutionServiceDeps) {
  const { db, clock, audit, vault } = deps;

  function secretReadable(row: InstitutionRow): boolean {
    try {
      vault.open(row.secretCiphertext, row.secretScheme);
      return true;
    } catch {
      return false;
    }
  }

  function toSummary(row: InstitutionRow): InstitutionSummary {
    const capabilities = parseStoredCapabilities(row.capabilities);
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      baseUrl: row.baseUrl,
      appId: row.appId,
      syncIntervalSeconds: row.syncIntervalSeconds,
      enabled: row.enabled,
      demo: row.demo,
      state: row.enabled ? row.state : 'disabled',
      stateReason: row.enabled ? row.stateReason : null,
      stateReasonCode: row.enabled ? row.stateReasonCode : null,
      stateReasonStatus: row.enabled ? row.stateReasonStatus : null,
      circuitOpenUntil: row.circuitOpenUntil,
      lastAttemptAt: row.lastAttemptAt,
      lastSuccessAt: row.lastSuccessAt,
      secretScheme: row.secretScheme,
      secretReadable: secretReadable(row),
      capabilities: capabilities
        ? { resources: capabilities.resources, repaymentPlans: capabilities.repayment_plans, reviewDecisions: capabilities.review_decisions, graceDays: capabilities.grace_days }
        : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  function require(id: number): InstitutionRow {
    const row = findInstitutionById(db, id);
    if (!row) throw new AppError('NOT_FOUND', `No institution with id ${id}.`);
    return row;
  }

  function list(): InstitutionSummary[] {
    return listInstitutions(db).map(toSummary);
  }

  function get(id: number): InstitutionSummary {
    return toSummary(require(id));
  }

  function findByCode(code: string): InstitutionSummary | undefined {
    const row = findInstitutionByCode(db, code.trim().toUpperCase());
    return row ? toSummary(row) : undefined;
  }

  function create(author: ActorRef | null, input: InstitutionCreateInput, options: { demo?: boolean } = {}): InstitutionSummary {
    const values = institutionCreateSchema.parse(input);
    if (findInstitutionByCode(db, values.code)) throw new AppError('CONFLICT', `The code “${values.code}” is taken.`, { field: 'code' });
    const sealed = vault.seal(values.secret);
    const now = clock.now();
    const row = writeTransaction(db, (tx) => {
      const created = insertInstitution(tx, {
        code: values.code,
        name: values.name,
        baseUrl: values.baseUrl,
        appId: values.appId,
        secretCiphertext: sealed.ciphertext,
        secretScheme: sealed.scheme,
        syncIntervalSeconds: values.syncIntervalSeconds,
        enabled: values.enabled,
        demo: options.demo ?? false,
        state: values.enabled ? 'idle' : 'disabled',
        createdAt: now,
        updatedAt: now,
      });
      audit.record(tx, author, 'institutions.created', { type: 'institution', id: created.id }, {
        code: values.code,
        baseUrl: values.baseUrl,
        appId: values.appId,
        syncIntervalSeconds: values.syncIntervalSeconds,
        enabled: values.enabled,
        demo: options.demo ?? false,
      });
      return created;
    });
    deps.onChanged?.(row.id);
    return toSummary(row);
  }

  function update(author: ActorRef | null, input: InstitutionUpdateInput): InstitutionSummary {
    const values = institutionUpdateSchema.parse(input);
    const before = require(values.id);
    requireSecretForNewUrl(before, values);
    const sealed = values.secret === undefined ? null : vault.seal(values.secret);
    const now = clock.now();
    const changes: Record<string, unknown> = {};
    for (const key of ['name', 'baseUrl', 'appId', 'syncIntervalSeconds', 'enabled'] as const) {
      if (values[key] !== undefined && values[key] !== before[key]) changes[key] = values[key];
    }
    // Audit says a secret was replaced, never what it was or is.
    if (sealed) changes.secretReplaced = true;
    if (Object.keys(changes).length === 0) return toSummary(before);
    const credentialsChanged = sealed !== null || changes.appId !== undefined || changes.baseUrl !== undefined;
    const row = writeTransaction(db, (tx) => {
      const updated = updateInstitution(tx, values.id, {
        ...(values.name !== undefined ? { name: values.name } : {}),
        ...(values.baseUrl !== undefined ? { baseUrl: values.baseUrl } : {}),
        ...(values.appId !== undefined ? { appId: values.appId } : {}),
        ...(values.syncIntervalSeconds !== undefined ? { syncIntervalSeconds: values.syncIntervalSeconds } : {}),
        ...(values.enabled !== undefined ? { enabled: values.enabled } : {}),
        ...(sealed ? { secretCiphertext: sealed.ciphertext, secretScheme: sealed.scheme } : {}),
        // New credentials deserve a fresh try: a "credentials rejected" state no longer applies.
        ...(values.enabled === false
          ? { state: 'disabled' as const, ...noStateReason }
          : (values.enabled === true && !before.enabled) || (credentialsChanged && (before.state === 'credentials_rejected' || before.state === 'failed'))
            ? { state: 'idle' as const, ...noStateReason }
            : {}),
        updatedAt: now,
      });
      const action = values.enabled === false && before.enabled ? 'institutions.disabled' : values.enabled === true && !before.enabled ? 'institutions.enabled' : 'institutions.updated';
      audit.record(tx, author, action, { type: 'institution', id: values.id }, { code: before.code, ...changes });
      return updated;
    });
    if (!row) throw new AppError('NOT_FOUND', `No institution with id ${values.id}.`);
    if (credentialsChanged) deps.clients.circuit(values.id).reset();
    deps.onChanged?.(row.id);
    return toSummary(row);
  }

  /**
   * The stored secret signs requests to the stored base URL only: pointing an institution at
   * another URL (to test or to keep) needs the secret typed again, or anyone who may edit the
   * settings could have the institution's signed requests sent wherever they like.
   */
  function requireSecretForNewUrl(row: InstitutionRow, input: { baseUrl?: string; secret?: string }): void {
    if (input.baseUrl === undefined || input.secret !== undefined) return;
    if (sameBaseUrl(input.baseUrl, row.baseUrl)) return;
    throw new AppError('VALIDATION', 'Enter the secret again to use this institution with a different base URL.', { field: 'secret', reason: 'secret-required-for-new-url' });
  }

  /**
   * One signed GET /v1/capabilities, read three ways: an answer at all (reachability), not a
   * 401 (signature and app id), a v1 capabilities document (capabilities).
   */
  async function testConnection(input: { id?: number; baseUrl?: string; appId?: string; secret?: string }): Promise<ConnectionTest> {
    let endpoint: { baseUrl: string; appId: string; secret: string };
    if (input.id !== undefined) {
      const row = require(input.id);
      requireSecretForNewUrl(row, input);
      let secret = input.secret;
      if (secret === undefined) {
        try {
          secret = vault.open(row.secretCiphertext, row.secretScheme);
        } catch (error) {
          return failed('signature', error instanceof Error ? error.message : String(error), true);
        }
      }
      endpoint = { baseUrl: input.baseUrl ?? row.baseUrl, appId: input.appId ?? row.appId, secret };
    } else {
      if (!input.baseUrl || !input.appId || !input.secret) throw new AppError('VALIDATION', 'Give the base URL, app id and secret to test.');
      endpoint = { baseUrl: input.baseUrl, appId: input.appId, secret: input.secret };
    }
    try {
      const capabilities = await deps.clients.forEndpoint(endpoint).capabilities({ signal: AbortSignal.timeout(20_000) });
      const result: ConnectionTest = {
        ok: true,
        reachability: { ok: true, message: null, checked: true },
        signature: { ok: true, message: null, checked: true },
        capabilities: { ok: true, message: null, checked: true },
        institution: {
          code: capabilities.institution.code,
          name: capabilities.institution.name,
          resources: capabilities.resources,
          repaymentPlans: capabilities.repayment_plans,
        },
      };
      if (input.id !== undefined && input.baseUrl === undefined && input.appId === undefined && input.secret === undefined) {
        writeTransaction(db, (tx) => updateInstitution(tx, input.id as number, { capabilities: JSON.stringify(capabilities) }));
      }
      return result;
    } catch (error) {
      if (!(error instanceof InstitutionApiError)) throw error;
      switch (error.kind) {
        case 'timeout':
        case 'network':
        case 'aborted':
        case 'circuit_open':
          return failed('reachability', error.message);
        case 'credentials':
          return failed('signature', `${error.message} (check the app id and secret)`);
        case 'clock':
          return failed('signature', error.message);
        case 'secret_unavailable':
          return failed('signature', error.message, true);
        case 'truncated':
        case 'server':
        case 'rate_limited':
        case 'client':
        case 'invalid_response':
        case 'not_json':
          return failed('capabilities', error.message);
        default: {
          const unreachable: never = error.kind;
          throw new Error(`unhandled kind ${String(unreachable)}`);
        }
      }
    }
  }

  function failed(check: 'reachability' | 'signature' | 'capabilities', message: string, reachabilityUnknown = false): ConnectionTest {
    const order = ['reachability', 'signature', 'capabilities'] as const;
    const index = order.indexOf(check);
    const entry = (position: number) =>
      position < index
        ? { ok: true, message: null, checked: true }
        : position === index
          ? { ok: false, message, checked: true }
          : { ok: false, message: null, checked: false };
    const result: ConnectionTest = { ok: false, reachability: entry(0), signature: entry(1), capabilities: entry(2), institution: null };
    if (reachabilityUnknown) result.reachability = { ok: false, message: null, checked: false };
    return result;
  }

  /** Audits an operator starting the embedded demo institutions (the creates are audited on their own). */
  function noteDemoStarted(author: ActorRef | null, codes: readonly string[]): void {
    if (!author) return;
    writeTransaction(db, (tx) => audit.record(tx, author, 'institutions.demo-started', { type: 'institution', id: 'demo' }, { codes: [...codes] }));
  }

  return { list, get, findByCode, create, update, testConnection, toSummary, noteDemoStarted };
}
