// After sign-out: remove every paper kept on this device for offline reading.
import { purgeOfflineCache } from "./reader/offline.js";

purgeOfflineCache().catch(() => {
  /* nothing cached, or no service worker support: nothing to remove */
});
