import type { HubQueryable } from '../hub-db.ts';
import * as central from './0001-central.ts';
import * as push from './0002-push.ts';
import * as operations from './0003-operations.ts';
import * as decisions from './0004-decisions.ts';
import * as tmf from './0005-tmf.ts';
import * as audit from './0006-audit.ts';
import * as staffDecisions from './0007-staff-decisions.ts';
import * as adjustments from './0008-adjustments.ts';
import * as orderStaffDecisions from './0009-order-staff-decisions.ts';
import * as tmfAnswers from './0010-tmf-answers.ts';
import * as appendOnlyMoney from './0011-append-only-money.ts';
import * as branchKeys from './0012-branch-keys.ts';

export interface HubMigration {
  name: string;
  up(tx: HubQueryable): Promise<void>;
}

/** In order; append new migrations, never edit applied ones. */
export const migrations: HubMigration[] = [
  { name: '0001-central', up: central.up },
  { name: '0002-push', up: push.up },
  { name: '0003-operations', up: operations.up },
  { name: '0004-decisions', up: decisions.up },
  { name: '0005-tmf', up: tmf.up },
  { name: '0006-audit', up: audit.up },
  { name: '0007-staff-decisions', up: staffDecisions.up },
  { name: '0008-adjustments', up: adjustments.up },
  { name: '0009-order-staff-decisions', up: orderStaffDecisions.up },
  { name: '0010-tmf-answers', up: tmfAnswers.up },
  { name: '0011-append-only-money', up: appendOnlyMoney.up },
  { name: '0012-branch-keys', up: branchKeys.up },
];
