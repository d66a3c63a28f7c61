import type { en } from './en.ts';

/** A message whose wording depends on a number; `other` is always required (CLDR). */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string };

type English = typeof en;

/** Every catalogue has exactly the English keys; a plain string stays a string, a plural stays plural. */
export type Messages = {
  readonly [K in keyof English]: English[K] extends string ? string : PluralMessage;
};

export type MessageKey = keyof Messages;
/** Keys of plain messages, for `t()`. */
export type TextKey = { [K in MessageKey]: English[K] extends string ? K : never }[MessageKey];
/** Keys of plural messages, for `plural()`. */
export type PluralKey = Exclude<MessageKey, TextKey>;
