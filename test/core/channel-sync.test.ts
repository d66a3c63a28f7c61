import { openKioskLedger } from '../helpers/ledger-file.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { type KioskCore } from '../../electron/core/kiosk-core.ts';
import type { CredentialStore } from '../../electron/core/sync/enrolment.ts';
import type { SyncTransport } from '../../electron/core/sync/transport.ts';
import { channelNames, channels, type ChannelName } from '../../shared/contract/index.ts';
import { demoStaff } from '../../shared/demo/staff.ts';
import { demoBills, startTestCore } from '../helpers/demo-ledger.ts';
import { ELENA, JAMES } from '../helpers/signed-in.ts';
import { until } from '../helpers/until.ts';

const [LUCIA] = demoStaff as [(typeof demoStaff)[number]];
const id = (n: number) => `0193d2a0-0000-7000-8000-${String(n).padStart(12, '0')}`;
const [ELENA_FEE] = (await demoBills(ELENA.identifier)) as [{ billNo: string; billDate: string }];

const running: KioskCore[] = [];
afterEach(() => running.splice(0).forEach((c) => c.close()));

/** Enrolled with a hub that never answers: the sync loop's first round hangs, so each `sync.status` event the core emits after it is one wake from the dispatcher. */
const enrolled: CredentialStore = {
  read: () => ({ hubUrl: 'https://hub.example', deviceId: 'dev-1', branchId: 'MAD-01', credential: 'dev-1.secret-secret-secret-secret' }),
  write: () => {},
};
let asked = false;
const hang = () => {
  asked = true;
  return new Promise<never>(() => {});
};
const silentHub: SyncTransport = { push: hang, pull: hang };

interface Call {
  channel: ChannelName;
  ok: boolean;
  wakes: number;
  outboxGrew: number;
}

/**
 * A kiosk driven through every channel of the contract once or more (a customer's visit, then
 * staff in assist mode): per call, how often sync was woken and how many outbox rows it wrote.
 */
async function everyChannel(): Promise<Call[]> {
  asked = false;
  const { core, dataDir } = await startTestCore({}, undefined, undefined, undefined, { credentials: enrolled, hubTransport: () => silentHub });
  running.push(core);
  await until(() => asked);
  let wakes = 0;
  core.events.on('sync.status', () => wakes++);
  const db = openKioskLedger(dataDir);
  // As headquarters would have set it (an account.upsert): James's next order goes over it.
  db.prepare(`UPDATE billing_accounts SET credit_limit_minor = 13000 WHERE account_no = ?`).run(JAMES.identifier);
  const outbox = () => db.prepare(`SELECT COUNT(*) FROM outbox`).pluck().get() as number;
  const calls: Call[] = [];
  const call = async (channel: ChannelName, input: unknown): Promise<unknown> => {
    const [wakesBefore, rowsBefore] = [wakes, outbox()];
    const result = await core.dispatch(channel, input);
    calls.push({ channel, ok: result.ok, wakes: wakes - wakesBefore, outboxGrew: outbox() - rowsBefore });
    return result.ok ? result.value : null;
  };
  try {
    // A customer's visit.
    await call('kiosk.info', {});
    await call('sync.status', {});
    await call('session.signIn', JAMES);
    await call('session.touch', {});
    await call('account.overview', {});
    const bill = (await call('bill.get', {})) as { bill: { billNo: string } };
    await call('bill.history', {});
    await call('bill.print', { billNo: bill.bill.billNo, language: 'en' });
    const overview = (await call('account.overview', {})) as { services: { id: string }[] };
    await call('usage.daily', { productId: overview.services[0]?.id });
    await call('payment.quote', {});
    await call('payment.start', { requestId: id(2), amountMinor: 1_000, billNo: null, method: 'card', language: 'en' });
    await call('payment.cancel', { intentId: id(3) });
    await call('services.catalog', {});
    // Over his limit of 130.00 a month: held for staff.
    const add = { action: 'add', offeringId: 'MOB-UNL', parentProductId: null };
    await call('order.preview', add);
    await call('order.submit', { requestId: id(4), order: add });
    const { creditLimit } = (await call('credit.status', {})) as { creditLimit: { amountMinor: number } };
    // Above the kiosk's allowance: the rest is referred to staff.
    await call('credit.request', { requestId: id(1), requestedLimitMinor: creditLimit.amountMinor + 25_000 });
    const { offers } = (await call('offers.list', {})) as { offers: { id: string }[] };
    await call('offers.accept', { requestId: id(5), offerId: offers[0]?.id });
    await call('help.call', { screen: 'overview' });
    await call('session.signOut', {});
    // Staff in assist mode; a wrong PIN first, which is on the trail too.
    await call('staff.signIn', { staffId: LUCIA.id, pin: '0000' });
    await call('staff.signIn', { staffId: LUCIA.id, pin: LUCIA.pin });
    await call('staff.session', {});
    await call('staff.touch', {});
    const { referrals } = (await call('assist.creditReferrals', {})) as { referrals: { requestId: string }[] };
    await call('assist.decideCredit', { requestId: referrals[0]?.requestId, decision: 'decline', reason: 'Income not shown' });
    const held = (await call('assist.orderReferrals', {})) as { referrals: { orderId: string }[] };
    await call('assist.decideOrder', { orderId: held.referrals[0]?.orderId, decision: 'decline', reason: 'Customer changed their mind' });
    const { matches } = (await call('assist.lookup', { query: ELENA.identifier })) as { matches: { accountId: string }[] };
    await call('assist.openAccount', { accountId: matches[0]?.accountId, checks: ['photoId'] });
    await call('assist.takeCash', { requestId: id(7), amountMinor: 500, billNo: null, language: 'es' });
    await call('assist.lateFees', {});
    await call('assist.waiveFee', { requestId: id(8), billNo: ELENA_FEE.billNo, reason: 'Paid late because of a bank error' });
    await call('assist.adjust', { requestId: id(9), direction: 'credit', amountMinor: 100, reason: 'Goodwill after a network outage' });
    await call('assist.resetPin', { newPin: '9753', reason: 'Forgot her PIN' });
    const { calls: waiting } = (await call('assist.helpCalls', {})) as { calls: { id: string }[] };
    await call('assist.closeHelp', { id: waiting[0]?.id, note: 'Showed the overview' });
    await call('staff.signOut', {});
    return calls;
  } finally {
    db.close();
  }
}

describe('channels that write for headquarters wake sync', () => {
  it('every call of a channel marked `syncs` wakes sync once, succeeded or failed; no other call does', async () => {
    const calls = await everyChannel();
    // The visit reaches every channel of the contract: a new one must be added here, and so is checked.
    expect(new Set(calls.map((c) => c.channel))).toEqual(new Set(channelNames));
    const flagged = (c: ChannelName) => ('syncs' in channels[c] ? channels[c].syncs : false) === true;
    expect(calls.filter((c) => c.wakes !== (flagged(c.channel) ? 1 : 0))).toEqual([]);
    // A failed call wakes it too (the wrong staff PIN is on the trail).
    expect(calls.find((c) => c.channel === 'staff.signIn')).toMatchObject({ ok: false, wakes: 1, outboxGrew: 1 });
  });

  it('a channel writes an outbox row only if the contract marks it `syncs`, and every marked one does', async () => {
    const calls = await everyChannel();
    const wrote = new Set(calls.filter((c) => c.outboxGrew > 0).map((c) => c.channel));
    const marked = new Set(channelNames.filter((c) => 'syncs' in channels[c]));
    expect(wrote).toEqual(marked);
    // The three that used to wait for the 15 s poll.
    for (const c of ['assist.decideCredit', 'assist.openAccount', 'assist.closeHelp'] as const) expect(calls.find((x) => x.channel === c)).toMatchObject({ ok: true, wakes: 1 });
    // Everything else went as a visit goes: only the cancel of a payment that is not in progress is refused, and the wrong PIN.
    expect(calls.filter((c) => !c.ok).map((c) => c.channel)).toEqual(['payment.cancel', 'staff.signIn']);
  });
});
