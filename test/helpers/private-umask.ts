// Every node test runs as the kiosk hosts do (electron/main.ts, electron/browser-host/main.ts):
// umask 077 first, or the core refuses to start (files it makes would be readable by others).
import { restrictUmask } from '../../electron/core/security/data-folder.ts';

restrictUmask();
