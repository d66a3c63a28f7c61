import { z } from 'zod';

/** What a member of staff may do at a kiosk: an agent helps, a supervisor also approves. */
export const StaffRole = z.enum(['agent', 'supervisor']);
export type StaffRole = z.infer<typeof StaffRole>;
