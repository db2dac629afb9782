/**
 * The explore page's first script, a few lines loaded before the page's own (page.js, the engine and
 * its libraries, which take a second or more to load): it starts the Web Workers, so that they load
 * their script (the engine again) while the page loads its own. The page takes them over (explorer.ts).
 */

/** Workers per core: one, up to 16; `?workers=N` in the address sets how many. */
const requested = Number(new URLSearchParams(location.search).get('workers'));
const count = Math.max(1, Math.min(16, requested || navigator.hardwareConcurrency || 2));

(globalThis as { exploreWorkers?: Worker[] }).exploreWorkers = Array.from({ length: count }, () => new Worker('worker.js'));
