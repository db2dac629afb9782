// mathjs ships no types for its single-file build; it is the same default instance as the package's main entry.
declare module 'mathjs/lib/browser/math.js' {
  import type { MathJsInstance } from 'mathjs';
  const math: MathJsInstance;
  export default math;
}
