// Must stay the first import: it configures zod before shared/contract builds its schemas.
import './lib/zod-config.ts';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { kiosk } from './lib/kiosk.ts';
import { wipe } from './lib/wipe.ts';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

mount(App, { target, props: { api: kiosk, wipe: () => wipe() } });
