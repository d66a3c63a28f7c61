import { createContext } from 'svelte';
import type { AppState } from './state/app.svelte.ts';

/** The app state (and through it the API) for every component below App. */
export const [getApp, setApp] = createContext<AppState>();
