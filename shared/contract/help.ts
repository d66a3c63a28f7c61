import { z } from 'zod';

export const HelpCall = z
  .object({ screen: z.string().trim().min(1).max(40).regex(/^[a-z][a-zA-Z.-]*$/, 'Not a screen name') })
  .strict();

export const HelpCalled = z.object({
  requestId: z.string(),
  /** How many people are waiting, this request included. */
  position: z.number().int().positive(),
});
export type HelpCalled = z.infer<typeof HelpCalled>;
