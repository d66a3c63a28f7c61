import { describe, expect, it } from 'vitest';
import type { KioskCore } from '../../electron/core/kiosk-core.ts';
import { channelNames, channels, type ChannelName } from '../../shared/contract/index.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { JAMES, useCores } from '../helpers/signed-in.ts';

type Role = 'anonymous' | 'customer' | 'agent' | 'supervisor';
const roles: Role[] = ['anonymous', 'customer', 'agent', 'supervisor'];

const ANYONE = { anonymous: true, customer: true, agent: true, supervisor: true };
const CUSTOMER = { anonymous: false, customer: true, agent: false, supervisor: false };
const STAFF = { anonymous: false, customer: false, agent: true, supervisor: true };

/**
 * Who may call each channel. Written out channel by channel on purpose: a channel added to the
 * contract without a line here fails the first test, so every new channel gets a decision.
 */
const matrix: Record<ChannelName, Record<Role, boolean>> = {
  'kiosk.info': ANYONE,
  'session.signIn': ANYONE,
  'session.signOut': ANYONE,
  'session.touch': CUSTOMER,
  'account.overview': CUSTOMER,
  'bill.get': CUSTOMER,
  'bill.history': CUSTOMER,
  'bill.print': CUSTOMER,
  'usage.daily': CUSTOMER,
  'credit.status': CUSTOMER,
  'credit.request': CUSTOMER,
  'payment.quote': CUSTOMER,
  'payment.start': CUSTOMER,
  'payment.cancel': CUSTOMER,
  'services.catalog': CUSTOMER,
  'order.preview': CUSTOMER,
  'order.submit': CUSTOMER,
  'offers.list': CUSTOMER,
  'offers.accept': CUSTOMER,
  'help.call': ANYONE,
  'sync.status': ANYONE,
  'staff.signIn': ANYONE,
  'staff.signOut': STAFF,
  'staff.session': ANYONE,
  'staff.touch': STAFF,
  'assist.lookup': STAFF,
  'assist.openAccount': STAFF,
  'assist.creditReferrals': STAFF,
  'assist.decideCredit': STAFF,
  'assist.orderReferrals': STAFF,
  'assist.decideOrder': STAFF,
  'assist.takeCash': STAFF,
  'assist.lateFees': STAFF,
  'assist.waiveFee': STAFF,
  'assist.adjust': STAFF,
  'assist.helpCalls': STAFF,
  'assist.closeHelp': STAFF,
  'assist.resetPin': STAFF,
};

const { anonymous } = useCores();
const [agent, , supervisor] = demoStaff;

/** Puts the core in the role again before each call (a call such as signOut may have left it). */
async function become(core: KioskCore, role: Role): Promise<void> {
  const result =
    role === 'customer'
      ? await core.dispatch('session.signIn', JAMES)
      : role === 'agent' || role === 'supervisor'
        ? await core.dispatch('staff.signIn', { staffId: (role === 'agent' ? agent : supervisor)?.id, pin: (role === 'agent' ? agent : supervisor)?.pin })
        : { ok: true };
  expect(result.ok).toBe(true);
}

/** Staff open a customer's account (after an identity check), for the staff channels that work on it. */
async function openAccount(core: KioskCore): Promise<void> {
  const found = await core.dispatch('assist.lookup', { query: JAMES.identifier });
  const accountId = found.ok ? (found.value as { matches: { accountId: string }[] }).matches[0]?.accountId : undefined;
  expect((await core.dispatch('assist.openAccount', { accountId, checks: ['photoId'] })).ok).toBe(true);
}

const notSignedIn = (result: unknown) => typeof result === 'object' && result !== null && 'ok' in result && result.ok === false && 'error' in result && (result.error as { code: string }).code === 'NOT_SIGNED_IN';

const refused = (result: unknown) =>
  typeof result === 'object' && result !== null && 'ok' in result && result.ok === false && 'error' in result && ['NOT_SIGNED_IN', 'FORBIDDEN'].includes((result.error as { code: string }).code);

describe('permission matrix', () => {
  it('has a decision for every channel of the contract, and no other', () => {
    expect(Object.keys(matrix).sort()).toEqual([...channelNames].sort());
  });

  it.each(roles)('calls every channel as %s and is allowed or refused as the matrix says', async (role) => {
    const core = await anonymous();
    const seen: Record<string, boolean> = {};
    for (const channel of channelNames) {
      await become(core, role);
      // The least input: an allowed call may then fail validation, a refused one is refused before its input is read.
      let answer = await core.dispatch(channel, {});
      // A staff channel that works on the account staff opened asks for one first: allowed, once there is one.
      if ((role === 'agent' || role === 'supervisor') && channels[channel].access === 'staff' && notSignedIn(answer)) {
        await openAccount(core);
        answer = await core.dispatch(channel, {});
        await core.dispatch('session.signOut', {});
      }
      seen[channel] = !refused(answer);
    }
    expect(seen).toEqual(Object.fromEntries(channelNames.map((c) => [c, matrix[c][role]])));
  }, 60_000);
});
