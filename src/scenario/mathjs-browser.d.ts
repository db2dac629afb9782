// mathjs ships no types for its single-file build; it is the same default instance as the package's main entry,
// with `create` (there with every function's factory already bound) for a new instance of its own.
declare module 'mathjs/lib/browser/math.js' {
  import type { MathJsInstance } from 'mathjs';
  const math: MathJsInstance & { create(): MathJsInstance };
  export default math;
}
