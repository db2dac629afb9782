import { all, create } from 'mathjs';
import type { FactoryFunctionMap } from 'mathjs';

/**
 * mathjs's default instance for the page's bundles, made as mathjs's own `defaultInstance.js` makes it:
 * `create(all)`, the instance `mathjs/lib/browser/math.js` holds (bundle.ts puts this module in its
 * place). Built by esbuild from mathjs's ES modules, its functions are made when first used; the
 * prebuilt single file took about three times as long to start in a Web Worker, for the same functions.
 */
// mathjs's types allow `all` to be missing; the full ES build, the one bundled here, always has it.
export default create(all as FactoryFunctionMap);
