// A small, lenient, streaming XML tokenizer: the events the parser's collector consumes (open tag with its
// attributes, text, CDATA, processing instruction / declaration, close tag with an `implied` flag), with
// htmlparser2's xmlMode semantics (decodeEntities off), which the feed parser was built and tested on:
// - a close tag closes up to the innermost open element of that name (those in between get implied closes); a close
//   tag that matches no open element is ignored; the end of input closes everything still open (implied);
// - `<x/>` is an open followed by an implied close; attributes may be unquoted, valueless or repeated (the first
//   wins); an unclosed quote runs to the next quote character, wherever it is;
// - `<` followed by whitespace or `>` is text; `<![CDATA[` that never closes runs to the end of input;
// - `<!DOCTYPE …>` and other `<!…>` declarations end at the first `>` and are reported, never interpreted: no DTD,
//   no entity declared in one, is ever processed.
// It exists because it is several times faster than htmlparser2 on feeds: it finds `<`, `]]>`, `-->`, `?>` and quotes
// with String.prototype.indexOf instead of a per-character state machine, hands text over as offsets (sliced only
// when kept), and interns element and attribute names (the same few dozen names repeat on every item).
// Text is emitted as it arrives (a text run may come in several pieces, split where a write ended); markup split
// across writes is carried over. One deliberate difference: input that ends inside `</x ` or `<x /` yields no text
// here, where htmlparser2 emits text read from before its buffer.
import { MAX_MARKUP_DEPTH } from '../../domain/limits.ts';

/** The attributes of the open tag being reported; valid only during `onopentag` (the object is reused). */
export class Attributes {
  /** Names as written, in document order; the first of a repeated name wins (later ones are dropped). */
  readonly names: string[] = [];
  /** Raw values (entities not decoded); '' for an attribute without a value. */
  readonly values: string[] = [];
  length = 0;

  get(name: string): string | undefined {
    for (let i = 0; i < this.length; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }

  /** Adds an attribute unless one of that name is already there (htmlparser2 keeps the first). */
  add(name: string, value: string): void {
    // An object built from these names must never get a `__proto__` key (htmlparser2 drops it the same way).
    if (name === '__proto__') return;
    for (let i = 0; i < this.length; i++) if (this.names[i] === name) return;
    this.names[this.length] = name;
    this.values[this.length] = value;
    this.length++;
  }
}

export interface TokenHandler {
  /** An element opens. `attrs` is reused: read it during the call only. */
  onopentag(name: string, attrs: Attributes): void;
  /** An element closes; `implied` when no close tag for it was there (including `<x/>`). */
  onclosetag(name: string, implied: boolean): void;
  /** Character data `src.slice(start, end)`, entities not decoded; sliced by the handler only if kept. */
  ontext(src: string, start: number, end: number): void;
  oncdatastart(): void;
  oncdataend(): void;
  /** `<?name data?>` as ('?name', '?name data'), `<!NAME data>` as ('!NAME', '!NAME data'). */
  onprocessinginstruction(name: string, data: string): void;
  /**
   * An element opens while MAX_MARKUP_DEPTH elements are open: it is flattened, reported as opening and closing at
   * once (as `<x/>` is), and its content goes to the element it sits in. Keeps the depth, and the cost of finding the
   * element a close tag names, bounded.
   */
  ontoodeep?(name: string): void;
}

// States: where the next write resumes.
const TEXT = 0;
const TAG_NAME = 1;
const BEFORE_ATTR = 2;
const ATTR_NAME = 3;
const AFTER_ATTR = 4;
const BEFORE_VALUE = 5;
const VALUE_QUOTED = 6;
const VALUE_UNQUOTED = 7;
const SELF_CLOSING = 8;
const CLOSE_BEFORE_NAME = 9;
const CLOSE_NAME = 10;
const CLOSE_AFTER_NAME = 11;
/** `<//…>`: skipped up to the next `>`. */
const BOGUS = 12;
const CDATA = 13;
const COMMENT = 14;
const PI = 15;
const DECLARATION = 16;

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** "CDATA[" after `<![`. */
const CDATA_OPEN = [0x43, 0x44, 0x41, 0x54, 0x41, 0x5b];

/** XML whitespace as htmlparser2 counts it (space, \n, \t, \f, \r). */
function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d || c === 0x0c;
}

/** Ends a tag or attribute name: whitespace, `/` or `>`. */
function endsName(c: number): boolean {
  return c === GT || c === SLASH || isWs(c);
}

/** A flat copy of a string that shares no memory with the chunk it was sliced from (property keys are internalised). */
function detached(s: string): string {
  const o: Record<string, true> = {};
  o[s] = true;
  for (const k in o) return k;
  return s;
}

const INTERN_SIZE = 1024;
/** The name of a declaration or instruction: up to the first whitespace or `/` (htmlparser2's rule). */
const NAME_END = /\s|\//;

function instructionName(value: string): string {
  const end = value.search(NAME_END);
  return end < 0 ? value : value.slice(0, end);
}

export class XmlTokenizer {
  private readonly h: TokenHandler;
  private readonly attrs = new Attributes();
  /** Names of the open elements, innermost last. */
  private readonly stack: string[] = [];
  /** Recently seen names by hash: the same string object for the same name, detached from the input. */
  private readonly names: string[] = new Array<string>(INTERN_SIZE).fill('');

  private state = TEXT;
  /** A few characters of undecided markup held back from the end of the last write (`<`, `<![CDA`, `]]`, `--`, `?`). */
  private hold = '';
  /** The part of the current name, value or instruction that arrived in earlier writes. */
  private carry = '';
  /** The open tag being read, once its name is complete. */
  private tagName = '';
  private attrName = '';
  private quote = DQ;
  /** Whether `oncdatastart` was sent for the CDATA section being read. */
  private cdataStarted = false;
  private ended = false;

  /** The open tag being read is flattened (nested too deep): it closes as soon as it opens. */
  private flat = false;
  private readonly maxDepth: number;

  constructor(handler: TokenHandler, maxDepth = MAX_MARKUP_DEPTH) {
    this.h = handler;
    this.maxDepth = maxDepth;
  }

  private flatten(name: string): void {
    this.flat = true;
    this.h.ontoodeep?.(name);
  }

  private closeFlat(name: string): void {
    this.flat = false;
    this.h.onclosetag(name, true);
  }

  write(chunk: string): void {
    if (this.ended) throw new Error('XmlTokenizer.write() after end()');
    const text = this.hold.length > 0 ? this.hold + chunk : chunk;
    this.hold = '';
    this.run(text, false);
  }

  /** Flushes what was held back and closes every element still open (implied). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const text = this.hold;
    this.hold = '';
    this.run(text, true);
    const stack = this.stack;
    while (stack.length > 0) {
      // The stack is read before each call: a handler may throw, never push.
      const name = stack.pop() ?? '';
      this.h.onclosetag(name, true);
    }
  }

  /** The interned name `buf.slice(start, end)`, whose characters hash to `hash`. */
  private name(buf: string, start: number, end: number, hash: number): string {
    // Two-way set-associative: a name is looked for in both entries of its pair; a new name takes the first entry
    // and the previous first moves to the second, so two hot names that collide do not evict each other.
    let h = hash ^ (hash >>> 16);
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    const pair = (h ^ (h >>> 16)) & (INTERN_SIZE - 2);
    const names = this.names;
    const len = end - start;
    const first = names[pair] ?? '';
    if (first.length === len && buf.startsWith(first, start)) return first;
    const second = names[pair + 1] ?? '';
    if (second.length === len && buf.startsWith(second, start)) return second;
    const fresh = detached(buf.slice(start, end));
    names[pair + 1] = first;
    names[pair] = fresh;
    return fresh;
  }

  private closeTag(name: string): void {
    const stack = this.stack;
    const at = stack.lastIndexOf(name);
    if (at < 0) return;
    while (stack.length - 1 > at) this.h.onclosetag(stack.pop() ?? '', true);
    stack.pop();
    this.h.onclosetag(name, false);
  }

  private text(s: string): void {
    if (s.length > 0) this.h.ontext(s, 0, s.length);
  }

  /**
   * The `>` that ends a section begun at `this.sec` (a declaration, a bogus comment), or -1: then what this write
   * held of the section is carried to the next, and at the end of input it is text.
   */
  private sectionEnd(buf: string, from: number, n: number, final: boolean): number {
    const gt = buf.indexOf('>', from);
    if (gt >= 0) return gt;
    if (final) this.text(this.carry + buf.slice(this.sec, n));
    else this.carry += buf.slice(this.sec, n);
    return -1;
  }

  private declaration(value: string): void {
    this.h.onprocessinginstruction(`!${instructionName(value)}`, `!${value}`);
  }

  /**
   * Tokenises `buf` from the saved state. At the end of `buf`, an unfinished token is kept (`carry`, `hold`) for the
   * next write, or, when `final`, handled the way htmlparser2 handles trailing data.
   */
  private run(buf: string, final: boolean): void {
    const h = this.h;
    const stack = this.stack;
    const n = buf.length;
    let state = this.state;
    let i = 0;
    /** Start of the current section (name, value, instruction) in buf. */
    let sec = 0;
    /** Hash of the name being read (names split across writes are not interned). */
    let hash = 0;
    for (;;) {
      switch (state) {
        case TEXT: {
          if (i >= n) {
            this.state = state;
            return;
          }
          const lt = buf.indexOf('<', i);
          if (lt < 0) {
            h.ontext(buf, i, n);
            i = n;
            continue;
          }
          if (lt > i) h.ontext(buf, i, lt);
          if (lt + 1 >= n) {
            if (final) h.ontext(buf, lt, n);
            else this.hold = '<';
            i = n;
            continue;
          }
          const c = buf.charCodeAt(lt + 1);
          if (c === SLASH) {
            // The common case first: the close tag of the innermost open element.
            const top = stack[stack.length - 1];
            if (top !== undefined && buf.startsWith(top, lt + 2)) {
              const after = lt + 2 + top.length;
              const c2 = after < n ? buf.charCodeAt(after) : -1;
              if (c2 === GT || (c2 >= 0 && endsName(c2))) {
                stack.pop();
                h.onclosetag(top, false);
                if (c2 === GT) {
                  i = after + 1;
                } else {
                  state = CLOSE_AFTER_NAME;
                  i = after;
                }
                continue;
              }
            }
            state = CLOSE_BEFORE_NAME;
            sec = lt;
            i = lt + 2;
          } else if (c === BANG) {
            state = this.markupDeclaration(buf, lt, final);
            if (state < 0) {
              // Undecided: held back for the next write, or handled as the end of input.
              state = TEXT;
              i = n;
            } else {
              sec = lt + 2;
              i = this.resumeAt;
            }
          } else if (c === QUESTION) {
            state = PI;
            sec = lt + 2;
            i = lt + 2;
          } else if (isWs(c) || c === GT) {
            // Not markup: the `<` is text.
            h.ontext(buf, lt, lt + 1);
            i = lt + 1;
          } else {
            state = TAG_NAME;
            sec = lt + 1;
            hash = c;
            i = lt + 2;
          }
          continue;
        }

        case TAG_NAME: {
          while (i < n) {
            const c = buf.charCodeAt(i);
            // Name characters are mostly letters and `:`, all above `>`: one comparison for them.
            if (c <= GT && endsName(c)) break;
            hash = (hash * 31 + c) & 0x3fffffff; // stays a small integer: no number allocated per character
            i++;
          }
          if (i >= n) {
            // At the end of input an unfinished tag name is dropped (nothing was opened).
            if (!final) this.carry += buf.slice(sec, n);
            this.state = state;
            return;
          }
          const name =
            this.carry.length > 0 ? detached(this.carry + buf.slice(sec, i)) : this.name(buf, sec, i, hash);
          this.carry = '';
          this.tagName = name;
          // Pushed now, as htmlparser2 does: a tag cut off by the end of input is still closed (implied) at the end.
          // Past MAX_MARKUP_DEPTH the element is flattened instead: never pushed, closed as soon as it opened.
          if (stack.length < this.maxDepth) stack.push(name);
          else this.flatten(name);
          this.attrs.length = 0;
          if (buf.charCodeAt(i) === GT) {
            // The common case, `<name>`, without a round through BEFORE_ATTR.
            h.onopentag(name, this.attrs);
            if (this.flat) this.closeFlat(name);
            state = TEXT;
            i++;
          } else {
            state = BEFORE_ATTR;
          }
          continue;
        }

        case BEFORE_ATTR: {
          while (i < n && isWs(buf.charCodeAt(i))) i++;
          if (i >= n) {
            this.state = state;
            return;
          }
          const c = buf.charCodeAt(i);
          if (c === GT) {
            h.onopentag(this.tagName, this.attrs);
            if (this.flat) this.closeFlat(this.tagName);
            state = TEXT;
            i++;
          } else if (c === SLASH) {
            state = SELF_CLOSING;
            i++;
          } else {
            // The first character is part of the name whatever it is (`<a =b>` has an attribute "=b").
            state = ATTR_NAME;
            sec = i;
            hash = c;
            i++;
          }
          continue;
        }

        case SELF_CLOSING: {
          while (i < n && isWs(buf.charCodeAt(i))) i++;
          if (i >= n) {
            this.state = state;
            return;
          }
          if (buf.charCodeAt(i) === GT) {
            const name = this.tagName;
            h.onopentag(name, this.attrs);
            // `<x/>`: closed at once, reported as an implied close (htmlparser2's convention).
            if (this.flat) this.closeFlat(name);
            else if (this.stack[this.stack.length - 1] === name) {
              this.stack.pop();
              h.onclosetag(name, true);
            }
            state = TEXT;
            i++;
          } else {
            state = BEFORE_ATTR; // `<a / b>`: the slash meant nothing
          }
          continue;
        }

        case ATTR_NAME: {
          while (i < n) {
            const c = buf.charCodeAt(i);
            if (c <= GT && (c === EQ || endsName(c))) break;
            hash = (hash * 31 + c) & 0x3fffffff; // stays a small integer: no number allocated per character
            i++;
          }
          if (i >= n) {
            if (!final) this.carry += buf.slice(sec, n);
            this.state = state;
            return;
          }
          this.attrName =
            this.carry.length > 0 ? detached(this.carry + buf.slice(sec, i)) : this.name(buf, sec, i, hash);
          this.carry = '';
          // The common case, `name="value"` (or single quotes), in one step.
          if (buf.charCodeAt(i) === EQ && i + 1 < n) {
            const q = buf.charCodeAt(i + 1);
            if (q === DQ || q === SQ) {
              const close = buf.indexOf(q === DQ ? '"' : "'", i + 2);
              if (close >= 0) {
                this.attrs.add(this.attrName, buf.slice(i + 2, close));
                state = BEFORE_ATTR;
                i = close + 1;
                continue;
              }
            }
          }
          state = AFTER_ATTR;
          continue;
        }

        case CDATA: {
          const end = buf.indexOf(']]>', i);
          if (end >= 0) {
            if (!this.cdataStarted) {
              h.oncdatastart();
              h.ontext(buf, i, end); // even when empty, as htmlparser2 does
            } else if (end > i) {
              h.ontext(buf, i, end);
            }
            this.cdataStarted = false;
            h.oncdataend();
            state = TEXT;
            i = end + 3;
            continue;
          }
          // Emit what is there, holding back one or two `]` that may begin the `]]>` of the next write.
          let upTo = n;
          if (!final && upTo > i && buf.charCodeAt(upTo - 1) === RBRACKET) {
            upTo--;
            if (upTo > i && buf.charCodeAt(upTo - 1) === RBRACKET) upTo--;
          }
          if (upTo > i) {
            if (!this.cdataStarted) {
              this.cdataStarted = true;
              h.oncdatastart();
            }
            h.ontext(buf, i, upTo);
          }
          if (final) {
            // Never closed: it runs to the end of input.
            if (this.cdataStarted) h.oncdataend();
            this.cdataStarted = false;
          } else if (upTo < n) {
            this.hold = buf.slice(upTo);
          }
          this.state = state;
          return;
        }

        default: {
          // The states real feeds rarely reach live in their own method, so that this loop's type feedback is complete
          // early and the optimising compiler is not sent back to it again and again (each time with a large graph).
          this.state = state;
          this.sec = sec;
          this.hash = hash;
          const next = this.rare(buf, i, final);
          if (next < 0) return;
          i = next;
          state = this.state;
          sec = this.sec;
          hash = this.hash;
          continue;
        }
      }
    }
  }

  /** Section start and name hash while a rare state runs (run()'s locals otherwise). */
  private sec = 0;
  private hash = 0;

  /**
   * One step of a state run() leaves to this method, from `i`; returns where to go on, or -1 when the input is used
   * up (the state to resume in is saved).
   */
  private rare(buf: string, i: number, final: boolean): number {
    const n = buf.length;
    switch (this.state) {
      case AFTER_ATTR: {
        while (i < n && isWs(buf.charCodeAt(i))) i++;
        if (i >= n) {
          return -1;
        }
        const c = buf.charCodeAt(i);
        if (c === EQ) {
          this.state = BEFORE_VALUE;
          i++;
        } else {
          this.attrs.add(this.attrName, '');
          if (c === SLASH || c === GT) {
            this.state = BEFORE_ATTR;
          } else {
            this.state = ATTR_NAME;
            this.sec = i;
            this.hash = c;
            i++;
          }
        }
        return i;
      }

      case BEFORE_VALUE: {
        while (i < n && isWs(buf.charCodeAt(i))) i++;
        if (i >= n) {
          return -1;
        }
        const c = buf.charCodeAt(i);
        if (c === DQ || c === SQ) {
          this.quote = c;
          this.state = VALUE_QUOTED;
          this.sec = i + 1;
          i++;
        } else {
          this.state = VALUE_UNQUOTED;
          this.sec = i;
        }
        return i;
      }

      case VALUE_QUOTED: {
        const q = buf.indexOf(this.quote === DQ ? '"' : "'", i);
        if (q < 0) {
          if (!final) this.carry += buf.slice(this.sec, n);
          i = n;
          return -1;
        }
        this.attrs.add(
          this.attrName,
          this.carry.length > 0 ? this.carry + buf.slice(this.sec, q) : buf.slice(this.sec, q),
        );
        this.carry = '';
        this.state = BEFORE_ATTR;
        i = q + 1;
        return i;
      }

      case VALUE_UNQUOTED: {
        while (i < n) {
          const c = buf.charCodeAt(i);
          if (c === GT || isWs(c)) break;
          i++;
        }
        if (i >= n) {
          if (!final) this.carry += buf.slice(this.sec, n);
          return -1;
        }
        this.attrs.add(
          this.attrName,
          this.carry.length > 0 ? this.carry + buf.slice(this.sec, i) : buf.slice(this.sec, i),
        );
        this.carry = '';
        this.state = BEFORE_ATTR;
        return i;
      }

      case CLOSE_BEFORE_NAME: {
        // sec is the `<` (or 0, with `</` and whitespace in carry).
        while (i < n && isWs(buf.charCodeAt(i))) i++;
        if (i >= n) {
          if (final) this.text(this.carry + buf.slice(this.sec, n));
          else this.carry += buf.slice(this.sec, n);
          return -1;
        }
        const c = buf.charCodeAt(i);
        if (c === GT) {
          // `</>`: text, like a `<` before whitespace.
          this.text(this.carry + buf.slice(this.sec, i + 1));
          this.state = TEXT;
          i++;
        } else {
          this.state = c === SLASH ? BOGUS : CLOSE_NAME;
          this.sec = i;
          this.hash = c;
          i++;
        }
        this.carry = '';
        return i;
      }

      case CLOSE_NAME: {
        let hash = this.hash;
        while (i < n) {
          const c = buf.charCodeAt(i);
          // Name characters are mostly letters and `:`, all above `>`: one comparison for them.
          if (c <= GT && endsName(c)) break;
          hash = (hash * 31 + c) & 0x3fffffff; // stays a small integer: no number allocated per character
          i++;
        }
        if (i >= n) {
          // At the end of input an unfinished close tag is dropped.
          if (!final) this.carry += buf.slice(this.sec, n);
          return -1;
        }
        const name =
          this.carry.length > 0 ? this.carry + buf.slice(this.sec, i) : this.name(buf, this.sec, i, hash);
        this.carry = '';
        this.closeTag(name);
        this.state = CLOSE_AFTER_NAME;
        return i;
      }

      case CLOSE_AFTER_NAME: {
        const gt = buf.indexOf('>', i);
        if (gt < 0) {
          i = n;
          return -1;
        }
        this.state = TEXT;
        i = gt + 1;
        return i;
      }

      case BOGUS: {
        const gt = this.sectionEnd(buf, i, n, final);
        if (gt < 0) return -1;
        this.carry = '';
        this.state = TEXT;
        i = gt + 1;
        return i;
      }

      case COMMENT: {
        // Ends at the first `-->` or `--!>`; the content is dropped.
        let j = i;
        let end = -1;
        let partial = -1;
        for (;;) {
          const d = buf.indexOf('--', j);
          if (d < 0) break;
          const c = d + 2 < n ? buf.charCodeAt(d + 2) : -1;
          if (c === GT) {
            end = d + 3;
            break;
          }
          if (c === BANG) {
            const c2 = d + 3 < n ? buf.charCodeAt(d + 3) : -1;
            if (c2 === GT) {
              end = d + 4;
              break;
            }
            if (c2 < 0) {
              partial = d;
              break;
            }
          } else if (c < 0) {
            partial = d;
            break;
          }
          j = d + 1;
        }
        if (end >= 0) {
          this.state = TEXT;
          i = end;
          return i;
        }
        // An unclosed comment is dropped at the end of input; otherwise keep what may begin its end.
        if (!final) this.hold = buf.slice(partial >= 0 ? partial : Math.max(i, n - 1));
        return -1;
      }

      case PI: {
        const q = buf.indexOf('?>', i);
        if (q < 0) {
          if (final) {
            this.text(this.carry + buf.slice(this.sec, n));
          } else if (n > this.sec && buf.charCodeAt(n - 1) === QUESTION) {
            this.carry += buf.slice(this.sec, n - 1);
            this.hold = '?';
          } else {
            this.carry += buf.slice(this.sec, n);
          }
          return -1;
        }
        const value = this.carry + buf.slice(this.sec, q);
        this.carry = '';
        this.h.onprocessinginstruction(`?${instructionName(value)}`, `?${value}`);
        this.state = TEXT;
        i = q + 2;
        return i;
      }

      case DECLARATION: {
        const gt = this.sectionEnd(buf, i, n, final);
        if (gt < 0) return -1;
        const value = this.carry + buf.slice(this.sec, gt);
        this.carry = '';
        this.declaration(value);
        this.state = TEXT;
        i = gt + 1;
        return i;
      }

      default:
        throw new Error(`XmlTokenizer: unknown state ${this.state}`);
    }
  }

  /** Where the scan goes on after markupDeclaration. */
  private resumeAt = 0;

  /**
   * `<!` at `lt`: a CDATA section, a comment or a declaration (htmlparser2's xmlMode rules, including its quirks:
   * the character after `<!` or `<!-` is consumed, so `<!>` runs to the next `>`). Returns the state to go on in
   * from `resumeAt` (sections start after the `<!`), or -1 when the input so far cannot decide.
   */
  private markupDeclaration(buf: string, lt: number, final: boolean): number {
    const n = buf.length;
    const s = lt + 2;
    let undecided = s >= n;
    if (!undecided) {
      const c0 = buf.charCodeAt(s);
      if (c0 === LBRACKET) {
        let j = s + 1;
        let k = 0;
        while (k < CDATA_OPEN.length && j < n && buf.charCodeAt(j) === CDATA_OPEN[k]) {
          j++;
          k++;
        }
        this.resumeAt = j;
        if (k === CDATA_OPEN.length) {
          this.cdataStarted = false;
          return CDATA;
        }
        // A mismatching character is read again as part of a declaration.
        if (j < n) return DECLARATION;
        undecided = true;
      } else if (c0 === DASH) {
        if (s + 1 < n) {
          this.resumeAt = s + 2;
          return buf.charCodeAt(s + 1) === DASH ? COMMENT : DECLARATION;
        }
        undecided = true;
      } else {
        this.resumeAt = s + 1;
        return DECLARATION;
      }
    }
    // `<!…` cut off: wait for more, or at the end of input, text after the `<!` (nothing for a bare `<!`).
    if (!final) this.hold = buf.slice(lt);
    else if (s < n) this.h.ontext(buf, s, n);
    return -1;
  }
}
