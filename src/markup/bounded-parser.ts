// htmlparser2's Parser with a bound on nesting. The Parser keeps its open elements in an array it `unshift`s and
// searches, so input nested N deep costs O(N²): 100,000 nested <b> took seconds. Here an element opened while
// MAX_MARKUP_DEPTH elements are open is flattened: the handler sees it open and close at once, as for <br> (with
// `flattening` true during both events, so it can drop the tag), and its content goes to the nearest element still
// open. The open elements stay at most MAX_MARKUP_DEPTH (+ a few for the elements a caller reserves, + 1 for a
// raw-text element such as <script>, whose content holds no tags), which keeps every step of the Parser bounded and
// the whole parse linear in the input's size.
import { type Handler, Parser, type ParserOptions } from 'htmlparser2';
import { MAX_MARKUP_DEPTH } from '../domain/limits.ts';

/** Elements whose content the HTML tokenizer reads as text up to their own close tag: never flattened (in HTML). */
const RAW_TEXT = new Set([
  'script',
  'style',
  'title',
  'textarea',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'plaintext',
]);

/** Levels past the limit that reserved elements may still open. */
const RESERVED_DEPTH = 8;
const NONE: ReadonlySet<string> = new Set();

export class BoundedParser extends Parser {
  /** How many elements were flattened so far. */
  flattened = 0;
  private readonly openElements: readonly unknown[];
  private readonly html: boolean;
  private readonly maxDepth: number;
  /** Inside onopentagname: the element being opened is decided on. */
  private opening = false;
  /** The element being flattened, from its open tag's name to the end of its open tag. */
  private flat: string | undefined;

  private readonly reserved: ReadonlySet<string>;

  /**
   * `reserved`: elements that carry the meaning of the document (a transcript's <p>, <cite>, <time>) and may still
   * open past `maxDepth`, up to RESERVED_DEPTH more levels, so that what they hold is read as usual even at the
   * bottom of a deep pile of wrappers.
   */
  constructor(
    handler: Partial<Handler>,
    options: ParserOptions = {},
    bounds: { maxDepth?: number; reserved?: ReadonlySet<string> } = {},
  ) {
    super(handler, options);
    this.html = options.xmlMode !== true;
    this.maxDepth = bounds.maxDepth ?? MAX_MARKUP_DEPTH;
    this.reserved = bounds.reserved ?? NONE;
    // The Parser's own stack of open elements (a private field): its length is the depth. Read, never written.
    const stack: unknown = Reflect.get(this, 'stack');
    if (!Array.isArray(stack))
      throw new Error('htmlparser2 has no Parser.stack: BoundedParser needs updating');
    this.openElements = stack;
  }

  /** True while the handler receives a flattened element's open and close events. */
  get flattening(): boolean {
    return this.flat !== undefined;
  }

  override onopentagname(start: number, endIndex: number): void {
    this.opening = true;
    try {
      super.onopentagname(start, endIndex);
    } finally {
      this.opening = false;
    }
  }

  override onopentagend(endIndex: number): void {
    super.onopentagend(endIndex);
    this.flat = undefined;
  }

  override onselfclosingtag(endIndex: number): void {
    // A flattened `<x/>` ends like `<x>`: it is already closed, and the Parser would otherwise close the innermost
    // open element when it has the same name.
    if (this.flat !== undefined) this.onopentagend(endIndex);
    else super.onselfclosingtag(endIndex);
  }

  protected override isVoidElement(name: string): boolean {
    if (super.isVoidElement(name)) return true;
    if (!this.opening) return this.flat === name;
    const depth = this.openElements.length;
    if (depth < this.maxDepth) return false;
    if (this.html && RAW_TEXT.has(name) && !this.isInForeignContext()) return false;
    if (depth < this.maxDepth + RESERVED_DEPTH && this.reserved.has(name)) return false;
    this.flat = name;
    this.flattened++;
    return true;
  }
}
