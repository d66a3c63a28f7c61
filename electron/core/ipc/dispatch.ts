import { z } from 'zod';
import { channels, isChannelName, type ChannelName, type ChannelOutput, type ParsedInput } from '../../../shared/contract/index.ts';
import { KioskError, type Result } from '../../../shared/errors.ts';
import type { Logger } from '../log.ts';

export type Handlers = {
  [C in ChannelName]: (input: ParsedInput<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C>;
};

/** One entry point for every host: checks the channel, parses the input, turns throws into data. */
export type Dispatch = (channel: string, input: unknown) => Promise<Result<unknown>>;

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, rawInput) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'This request is not part of the kiosk contract.' } };
    }
    const spec: { input: z.ZodType; output: z.ZodType } = channels[channel];
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
    }
  };
}
