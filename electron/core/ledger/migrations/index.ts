import type { Database } from 'better-sqlite3';
import * as initial from './0001-initial.ts';
import * as requests from './0002-requests.ts';
import * as paymentIntents from './0003-payment-intents.ts';
import * as productOrders from './0004-product-orders.ts';
import * as sync from './0005-sync.ts';
import * as centralDecisions from './0006-central-decisions.ts';
import * as audit from './0007-audit.ts';
import * as staff from './0008-staff.ts';
import * as staffDecisions from './0009-staff-decisions.ts';
import * as assistedPayments from './0010-assisted-payments.ts';
import * as adjustments from './0011-adjustments.ts';
import * as orderStaffDecisions from './0012-order-staff-decisions.ts';
import * as auditOutbox from './0013-audit-outbox.ts';
import * as pinThrottle from './0014-pin-throttle.ts';
import * as staffAuthorityUses from './0015-staff-authority-uses.ts';
import * as keyedAuditChain from './0016-keyed-audit-chain.ts';
import * as appendOnlyMoney from './0017-append-only-money.ts';
import * as outboxSchemaVersion from './0018-outbox-schema-version.ts';

export interface Migration {
  name: string;
  up(db: Database): void;
}

/** In order; append new migrations, never edit applied ones. */
export const migrations: Migration[] = [
  { name: '0001-initial', up: initial.up },
  { name: '0002-requests', up: requests.up },
  { name: '0003-payment-intents', up: paymentIntents.up },
  { name: '0004-product-orders', up: productOrders.up },
  { name: '0005-sync', up: sync.up },
  { name: '0006-central-decisions', up: centralDecisions.up },
  { name: '0007-audit', up: audit.up },
  { name: '0008-staff', up: staff.up },
  { name: '0009-staff-decisions', up: staffDecisions.up },
  { name: '0010-assisted-payments', up: assistedPayments.up },
  { name: '0011-adjustments', up: adjustments.up },
  { name: '0012-order-staff-decisions', up: orderStaffDecisions.up },
  { name: '0013-audit-outbox', up: auditOutbox.up },
  { name: '0014-pin-throttle', up: pinThrottle.up },
  { name: '0015-staff-authority-uses', up: staffAuthorityUses.up },
  { name: '0016-keyed-audit-chain', up: keyedAuditChain.up },
  { name: '0017-append-only-money', up: appendOnlyMoney.up },
  { name: '0018-outbox-schema-version', up: outboxSchemaVersion.up },
];
