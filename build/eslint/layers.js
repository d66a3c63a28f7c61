import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers inside shared/ and electron/core/, as an allow-list in the manner of VS Code's
 * code-import-patterns: every folder is a layer, each layer names the layers it may import, and
 * anything not named is refused. A file in no layer is refused too, so a new folder must be
 * placed here before it can be used. docs/architecture.md draws the same picture.
 */
const layers = {
  // shared/: runs in every runtime (the renderer too), pure, lowest first.
  'shared-domain': { pattern: 'shared/domain', may: [] },
  // The files directly in shared/ (money, calendar, errors, ids, locales, …).
  'shared-base': { pattern: 'shared', may: ['shared-domain'] },
  'shared-i18n': { pattern: 'shared/i18n', may: ['shared-domain', 'shared-base'] },
  'shared-billing': { pattern: 'shared/billing', may: ['shared-domain', 'shared-base'] },
  // The vocabulary of replicated facts (changes.ts) and the kiosk ⇄ hub protocol.
  'shared-sync': { pattern: 'shared/sync', may: ['shared-billing', 'shared-domain', 'shared-base'] },
  'shared-ledger': { pattern: 'shared/ledger', may: ['shared-sync', 'shared-billing', 'shared-domain', 'shared-base'] },
  'shared-contract': { pattern: 'shared/contract', may: ['shared-ledger', 'shared-sync', 'shared-billing', 'shared-domain', 'shared-base'] },
  'shared-demo': { pattern: 'shared/demo', may: ['shared-sync', 'shared-ledger', 'shared-billing', 'shared-domain', 'shared-base'] },
  // Node only (kiosk core and hub); the rest of shared/ never imports it.
  'shared-node': { pattern: 'shared/node', may: ['shared-demo', 'shared-sync', 'shared-ledger', 'shared-billing', 'shared-domain', 'shared-base'] },

  // electron/core/: the kiosk's main-process logic, lowest first.
  'core-migrations': { pattern: 'electron/core/ledger/migrations', may: ['shared-base', 'shared-node'] },
  // The log and the event bus every part of the core may use.
  'core-infra': { pattern: 'electron/core/infra', may: ['shared-node', 'shared-contract', 'shared-domain', 'shared-base'] },
  'core-settings': { pattern: 'electron/core/settings', may: ['shared-contract', 'shared-demo', 'shared-domain', 'shared-base'] },
  'core-ledger': { pattern: 'electron/core/ledger', may: ['core-migrations', 'shared-node', 'shared-sync', 'shared-contract', 'shared-ledger', 'shared-billing', 'shared-domain', 'shared-base'] },
  'core-security': { pattern: 'electron/core/security', may: ['core-ledger', 'shared-node', 'shared-base'] },
  'core-audit': { pattern: 'electron/core/audit', may: ['core-migrations', 'core-ledger', 'core-security', 'shared-node', 'shared-sync', 'shared-domain', 'shared-base'] },
  'core-devices': { pattern: 'electron/core/devices', may: ['core-infra', 'shared-i18n', 'shared-contract', 'shared-billing', 'shared-domain', 'shared-base'] },
  'core-demo': { pattern: 'electron/core/demo', may: ['core-ledger', 'shared-node', 'shared-demo', 'shared-base'] },
  // The customer's services and staff's: one layer, since staff act on the customer's services.
  'core-services': {
    pattern: ['electron/core/services', 'electron/core/assist'],
    may: ['core-devices', 'core-audit', 'core-ledger', 'core-security', 'core-settings', 'core-infra', 'shared-node', 'shared-demo', 'shared-sync', 'shared-contract', 'shared-ledger', 'shared-billing', 'shared-domain', 'shared-base'],
  },
  'core-sync': { pattern: 'electron/core/sync', may: ['core-audit', 'core-ledger', 'core-security', 'core-settings', 'core-infra', 'shared-node', 'shared-sync', 'shared-contract', 'shared-domain', 'shared-base'] },
  'core-ipc': { pattern: 'electron/core/ipc', may: ['core-infra', 'shared-contract', 'shared-base'] },
  'core-channels': {
    pattern: 'electron/core/channels',
    may: ['core-ipc', 'core-services', 'core-sync', 'core-devices', 'core-audit', 'core-ledger', 'core-security', 'core-settings', 'core-infra', 'shared-node', 'shared-contract', 'shared-domain', 'shared-base', 'shared-i18n'],
  },
  // The files directly in electron/core/: the composition root, which may build from everything.
  'core-root': { pattern: 'electron/core', may: 'any' },
};

const depth = (pattern) => Math.max(...[pattern].flat().map((p) => p.split('/').length));

const coreOrShared = ['shared/**', 'electron/core/**'];

const policies = Object.entries(layers).map(([type, { may }]) => ({
  from: { element: { type } },
  allow: { to: { element: { types: { anyOf: may === 'any' ? Object.keys(layers) : [type, ...may] } } } },
}));

export const layerRules = [
  {
    files: coreOrShared,
    plugins: { boundaries },
    settings: {
      // A file belongs to the first element that matches: deeper folders first, so `shared` and `electron/core` take only the files directly in them.
      'boundaries/elements': Object.entries(layers)
        .map(([type, { pattern }]) => ({ type, pattern }))
        .sort((a, b) => depth(b.pattern) - depth(a.pattern)),
      'boundaries/include': coreOrShared,
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', policies }],
      'boundaries/no-unknown-files': 'error',
    },
  },
];
