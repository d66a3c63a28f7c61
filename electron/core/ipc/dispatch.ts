import { z } from 'zod';
import { channels, isChannelName, type Access, type ChannelName, type ChannelOutput, type ChannelSpec, type ParsedInput } from '../../../shared/contract/index.ts';
import { KioskError, type Result } from '../../../shared/errors.ts';
import type { Logger } from '../infra/log.ts';

export type Handler<C extends ChannelName> = (input: ParsedInput<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;

export type Handlers = { [C in ChannelName]: Handler<C> };

/** One domain's part of the channel map (electron/core/channels/): exactly these channels, no more, no fewer. */
export type HandlersFor<C extends ChannelName> = Pick<Handlers, C>;

/** One entry point for every host: checks the channel, parses the input, turns throws into data. */
export type Dispatch = (channel: string, input: unknown) => Promise<Result<unknown>>;

/** Whether a call that needs this access may go ahead now (a customer session, or staff in assist mode). */
export type Admit = (access: Exclude<Access, 'anyone'>) => boolean;

const refusals: Record<Exclude<Access, 'anyone'>, { code: 'NOT_SIGNED_IN' | 'FORBIDDEN'; message: string }> = {
  customer: { code: 'NOT_SIGNED_IN', message: 'Please sign in first.' },
  staff: { code: 'FORBIDDEN', message: 'This needs a member of staff to sign in.' },
};

/**
 * `wakeSync` is called after every call of a channel the contract marks `syncs` (it may have
 * written an outbox row for headquarters), whether it succeeded or failed: a refused PIN is on
 * the audit trail too.
 */
export function createDispatcher(handlers: Handlers, log: Logger, admit: Admit, wakeSync: () => void): Dispatch {
  return async (channel, rawInput) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This request is not part of the kiosk contract.' } };
    }
    const spec: ChannelSpec = channels[channel];
    // Who may call it is checked first: a caller who may not gets no word on what it would have read.
    if (spec.access !== 'anyone' && !admit(spec.access)) return { ok: false, error: refusals[spec.access] };
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'VALIDATION',
          message: parsed.error.issues[0]?.message ?? 'The request is not valid.',
          details: { issues: z.flattenError(parsed.error).fieldErrors },
        },
      };
    }
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      const value = spec.output.parse(await handler(parsed.data));
      return { ok: true, value };
    } catch (err) {
      if (err instanceof KioskError) return { ok: false, error: err.toData() };
      log.error({ channel, err }, 'handler failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong on this kiosk. Please ask a member of staff.' } };
    } finally {
      if (spec.syncs) wakeSync();
    }
  };
}
