import { describe, expect, it, vi } from 'vitest';
import type { CreditReferral, CustomerMatch, HelpCallView, OrderReferral, StaffSessionInfo } from '../../shared/contract/assist.ts';
import type { PaymentQuote, PaymentResult } from '../../shared/contract/payments.ts';
import { AdjustmentsJourney, CounterCashJourney, PinResetJourney } from '../../renderer/src/lib/state/assist-account.svelte.ts';
import { AssistDesk } from '../../renderer/src/lib/state/assist-desk.svelte.ts';
import { AssistState, supervisorProblemFromError } from '../../renderer/src/lib/state/assist.svelte.ts';
import { Translator } from '../../shared/i18n/translator.ts';
import { authorityProblemText, limitText } from '../../renderer/src/lib/authority-text.ts';
import { AppState } from '../../renderer/src/lib/state/app.svelte.ts';
import { eur, FakeKiosk, failure, sessionInfo, settle } from './fixtures.ts';

const lucia: StaffSessionInfo = { staffId: 'AG-1001', name: 'Lucía Martín', role: 'agent', idle: { timeoutSeconds: 40, warningSeconds: 10 } };
const elena: CustomerMatch = { accountId: 'acc-elena', accountNo: '4000000010', name: 'Elena Romero', phonesLast3: ['004', '001'] };
const referral = (requestId: string, requestedMinor: number): CreditReferral => ({
  requestId,
  accountId: `acc-${requestId}`,
  accountNo: '4000000002',
  customerName: 'James Taylor',
  currentLimit: eur(40_000),
  requestedLimit: eur(requestedMinor),
  requestedAt: '2026-11-27T09:00:00.000Z',
});
const order: OrderReferral = {
  orderId: 'ord-1',
  accountId: 'acc-james',
  accountNo: '4000000002',
  customerName: 'James Taylor',
  action: 'add',
  offeringName: 'TV Cinema',
  monthlyBefore: eur(9_000),
  monthlyAfter: eur(10_500),
  monthlyChange: eur(1_500),
  requestedAt: '2026-11-27T09:02:00.000Z',
};
const call: HelpCallView = { id: 'help-1', screen: 'pay', calledAt: '2026-11-27T09:05:00.000Z', accountNo: null, customerName: null };

/** The core's refusals (AuthorityRefusal details), as the fakes below answer them. */
const overLimit = { needs: 'supervisor', reason: 'overLimit', kind: 'creditLimitMinor', staffId: 'AG-1001', limit: 'perRequest', limitMinor: 60_000, usedTodayMinor: 0, leftMinor: 100_000, currency: 'EUR' } as const;
const headquarters = { needs: 'headquarters', kind: 'creditLimitMinor', limit: 'perRequest', limitMinor: 500_000, currency: 'EUR' } as const;

/**
 * A fake core in assist mode: an agent whose authority ends at 600.00 of credit limit, a
 * supervisor SV-2001 (PIN 1357), another agent AG-1002; requests above 5,000.00 only headquarters decides.
 * The identity check asks for the agent's PIN (2468) again while `pinStale` is set.
 */
function assistKiosk() {
  const fake = new FakeKiosk();
  const state = { pinStale: false };
  const referrals = [referral('r-1', 55_000), referral('r-2', 70_000), referral('r-3', 600_000)];
  const calls = [call];
  fake.respond('staff.session', () => ({ ok: true, value: lucia }));
  fake.respond('assist.lookup', (input) => {
    const { query } = input as { query: string };
    return { ok: true, value: query === '4000000010' ? { matches: [elena], more: false } : { matches: [], more: true } };
  });
  fake.respond('assist.openAccount', (input) => {
    const { staffPin } = input as { staffPin?: string };
    if (staffPin !== undefined && staffPin !== '2468') return failure('AUTH_FAILED', "That staff id and PIN don't match.", { attemptsLeft: 4 });
    if (state.pinStale && staffPin === undefined) return failure('FORBIDDEN', 'Give your staff PIN again', { needs: 'staffPin' });
    return { ok: true, value: { ...sessionInfo, customerName: 'Elena Romero', language: 'es' } };
  });
  fake.respond('assist.creditReferrals', () => ({ ok: true, value: { referrals: [...referrals] } }));
  fake.respond('assist.decideCredit', (input) => {
    const { requestId, decision, supervisor } = input as { requestId: string; decision: 'approve' | 'decline'; supervisor?: { staffId: string; pin: string } };
    const found = referrals.find((r) => r.requestId === requestId);
    if (!found) return failure('NOT_FOUND', 'No such request is waiting for staff.');
    const amount = found.requestedLimit.amountMinor;
    if (decision === 'approve' && amount > 500_000) return failure('FORBIDDEN', 'This is beyond what anyone may approve at this kiosk: headquarters must decide.', headquarters);
    let approvedBy: string | null = null;
    if (decision === 'approve' && amount > 60_000) {
      if (!supervisor) return failure('FORBIDDEN', 'This is above your authority: a supervisor must confirm it with their PIN.', overLimit);
      if (supervisor.staffId === 'AG-1002') return failure('FORBIDDEN', 'Only a supervisor can confirm this.', { ...overLimit, reason: 'notSupervisor' });
      if (supervisor.pin !== '1357') return failure('AUTH_FAILED', "That staff id and PIN don't match.", { attemptsLeft: 4 });
      approvedBy = supervisor.staffId;
    }
    referrals.splice(referrals.indexOf(found), 1);
    return { ok: true, value: { requestId, decision, creditLimit: decision === 'approve' ? found.requestedLimit : found.currentLimit, approvedBy } };
  });
  fake.respond('assist.helpCalls', () => ({ ok: true, value: { calls: [...calls] } }));
  const orders = [order];
  fake.respond('assist.orderReferrals', () => ({ ok: true, value: { referrals: [...orders] } }));
  fake.respond('assist.decideOrder', (input) => {
    const { orderId, decision } = input as { orderId: string; decision: 'approve' | 'decline' };
    if (!orders.some((o) => o.orderId === orderId)) return failure('NOT_FOUND', 'No such order is waiting for staff.');
    orders.splice(0, 1);
    return { ok: true, value: { orderId, decision, state: decision === 'approve' ? 'acknowledged' : 'cancelled', approvedBy: null } };
  });
  fake.respond('assist.closeHelp', (input) => {
    calls.splice(calls.findIndex((c) => c.id === (input as { id: string }).id), 1);
    return { ok: true, value: {} };
  });
  return Object.assign(fake, { state });
}

async function openDesk(fake = assistKiosk()) {
  const assist = new AssistState(fake.api, { onEnded: vi.fn() });
  await assist.init();
  const onOpened = vi.fn();
  const desk = new AssistDesk(fake.api, assist, { onOpened });
  await desk.open();
  return { fake, assist, desk, onOpened };
}

describe('AssistDesk: find a customer and record the identity check', () => {
  it('searches from 2 characters (the keypad types digits), lists the matches and says when there are more', async () => {
    const { desk, fake } = await openDesk();
    desk.press('4');
    await desk.search();
    expect(desk.lookupProblem).toEqual({ kind: 'queryShort' });
    expect(desk.focusRequest?.target).toBe('query');
    expect(fake.callsTo('assist.lookup')).toEqual([]);
    for (const d of '000000010') desk.press(d);
    await desk.search();
    expect(fake.callsTo('assist.lookup')).toEqual([{ query: '4000000010' }]);
    expect(desk.matches).toEqual([elena]);
    expect(desk.more).toBe(false);
    expect(desk.focusRequest?.target).toBe('results');
    desk.setQuery('ro');
    await desk.search();
    expect([desk.matches, desk.more]).toEqual([[], true]);
  });

  it('opens the account only with at least one check, sending the checks in order and the note', async () => {
    const { desk, fake, onOpened } = await openDesk();
    desk.choose(elena);
    expect(desk.focusRequest?.target).toBe('check');
    await desk.openAccount();
    expect(desk.openProblem).toEqual({ kind: 'noCheck' });
    expect(fake.callsTo('assist.openAccount')).toEqual([]);
    desk.toggleCheck('dateOfBirth');
    desk.toggleCheck('address');
    desk.toggleCheck('photoId');
    desk.toggleCheck('address');
    expect(desk.openProblem).toBeNull();
    desk.setNote('  DNI seen ');
    await desk.openAccount();
    expect(fake.callsTo('assist.openAccount')).toEqual([{ accountId: 'acc-elena', checks: ['photoId', 'dateOfBirth'], note: 'DNI seen' }]);
    expect(onOpened).toHaveBeenCalledWith(expect.objectContaining({ customerName: 'Elena Romero' }));
  });

  it('when the core asks for the staff PIN again, asks for it in a dialog with their id shown and sends the same check with it', async () => {
    const fake = assistKiosk();
    fake.state.pinStale = true;
    const { desk, assist, onOpened } = await openDesk(fake);
    desk.choose(elena);
    desk.toggleCheck('photoId');
    const opening = desk.openAccount();
    await settle();
    const stepUp = assist.stepUp!;
    expect(stepUp.subject).toEqual({ kind: 'openAccount', customerName: 'Elena Romero' });
    expect([stepUp.form.fixedStaffId, stepUp.form.staffId, stepUp.form.active]).toEqual(['AG-1001', 'AG-1001', 'pin']);
    // The id is not for changing: only the PIN of the member of staff in assist mode is asked for.
    stepUp.form.setStaffId('SV-2001');
    stepUp.form.activate('staffId');
    expect([stepUp.form.staffId, stepUp.form.active]).toEqual(['AG-1001', 'pin']);
    for (const d of '1111') stepUp.form.press(d);
    await stepUp.form.enter();
    expect(stepUp.form.problem).toEqual({ kind: 'authFailed', attemptsLeft: 4 });
    expect(assist.stepUp).toBe(stepUp);
    for (const d of '2468') stepUp.form.press(d);
    await stepUp.form.enter();
    await opening;
    expect(assist.stepUp).toBeNull();
    expect(fake.callsTo('assist.openAccount')).toEqual([
      { accountId: 'acc-elena', checks: ['photoId'] },
      { accountId: 'acc-elena', checks: ['photoId'], staffPin: '1111' },
      { accountId: 'acc-elena', checks: ['photoId'], staffPin: '2468' },
    ]);
    expect(onOpened).toHaveBeenCalledTimes(1);
  });

  it('closing the PIN dialog opens nothing and says the PIN was not given', async () => {
    const fake = assistKiosk();
    fake.state.pinStale = true;
    const { desk, assist, onOpened } = await openDesk(fake);
    desk.choose(elena);
    desk.toggleCheck('photoId');
    const opening = desk.openAccount();
    await settle();
    assist.cancelStepUp();
    await opening;
    expect(desk.openProblem).toEqual({ kind: 'cancelled', by: 'staffPin' });
    expect(authorityProblemText(desk.openProblem as never, new Translator('en'))).toBe('Not done: the staff PIN was not given.');
    expect(onOpened).not.toHaveBeenCalled();
    expect(fake.callsTo('assist.openAccount')).toHaveLength(1);
  });
});

describe('AssistDesk: referred credit requests and dual control', () => {
  it('needs a reason; within authority the decision is sent once and the request leaves the queue', async () => {
    const { desk, fake, assist } = await openDesk();
    expect(desk.referrals.map((r) => r.requestId)).toEqual(['r-1', 'r-2', 'r-3']);
    desk.startDecision({ kind: 'credit', referral: desk.referrals[0]! }, 'approve');
    desk.setReason(' ok ');
    await desk.decide();
    expect(desk.decideProblem).toEqual({ kind: 'noReason' });
    desk.setReason('Pays on time');
    await desk.decide();
    expect(fake.callsTo('assist.decideCredit')).toEqual([{ requestId: 'r-1', decision: 'approve', reason: 'Pays on time' }]);
    expect(assist.confirmation).toBeNull();
    expect(desk.decided?.result).toEqual({ requestId: 'r-1', decision: 'approve', creditLimit: eur(55_000), approvedBy: null });
    expect(desk.referrals.map((r) => r.requestId)).toEqual(['r-2', 'r-3']);
    expect(desk.focusRequest?.target).toBe('decided');
  });

  it('above authority asks a supervisor in a dialog and re-sends the same decision with them; their errors stay in the dialog', async () => {
    const { desk, fake, assist } = await openDesk();
    desk.startDecision({ kind: 'credit', referral: desk.referrals[1]! }, 'approve');
    desk.setReason('Income checked');
    const deciding = desk.decide();
    await settle();
    const confirmation = assist.confirmation!;
    expect(confirmation.subject).toEqual({ kind: 'creditApprove', customerName: 'James Taylor', limit: eur(70_000) });
    expect(limitText(confirmation.why, new Translator('en'))).toBe('Above your limit for one request (credit): €600.00. Left of your day: €1,000.00.');
    expect(assist.dialogOpen).toBe(true);
    expect(desk.deciding).toBe(true);
    const form = confirmation.form;
    form.setStaffId('AG-1002');
    form.setPin('8642');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'notSupervisor' });
    expect(form.focusRequest?.target).toBe('staffId');
    form.setStaffId('sv-2001');
    form.setPin('0000');
    await form.submit();
    expect(form.problem).toEqual({ kind: 'authFailed', attemptsLeft: 4 });
    expect(form.pin).toBe('');
    form.setPin('1357');
    await form.submit();
    await deciding;
    expect(assist.confirmation).toBeNull();
    expect(desk.decided?.result.approvedBy).toBe('SV-2001');
    const sent = fake.callsTo('assist.decideCredit');
    expect(sent).toHaveLength(4);
    expect(sent[3]).toEqual({ requestId: 'r-2', decision: 'approve', reason: 'Income checked', supervisor: { staffId: 'SV-2001', pin: '1357' } });
  });

  it('cancelling the supervisor’s dialog sends nothing more; beyond anyone’s authority says headquarters decides', async () => {
    const { desk, assist } = await openDesk();
    desk.startDecision({ kind: 'credit', referral: desk.referrals[1]! }, 'approve');
    desk.setReason('Income checked');
    const deciding = desk.decide();
    await settle();
    assist.cancelConfirmation();
    await deciding;
    expect(desk.decideProblem).toEqual({ kind: 'cancelled', by: 'supervisor' });
    expect(desk.referrals).toHaveLength(3);

    desk.startDecision({ kind: 'credit', referral: desk.referrals[2]! }, 'approve');
    desk.setReason('Big business account');
    await desk.decide();
    expect(assist.confirmation).toBeNull();
    expect(desk.decideProblem).toEqual({ kind: 'beyondAuthority', refusal: headquarters });
    expect(authorityProblemText(desk.decideProblem as never, new Translator('en'))).toBe(
      'Beyond what anyone may approve at this kiosk (credit: €5,000.00 in one request): headquarters must decide.',
    );
  });

  it('decides a held order the same way, with a reason, and it leaves its queue', async () => {
    const { desk, fake } = await openDesk();
    expect(desk.orders).toEqual([order]);
    desk.startDecision({ kind: 'order', order }, 'decline');
    expect(desk.drafting('ord-1')?.decision).toBe('decline');
    expect(desk.drafting('r-1')).toBeNull();
    desk.setReason('Customer changed their mind');
    await desk.decide();
    expect(fake.callsTo('assist.decideOrder')).toEqual([{ orderId: 'ord-1', decision: 'decline', reason: 'Customer changed their mind' }]);
    expect(desk.decided).toMatchObject({ kind: 'order', result: { state: 'cancelled' } });
    expect([desk.orders, desk.ordersLoad]).toEqual([[], 'empty']);
  });

  it('reads the core’s dual-control refusals, and says each limit with what is left in every language', () => {
    expect(supervisorProblemFromError({ code: 'FORBIDDEN', message: 'x', details: { ...overLimit, reason: 'notSupervisor' } })).toEqual({ kind: 'notSupervisor' });
    expect(supervisorProblemFromError({ code: 'FORBIDDEN', message: 'x', details: { ...overLimit, reason: 'ownAction' } })).toEqual({ kind: 'ownAction' });
    expect(supervisorProblemFromError({ code: 'FORBIDDEN', message: 'x', details: headquarters })).toEqual({ kind: 'beyondAuthority' });
    const theirDay = { ...overLimit, reason: 'supervisorOverLimit', kind: 'counterCashMinor', staffId: 'SV-2001', limit: 'perDay', limitMinor: 300_000, usedTodayMinor: 200_000, leftMinor: 100_000 } as const;
    expect(supervisorProblemFromError({ code: 'FORBIDDEN', message: 'x', details: theirDay })).toEqual({ kind: 'supervisorLimit', refusal: theirDay });
    const myDay = { ...overLimit, kind: 'adjustmentMinor', limit: 'perDay', limitMinor: 12_000, usedTodayMinor: 10_000, leftMinor: 2_000 } as const;
    expect(limitText(myDay, new Translator('en'))).toBe('Above what is left of your day (adjustments): €20.00 of €120.00 left, €100.00 used today.');
    expect(limitText(myDay, new Translator('es'))).toBe('Supera lo que te queda hoy (ajustes): quedan 20,00\u00a0€ de 120,00\u00a0€; usado hoy: 100,00\u00a0€.');
    expect(limitText(myDay, new Translator('ar')).replace(/[\u2066-\u2069\u200e\u200f]/g, '').replace(/\u00a0/g, ' ')).toBe('يتجاوز ما تبقى لك اليوم (التسويات): تبقى 20.00 € من 120.00 €، واستُخدم 100.00 € اليوم.');
    expect(limitText(theirDay, new Translator('en'))).toBe("SV-2001 has €1,000.00 left of today's €3,000.00 (cash at the counter), €2,000.00 used. Another supervisor must confirm it.");
    expect(supervisorProblemFromError({ code: 'LOCKED_OUT', message: 'x', details: { lockedUntil: '2026-11-27T10:00:00.000Z' } })).toEqual({ kind: 'lockedOut', lockedUntil: '2026-11-27T10:00:00.000Z' });
  });
});

describe('AssistDesk: calls for staff', () => {
  it('closes a call with an optional note; the list says when nobody is waiting', async () => {
    const { desk, fake } = await openDesk();
    expect(desk.calls).toEqual([call]);
    desk.startClosing(call);
    desk.setCloseNote('Showed how to pay one bill');
    await desk.closeCall();
    expect(fake.callsTo('assist.closeHelp')).toEqual([{ id: 'help-1', note: 'Showed how to pay one bill' }]);
    expect(desk.calls).toEqual([]);
    expect(desk.callsLoad).toBe('empty');
  });
});

const quote: PaymentQuote = { balance: eur(19_857), totalDue: eur(19_857), openBills: [], maxAmount: eur(200_000), cashDenominations: [] };
const taken = (amountMinor: number): PaymentResult => ({
  intentId: 'req-1',
  status: 'approved',
  method: 'cash',
  amountAsked: eur(amountMinor),
  amountTaken: eur(amountMinor),
  reason: null,
  receipt: {
    transactionNo: 'req-1',
    kioskId: 'KIOSK-001',
    branchName: 'Madrid Gran Vía',
    issuedAt: '2026-11-27T09:10:00.000Z',
    accountNoLast4: '0010',
    amount: eur(amountMinor),
    method: { kind: 'cash', inserted: eur(amountMinor), change: eur(0) },
    paidBills: [],
    creditOnAccount: eur(0),
    balanceAfter: eur(19_857 - amountMinor),
    qrPayload: 'x',
    staffId: 'AG-1001',
    printed: true,
  },
});

describe('CounterCashJourney', () => {
  it('takes the typed amount once per request id; a retry after no answer repeats the same id', async () => {
    const fake = new FakeKiosk();
    fake.respond('payment.quote', () => ({ ok: true, value: quote }));
    let answer = failure('INTERNAL', 'link lost');
    fake.respond('assist.takeCash', () => answer);
    let n = 0;
    const journey = new CounterCashJourney(fake.api, new AssistState(fake.api, { onEnded: vi.fn() }), { onSignedOut: vi.fn(), newId: () => `req-${++n}` });
    await journey.open();
    await journey.take('en');
    expect(journey.problem).toEqual({ kind: 'empty' });
    for (const k of '50.005') journey.press(k);
    expect(journey.amount).toBe('50.00');
    await journey.take('en');
    expect(journey.problem).toEqual({ kind: 'failed' });
    answer = { ok: true, value: taken(5_000) } as never;
    await journey.take('en');
    expect(fake.callsTo('assist.takeCash')).toEqual([
      { requestId: 'req-1', amountMinor: 5_000, billNo: null, language: 'en' },
      { requestId: 'req-1', amountMinor: 5_000, billNo: null, language: 'en' },
    ]);
    expect(journey.result?.receipt?.staffId).toBe('AG-1001');
    expect(journey.focusRequest?.target).toBe('result');
    journey.again();
    journey.setAmount('10');
    await journey.take('en');
    expect((fake.callsTo('assist.takeCash')[2] as { requestId: string }).requestId).toBe('req-2');
  });
});

describe('CounterCashJourney: authority', () => {
  it('above the staff member’s counter-cash authority a supervisor confirms the same payment; cancelled, nothing is taken', async () => {
    const fake = new FakeKiosk();
    fake.respond('payment.quote', () => ({ ok: true, value: quote }));
    fake.respond('assist.takeCash', (input) => {
      const { amountMinor, supervisor } = input as { amountMinor: number; supervisor?: { staffId: string; pin: string } };
      if (amountMinor > 30_000 && supervisor?.pin !== '1357') return failure('FORBIDDEN', 'above', { ...overLimit, kind: 'counterCashMinor', limitMinor: 30_000, leftMinor: 150_000 });
      return { ok: true, value: taken(amountMinor) };
    });
    const assist = new AssistState(fake.api, { onEnded: vi.fn() });
    let n = 0;
    const journey = new CounterCashJourney(fake.api, assist, { onSignedOut: vi.fn(), newId: () => `req-${++n}` });
    await journey.open();
    journey.setAmount('2000');
    const first = journey.take('en');
    await settle();
    expect(assist.confirmation?.subject).toEqual({ kind: 'counterCash', amount: eur(200_000) });
    expect(limitText(assist.confirmation!.why, new Translator('en'))).toBe('Above your limit for one request (cash at the counter): €300.00. Left of your day: €1,500.00.');
    assist.cancelConfirmation();
    await first;
    expect(journey.problem).toEqual({ kind: 'cancelled', by: 'supervisor' });
    expect(journey.result).toBeNull();
    const second = journey.take('en');
    await settle();
    assist.confirmation!.form.setStaffId('SV-2001');
    assist.confirmation!.form.setPin('1357');
    await assist.confirmation!.form.submit();
    await second;
    expect(journey.result?.amountTaken).toEqual(eur(200_000));
    expect(fake.callsTo('assist.takeCash').map((c) => [(c as { requestId: string }).requestId, 'supervisor' in (c as object)])).toEqual([
      ['req-1', false],
      ['req-2', false],
      ['req-2', true],
    ]);
  });
});

describe('PinResetJourney', () => {
  it('needs a reason and the same 4-digit PIN twice; the PINs are forgotten once sent', async () => {
    const fake = new FakeKiosk();
    fake.respond('assist.resetPin', () => ({ ok: true, value: {} }));
    const journey = new PinResetJourney(fake.api, new AssistState(fake.api, { onEnded: vi.fn() }), { onSignedOut: vi.fn() });
    await journey.submit();
    expect(journey.problem).toEqual({ kind: 'noReason' });
    journey.setReason('Forgot the PIN');
    for (const d of '43219') journey.press(d);
    expect(journey.pin).toBe('4321');
    await journey.enter();
    expect(journey.active).toBe('confirm');
    for (const d of '4312') journey.press(d);
    await journey.enter();
    expect(journey.problem).toEqual({ kind: 'mismatch' });
    expect(journey.confirm).toBe('');
    expect(fake.callsTo('assist.resetPin')).toEqual([]);
    for (const d of '4321') journey.press(d);
    await journey.enter();
    expect(fake.callsTo('assist.resetPin')).toEqual([{ newPin: '4321', reason: 'Forgot the PIN' }]);
    expect([journey.done, journey.pin, journey.confirm]).toEqual([true, '', '']);
  });

  it('when the core asks for the staff PIN again, sends the same new PIN with it once given', async () => {
    const fake = new FakeKiosk();
    fake.respond('staff.session', () => ({ ok: true, value: lucia }));
    fake.respond('assist.resetPin', (input) =>
      (input as { staffPin?: string }).staffPin === '2468' ? { ok: true, value: {} } : failure('FORBIDDEN', 'Give your staff PIN again', { needs: 'staffPin' }),
    );
    const assist = new AssistState(fake.api, { onEnded: vi.fn() });
    await assist.init();
    const journey = new PinResetJourney(fake.api, assist, { onSignedOut: vi.fn() });
    journey.setReason('Forgot the PIN');
    journey.set('pin', '4321');
    journey.set('confirm', '4321');
    const sending = journey.submit();
    await settle();
    expect(assist.stepUp?.subject).toEqual({ kind: 'resetPin' });
    assist.stepUp!.form.setPin('2468');
    await assist.stepUp!.form.submit();
    await sending;
    expect(fake.callsTo('assist.resetPin')).toEqual([
      { newPin: '4321', reason: 'Forgot the PIN' },
      { newPin: '4321', reason: 'Forgot the PIN', staffPin: '2468' },
    ]);
    expect([journey.done, journey.pin, journey.confirm]).toEqual([true, '', '']);
  });
});

describe('AdjustmentsJourney', () => {
  function adjustKiosk() {
    const fake = assistKiosk();
    const fees = [
      { billNo: '4000000010-202611', billDate: '2026-11-10', amount: eur(500), waived: false },
      { billNo: '4000000010-202610', billDate: '2026-10-10', amount: eur(500), waived: true },
    ];
    fake.respond('assist.lateFees', () => ({ ok: true, value: { fees: fees.map((f) => ({ ...f })) } }));
    fake.respond('assist.waiveFee', (input) => {
      const fee = fees.find((f) => f.billNo === (input as { billNo: string }).billNo)!;
      if (fee.waived) return failure('CONFLICT', 'already waived');
      fee.waived = true;
      return { ok: true, value: { adjustmentId: 'adj-1', kind: 'feeWaiver', amount: eur(-500), balanceAfter: eur(19_357), approvedBy: null } };
    });
    fake.respond('assist.adjust', (input) => {
      const { amountMinor, direction, supervisor } = input as { amountMinor: number; direction: string; supervisor?: { staffId: string; pin: string } };
      if (amountMinor > 5_000 && !supervisor) return failure('FORBIDDEN', 'above', { ...overLimit, kind: 'adjustmentMinor', limitMinor: 5_000, leftMinor: 15_000 });
      const signed = direction === 'credit' ? -amountMinor : amountMinor;
      return { ok: true, value: { adjustmentId: 'adj-2', kind: 'adjustment', amount: eur(signed), balanceAfter: eur(19_357 + signed), approvedBy: supervisor?.staffId ?? null } };
    });
    return fake;
  }

  it('waives a fee once with a reason; a waived fee cannot be chosen again', async () => {
    const fake = adjustKiosk();
    const assist = new AssistState(fake.api, { onEnded: vi.fn() });
    let n = 0;
    const journey = new AdjustmentsJourney(fake.api, assist, { onSignedOut: vi.fn(), newId: () => `id-${++n}` });
    await journey.open();
    expect(journey.fees.map((f) => f.waived)).toEqual([false, true]);
    journey.startWaiver(journey.fees[1]!);
    expect(journey.waiver).toBeNull();
    journey.startWaiver(journey.fees[0]!);
    expect(journey.focusRequest?.target).toBe('waiverReason');
    await journey.waive();
    expect(journey.problem).toEqual({ about: 'waiver', problem: { kind: 'noReason' } });
    journey.setWaiverReason('First late payment');
    await journey.waive();
    expect(fake.callsTo('assist.waiveFee')).toEqual([{ requestId: 'id-1', billNo: '4000000010-202611', reason: 'First late payment' }]);
    expect(journey.done?.balanceAfter).toEqual(eur(19_357));
    expect(journey.waiver).toBeNull();
    expect(journey.fees.every((f) => f.waived)).toBe(true);
  });

  it('credits the account; above authority a supervisor confirms the same adjustment', async () => {
    const fake = adjustKiosk();
    const assist = new AssistState(fake.api, { onEnded: vi.fn() });
    let n = 0;
    const journey = new AdjustmentsJourney(fake.api, assist, { onSignedOut: vi.fn(), newId: () => `id-${++n}` });
    await journey.open();
    await journey.adjust();
    expect(journey.problem?.problem).toEqual({ kind: 'empty' });
    for (const k of '75') journey.press(k);
    await journey.adjust();
    expect(journey.problem?.problem).toEqual({ kind: 'noReason' });
    journey.setReason('Goodwill: outage last week');
    const adjusting = journey.adjust();
    await settle();
    expect(assist.confirmation?.subject).toEqual({ kind: 'adjustment', direction: 'credit', amount: eur(7_500) });
    assist.confirmation!.form.setStaffId('SV-2001');
    assist.confirmation!.form.setPin('1357');
    await assist.confirmation!.form.submit();
    await adjusting;
    expect(fake.callsTo('assist.adjust')).toEqual([
      { requestId: 'id-1', direction: 'credit', amountMinor: 7_500, reason: 'Goodwill: outage last week' },
      { requestId: 'id-1', direction: 'credit', amountMinor: 7_500, reason: 'Goodwill: outage last week', supervisor: { staffId: 'SV-2001', pin: '1357' } },
    ]);
    expect(journey.done).toMatchObject({ amount: eur(-7_500), approvedBy: 'SV-2001' });
    expect([journey.amount, journey.reason]).toEqual(['', '']);
  });
});

describe('AppState in assist mode: the desk', () => {
  it('staff signing in with no customer land on the desk; opening an account keeps the staff’s language and shows it', async () => {
    const fake = assistKiosk();
    let staff: StaffSessionInfo | null = null;
    fake.respond('staff.session', () => ({ ok: true, value: staff }));
    fake.respond('staff.signIn', () => ((staff = lucia), { ok: true, value: lucia }));
    const app = new AppState(fake.api, { wipe: vi.fn() });
    await app.init();
    await settle();
    app.open('counterCash');
    expect(app.screen).toBe('attract'); // nobody signed in
    app.assist.openSignIn();
    app.assist.form!.setStaffId('AG-1001');
    app.assist.form!.setPin('2468');
    await app.assist.form!.submit();
    expect(app.screen).toBe('desk');
    await settle();
    const desk = app.journeyOn('desk')!;
    desk.choose(elena);
    desk.toggleCheck('photoId');
    await desk.openAccount();
    expect(app.screen).toBe('overview');
    expect(app.journeyOn('desk')).toBeNull();
    expect(app.language).toBe('en'); // Elena's is Spanish; staff keep theirs
    app.open('counterCash');
    expect(app.screen).toBe('counterCash');
    app.backToAccount();
    app.open('unlock');
    expect(app.screen).toBe('unlock');
    app.backToAccount();
    app.open('adjust');
    expect(app.screen).toBe('adjust');
    app.openDesk();
    expect(app.screen).toBe('desk');
    app.leaveDesk();
    expect(app.screen).toBe('overview');
    app.dispose();
  });
});
