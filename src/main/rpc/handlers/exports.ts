import type { ExportService } from '../../exports/service';
import { requireActor } from './auth';
import type { Handlers } from '../router';

export function exportsHandlers(exports: ExportService): Pick<Handlers, 'exports:list' | 'exports:get' | 'exports:cancel' | 'exports:deliver'> {
  return {
    'exports:list': (input, context) => exports.list(requireActor(context.actor), input.limit),
    'exports:get': (input, context) => exports.get(requireActor(context.actor), input.id),
    'exports:cancel': (input, context) => exports.cancel(requireActor(context.actor), input.id),
    'exports:deliver': (input, context) => exports.deliver(requireActor(context.actor), input.id),
  };
}
