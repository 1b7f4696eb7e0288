// A tiny parser and evaluator for the Python `Expect:` expressions of feedparser's test cases
// (../shared/corpus/feeds/feedparser/EXPECTATIONS.tsv): literals, names, subscripts, attributes, calls,
// comparisons (== != is in not-in < >), not/and/or. Names and subscripts are resolved through a caller-given
// view of *our* parse result; a lookup the view cannot map throws Unmapped, so the case is skipped with a reason
// rather than guessed.

export type PyExpr =
  | { t: 'lit'; v: PyValue }
  | { t: 'name'; name: string }
  | { t: 'sub'; obj: PyExpr; key: PyExpr }
  | { t: 'attr'; obj: PyExpr; name: string }
  | { t: 'call'; fn: PyExpr; args: PyExpr[] }
  | { t: 'tuple'; items: PyExpr[] }
  | { t: 'list'; items: PyExpr[] }
  | { t: 'dict'; items: [PyExpr, PyExpr][] }
  | { t: 'cmp'; op: string; l: PyExpr; r: PyExpr }
  | { t: 'not'; e: PyExpr }
  | { t: 'and' | 'or'; l: PyExpr; r: PyExpr };

/** Values: JS primitives, arrays (lists/tuples), Maps (dicts) and lazy mapping objects (views). */
export type PyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | PyValue[]
  | PyMapping
  | PyCallable
  | PySpecial;

/** A value of ours that compares to feedparser's differently shaped value by its own rule (e.g. seconds vs '3:00'). */
export interface PySpecial {
  readonly kind: 'special';
  equals(other: PyValue): boolean;
}

export interface PyMapping {
  readonly kind: 'mapping';
  /** Value for key; `undefined` = key absent (KeyError / .get() → None). Throws Unmapped when it cannot map. */
  get(key: string): PyValue;
}
export interface PyCallable {
  readonly kind: 'callable';
  call(args: PyValue[]): PyValue;
}

/** A lookup (or construct) with no sound mapping to our model: the case is skipped with this reason. */
export class Unmapped extends Error {
  override readonly name = 'Unmapped';
}

/** The expression reads an absent key (Python would raise KeyError/IndexError): the expectation fails. */
export class Missing extends Error {
  override readonly name = 'Missing';
}

// ---------------------------------------------------------------- tokenizer

type Tok = { k: 'str' | 'num' | 'name' | 'op'; v: string };

function unescapePy(body: string): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|.)/g, (_, e: string) => {
    const c = e[0];
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    if (c === 'N') throw new Unmapped('\\N{} escapes');
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '0': '\0',
      '\\': '\\',
      "'": "'",
      '"': '"',
    };
    return simple[e] ?? `\\${e}`;
  });
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] ?? '';
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const strM = /^([uUbBrR]{0,2})('''|"""|'|")/.exec(src.slice(i));
    if (strM && (strM[1] === '' || /[uUbBrR]/.test(ch))) {
      const prefix = (strM[1] ?? '').toLowerCase();
      const quote = strM[2] ?? "'";
      let j = i + strM[0].length;
      let body = '';
      while (j < src.length && !src.startsWith(quote, j)) {
        if (src[j] === '\\' && !prefix.includes('r')) {
          body += src.slice(j, j + 2);
          j += 2;
        } else {
          body += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new Unmapped('unterminated string');
      out.push({ k: 'str', v: prefix.includes('r') ? body : unescapePy(body) });
      i = j + quote.length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?[lLjJ]?/.exec(src.slice(i));
    if (num && (ch !== '-' || out.length === 0 || out.at(-1)?.k === 'op')) {
      if (/[jJ]$/.test(num[0])) throw new Unmapped('complex numbers');
      out.push({ k: 'num', v: num[0].replace(/[lL]$/, '') });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z_0-9]*/.exec(src.slice(i));
    if (name) {
      out.push({ k: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|[()[\]{}.,:<>%+*-])/.exec(src.slice(i));
    if (op) {
      out.push({ k: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new Unmapped(`unexpected character ${ch}`);
  }
  return out;
}

// ---------------------------------------------------------------- parser

export function parsePy(src: string): PyExpr {
  const toks = tokenize(src);
  let p = 0;
  const peek = (v?: string): Tok | undefined => {
    const t = toks[p];
    return t !== undefined && (v === undefined || t.v === v) ? t : undefined;
  };
  const eat = (v: string): void => {
    if (!peek(v)) throw new Unmapped(`expected ${v} at token ${p} of ${src}`);
    p++;
  };
  const isKw = (v: string) => toks[p]?.k === 'name' && toks[p]?.v === v;

  function orExpr(): PyExpr {
    let l = andExpr();
    while (isKw('or')) {
      p++;
      l = { t: 'or', l, r: andExpr() };
    }
    return l;
  }
  function andExpr(): PyExpr {
    let l = notExpr();
    while (isKw('and')) {
      p++;
      l = { t: 'and', l, r: notExpr() };
    }
    return l;
  }
  function notExpr(): PyExpr {
    if (isKw('not')) {
      p++;
      return { t: 'not', e: notExpr() };
    }
    return cmpExpr();
  }
  function cmpExpr(): PyExpr {
    let l = postfix();
    for (;;) {
      const t = toks[p];
      if (t === undefined) return l;
      let op: string | undefined;
      if (t.k === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.v)) {
        op = t.v;
        p++;
      } else if (isKw('is')) {
        p++;
        op = 'is';
        if (isKw('not')) {
          p++;
          op = 'is not';
        }
      } else if (isKw('in')) {
        p++;
        op = 'in';
      } else if (isKw('not') && toks[p + 1]?.v === 'in') {
        p += 2;
        op = 'not in';
      }
      if (op === undefined) return l;
      l = { t: 'cmp', op, l, r: postfix() };
    }
  }
  function postfix(): PyExpr {
    let e = atom();
    for (;;) {
      if (peek('[')) {
        p++;
        const key = orExpr();
        eat(']');
        e = { t: 'sub', obj: e, key };
      } else if (peek('.')) {
        p++;
        const n = toks[p];
        if (n?.k !== 'name') throw new Unmapped('attribute name expected');
        p++;
        e = { t: 'attr', obj: e, name: n.v };
      } else if (peek('(')) {
        p++;
        const args: PyExpr[] = [];
        while (!peek(')')) {
          args.push(orExpr());
          if (peek(',')) p++;
        }
        eat(')');
        e = { t: 'call', fn: e, args };
      } else return e;
    }
  }
  function atom(): PyExpr {
    const t = toks[p];
    if (t === undefined) throw new Unmapped('unexpected end');
    p++;
    if (t.k === 'str') {
      let v = t.v;
      while (toks[p]?.k === 'str') v += toks[p++]?.v ?? ''; // implicit concatenation
      return { t: 'lit', v };
    }
    if (t.k === 'num') return { t: 'lit', v: Number(t.v) };
    if (t.k === 'name') {
      if (t.v === 'True') return { t: 'lit', v: true };
      if (t.v === 'False') return { t: 'lit', v: false };
      if (t.v === 'None') return { t: 'lit', v: null };
      return { t: 'name', name: t.v };
    }
    if (t.v === '(' || t.v === '[') {
      const close = t.v === '(' ? ')' : ']';
      const items: PyExpr[] = [];
      let tuple = t.v === '[';
      while (!peek(close)) {
        items.push(orExpr());
        if (peek(',')) {
          p++;
          tuple = true;
        }
      }
      eat(close);
      if (t.v === '(' && !tuple && items.length === 1 && items[0] !== undefined) return items[0];
      return { t: t.v === '(' ? 'tuple' : 'list', items };
    }
    if (t.v === '{') {
      const items: [PyExpr, PyExpr][] = [];
      while (!peek('}')) {
        const k = orExpr();
        eat(':');
        items.push([k, orExpr()]);
        if (peek(',')) p++;
      }
      eat('}');
      return { t: 'dict', items };
    }
    throw new Unmapped(`unexpected token ${t.v}`);
  }

  const e = orExpr();
  if (p !== toks.length) throw new Unmapped(`trailing tokens in ${src}`);
  return e;
}

// ---------------------------------------------------------------- evaluator

function truthy(v: PyValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && v !== null) return true;
  return Boolean(v);
}

function pyEqual(a: PyValue, b: PyValue): boolean {
  if (a === undefined) throw new Missing('absent value compared');
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && a.kind === 'special') return a.equals(b);
  if (typeof b === 'object' && b !== null && !Array.isArray(b) && b.kind === 'special') return b.equals(a);
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => pyEqual(x, b[i]));
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && a.kind === 'mapping')
    throw new Unmapped('comparing a whole mapping');
  return a === b;
}

export function evalPy(e: PyExpr, scope: PyMapping): PyValue {
  switch (e.t) {
    case 'lit':
      return e.v;
    case 'name':
      return scope.get(e.name);
    case 'tuple':
    case 'list':
      return e.items.map((x) => evalPy(x, scope));
    case 'dict':
      if (e.items.length === 0) return [];
      throw new Unmapped('dict literals');
    case 'not':
      return !truthy(evalPy(e.e, scope));
    case 'and': {
      const l = evalPy(e.l, scope);
      if (truthy(l)) return evalPy(e.r, scope);
      probe(e.r, scope);
      return l;
    }
    case 'or': {
      const l = evalPy(e.l, scope);
      if (!truthy(l)) return evalPy(e.r, scope);
      probe(e.r, scope);
      return l;
    }
    case 'sub': {
      const obj = evalPy(e.obj, scope);
      const key = evalPy(e.key, scope);
      if (Array.isArray(obj) && typeof key === 'number') {
        const v = obj[key < 0 ? obj.length + key : key];
        if (v === undefined) throw new Missing(`index ${key} of ${obj.length}`);
        return v;
      }
      if (typeof obj === 'string' && typeof key === 'number') return obj[key];
      if (
        typeof obj === 'object' &&
        obj !== null &&
        !Array.isArray(obj) &&
        obj.kind === 'mapping' &&
        typeof key === 'string'
      ) {
        const v = obj.get(key);
        if (v === undefined) throw new Missing(`key ${key}`);
        return v;
      }
      if (obj === undefined || obj === null) throw new Missing('subscript of an absent value');
      throw new Unmapped('subscript shape');
    }
    case 'attr': {
      const obj = evalPy(e.obj, scope);
      if (typeof obj === 'object' && obj !== null && !Array.isArray(obj) && obj.kind === 'mapping') {
        if (e.name === 'get')
          return {
            kind: 'callable',
            call: (args) => obj.get(String(args[0])) ?? (args[1] === undefined ? null : args[1]),
          };
        if (e.name === 'keys') throw new Unmapped('.keys()');
        const v = obj.get(e.name);
        if (v === undefined) throw new Missing(`attribute ${e.name}`);
        return v;
      }
      if (obj === undefined || obj === null) throw new Missing('attribute of an absent value');
      throw new Unmapped(`attribute ${e.name} on a non-mapping`);
    }
    case 'call': {
      const fn = evalPy(e.fn, scope);
      if (typeof fn === 'object' && fn !== null && !Array.isArray(fn) && fn.kind === 'callable')
        return fn.call(e.args.map((a) => evalPy(a, scope)));
      throw new Unmapped('call of a non-function');
    }
    case 'cmp': {
      const l = evalPy(e.l, scope);
      const r = evalPy(e.r, scope);
      switch (e.op) {
        case '==':
          return pyEqual(l, r);
        case '!=':
          return !pyEqual(l, r);
        case 'is':
          return l === r || (l === undefined && r === null);
        case 'is not':
          return !(l === r || (l === undefined && r === null));
        case 'in':
        case 'not in': {
          let found: boolean;
          if (typeof r === 'string' && typeof l === 'string') found = r.includes(l);
          else if (Array.isArray(r)) found = r.some((x) => x === l);
          else if (typeof r === 'object' && r !== null && r.kind === 'mapping' && typeof l === 'string')
            found = r.get(l) !== undefined;
          else throw new Unmapped('in with this shape');
          return e.op === 'in' ? found : !found;
        }
        case '<':
        case '>':
        case '<=':
        case '>=':
          if (typeof l !== 'number' || typeof r !== 'number') throw new Unmapped('ordering non-numbers');
          return e.op === '<' ? l < r : e.op === '>' ? l > r : e.op === '<=' ? l <= r : l >= r;
        default:
          throw new Unmapped(`operator ${e.op}`);
      }
    }
  }
}

/**
 * Evaluates a short-circuited operand only to find lookups the view cannot map: an expectation is mapped only
 * when all of it is, even the parts Python would not have reached.
 */
function probe(e: PyExpr, scope: PyMapping): void {
  try {
    evalPy(e, scope);
  } catch (err) {
    if (err instanceof Unmapped) throw err;
  }
}

export function isTruthy(v: PyValue): boolean {
  return truthy(v);
}

/** A mapping from a plain table of lazily computed entries; keys outside it are Unmapped with `why`. */
export function mapping(entries: Record<string, () => PyValue>, why: (key: string) => string): PyMapping {
  return {
    kind: 'mapping',
    get(key: string) {
      const f = entries[key];
      if (f === undefined) throw new Unmapped(why(key));
      return f();
    },
  };
}
