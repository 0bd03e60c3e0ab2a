import { z } from 'zod';
import { channel, publicAccess } from '../rpc/define';

/** Where the desktop's back end is: this computer (its own database and sync) or a team server. */
export const deskModeSchema = z.enum(['local', 'team']);
export type DeskMode = z.infer<typeof deskModeSchema>;

export const deskConnectionSchema = z.object({
  /** False in a browser and on a server: only the desktop chooses its back end. */
  canChoose: z.boolean(),
  /** null: not chosen yet (the desktop's first screen asks). */
  mode: deskModeSchema.nullable(),
  serverUrl: z.string().nullable(),
});
export type DeskConnection = z.infer<typeof deskConnectionSchema>;

/** A team server's address as the operator types it: https only, no path beyond "/". */
export const teamServerUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((value) => URL.canParse(value), { message: 'Not a web address', params: { reason: 'invalid-url' } })
  .refine((value) => !URL.canParse(value) || new URL(value).protocol === 'https:', { message: 'A team server is reached over https:// only', params: { reason: 'not-https' } });

export const deskContract = {
  'desk:connection': channel({
    input: z.object({}),
    output: deskConnectionSchema,
    access: publicAccess,
    doc: 'The desktop’s choice of back end (this computer or a team server); a browser or server answers that there is none to make.',
  }),
  'desk:choose-connection': channel({
    input: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('local') }),
      z.object({
        mode: z.literal('team'),
        serverUrl: teamServerUrlSchema,
        /** The SHA-256 fingerprint the operator compared and confirmed for a self-signed server. */
        fingerprint: z.string().max(200).optional(),
      }),
    ]),
    output: z.discriminatedUnion('outcome', [
      /** Saved; the desktop restarts on the chosen back end. */
      z.object({ outcome: z.literal('restarting') }),
      /** The server's certificate is self-signed: show the fingerprint, ask again with it once confirmed. */
      z.object({ outcome: z.literal('confirm-certificate'), fingerprint: z.string() }),
    ]),
    access: publicAccess,
    doc: 'The desktop switches to this computer or to a team server (checked first: reachable, same contract version, certificate trusted or confirmed); refused outside the desktop.',
  }),
};
