import type { Language } from '../locales.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import { es } from './es.ts';
import type { Messages } from './types.ts';

/** Every word the kiosk shows or prints, per language: the screens and the paper read the same files. */
export const catalogues: Readonly<Record<Language, Messages>> = { en, es, ar };

/** Each language's name written in that language, for the language buttons. */
export const languageNames: Readonly<Record<Language, string>> = { en: 'English', es: 'Español', ar: 'العربية' };
