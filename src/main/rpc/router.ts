import { z } from 'zod';
import { AppError, assertNever, type Envelope, type RpcErrorBody } from '../../shared/rpc/errors';
import {
  contract,
  isChannelName,
  type ChannelName,
  type ChannelOutput,
  type ParsedInput,
} from '../../shared/rpc/contract';
import type { Access } from '../../shared/rpc/define';
import type { Logger } from '../logging/logger';
import type { Actor, CallContext } from '../core/actor';
import { decodedJson, type EncodedJson } from './encoded-json';

/**
 * One handler per channel; a channel without a handler does not compile. A handler may answer with
 * its data already encoded (`EncodedJson`: a read worker's answer).
 */
export type Handlers = {
  [C in ChannelName]: (input: ParsedInput<C>, context: CallContext) => Promise<ChannelOutput<C> | EncodedJson<ChannelOutput<C>>> | ChannelOutput<C> | EncodedJson<ChannelOutput<C>>;
};

export interface Router {
  /**
   * The envelope of one call. Its data are values, except for a transport that writes JSON
   * (`context.jsonAnswers`, HTTP): data a handler gave already encoded stay an `EncodedJson`, whose
   * bytes go into the reply as they are.
   */
  call(channel: string, rawInput: unknown, context: CallContext): Promise<Envelope<unknown>>;
}

/** Channels an operator who must change the password may still call. */
const allowedBeforePasswordChange = new Set<string>([
  'auth:session',
  'auth:sign-out',
  'auth:change-password',
  'auth:set-locale',
  'system:info',
]);

function failure(code: RpcErrorBody['code'], message: string, details?: unknown): Envelope<never> {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

function checkAccess(access: Access, context: CallContext, channel: string): Envelope<never> | null {
  switch (access.kind) {
    case 'public':
      return null;
    case 'signed-in':
    case 'permission': {
      const actor = context.actor;
      if (!actor) return failure('UNAUTHORIZED', 'Sign in first.');
      if (actor.mustChangePassword && !allowedBeforePasswordChange.has(channel)) {
        return failure('FORBIDDEN', 'Change your password before continuing.', { reason: 'must-change-password' });
      }
      if (access.kind === 'permission' && !actor.permissions.has(access.permission)) {
        return failure('FORBIDDEN', `Your role (${actor.role}) may not do this: it needs the “${access.permission}” permission.`, {
          permission: access.permission,
        });
      }
      return null;
    }
    default:
      return assertNever(access);
  }
}

/** Readable one-line summary of zod issues, with the paths, for the error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * One zod issue as the renderer translates it: the path, zod's issue code and, for a size check,
 * the limit (the English message stays for logs and scripts).
 */
export function issueDetail(issue: z.core.$ZodIssue): { path: string[]; code: string; limit?: number; message: string } {
  const limit = 'maximum' in issue ? issue.maximum : 'minimum' in issue ? issue.minimum : undefined;
  return { path: issue.path.map(String), code: issue.code, ...(typeof limit === 'number' ? { limit } : {}), message: issue.message };
}

/**
 * The transport-agnostic router: channel known? caller signed in and allowed? input valid? Only
 * then the handler runs. Every outcome is an envelope; nothing thrown escapes, and unexpected
 * errors reach the caller as INTERNAL without a stack (the stack goes to the log).
 */
export interface RouterOptions {
  validateOutput?: boolean;
  /** Hears every call a signed-in operator was refused for a missing permission (the audit log records it). */
  onRefused?: (actor: Actor, channel: ChannelName, permission: string, context: CallContext) => void;
}

export function createRouter(handlers: Handlers, logger: Logger, options: RouterOptions = {}): Router {
  async function call(channel: string, rawInput: unknown, context: CallContext): Promise<Envelope<unknown>> {
    // The name is not echoed: whatever the caller sent stays out of answers and logs.
    if (!isChannelName(channel)) return failure('NOT_FOUND', 'Unknown channel.');
    const definition = contract[channel];
    const denied = checkAccess(definition.access, context, channel);
    if (denied) {
      const permission = definition.access.kind === 'permission' ? definition.access.permission : null;
      if (permission && context.actor && !context.actor.permissions.has(permission)) {
        try {
          options.onRefused?.(context.actor, channel, permission, context);
        } catch (error) {
          logger.error('recording a refused call failed', { channel, error: String(error) });
        }
      }
      return denied;
    }
    let parsed: z.ZodSafeParseResult<unknown>;
    try {
      parsed = definition.input.safeParse(rawInput ?? {});
    } catch (error) {
      // A refinement that throws on input it did not expect (or a value nested too deep for the
      // parser's stack) is still the caller's invalid input, never an unanswered call.
      logger.warn('input validation threw', { channel, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
      return failure('VALIDATION', `Invalid input for ${channel}.`);
    }
    if (!parsed.success) {
      return failure('VALIDATION', `Invalid input for ${channel}: ${describeIssues(parsed.error)}`, {
        issues: parsed.error.issues.map(issueDetail),
      });
    }
    try {
      const handler = handlers[channel] as (input: unknown, context: CallContext) => unknown;
      const answer = await handler(parsed.data, context);
      // Tests turn this on so a handler drifting from its declared output fails loudly (an
      // encoded answer is parsed for it, and still sent as encoded).
      if (options.validateOutput) definition.output.parse(decodedJson(answer));
      return { ok: true, data: context.jsonAnswers === true ? answer : decodedJson(answer) };
    } catch (error) {
      if (error instanceof AppError) {
        return failure(error.code, error.message, error.details);
      }
      if (error instanceof z.ZodError) {
        logger.error('handler produced invalid data', { channel, issues: describeIssues(error) });
        return failure('INTERNAL', 'The server produced an invalid answer; the details are in the log.');
      }
      const sqliteCode = (error as { code?: unknown })?.code;
      if (typeof sqliteCode === 'string' && sqliteCode.startsWith('SQLITE_BUSY')) {
        return failure('DB', 'The database is busy; try again in a moment.');
      }
      logger.error('handler failed', {
        channel,
        actor: context.actor?.username ?? null,
        error: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error),
      });
      return failure('INTERNAL', 'Something went wrong on the server; the details are in the log.');
    }
  }
  return { call };
}
