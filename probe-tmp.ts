import { compileExpression, expressionVariables } from './src/scenario/expressions.js';
const allowed = ['cost','x','a','b','t'];
for (const src of ['cost * * 2', 'cost +', '(1 + 2', 'sqrt(1,', '@', 'x ) + 1', 'a b', 'a (b)', '2a', 'cost ==', '1..2', "'a'", '', '   ', '#c', 'x # comment', 'x\n', 'x;', 'cos.constructor', '[].constructor', '{a:1}', '1:3', 'a[1]', '5 cm', '__proto__', 'constructor', 'f(x)=x', 'evaluate("1")', 'import({}, {})', 'i', 'Infinity', 'null', 'x!', "x'", 'a ?? b', 'cbrt(8, true)', 'max()', '(cos)(1)', 'this', 'Function', 'α * 2', 'typeOf(1)', '1e400', 'a < b < c', 'a to b', '0x10 * a']) {
  try { const f = compileExpression(src, allowed); console.log(JSON.stringify(src), 'OK', f.variables) } catch (e: any) { console.log(JSON.stringify(src), '=>', e.constructor.name, e.message, e.column) }
}
console.log(expressionVariables('b * a + a * cost^t + pi'));
