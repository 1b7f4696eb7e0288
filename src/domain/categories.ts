// The Apple Podcasts category tree (`itunes:category`), as data, and the lenient rule that maps what feeds write onto
// it. Feeds spell categories many ways: `Kids &amp; Family`, `Kids and Family`, `kids & family`, old names from
// before Apple's 2019 tree (`Games & Hobbies`, `Science & Medicine`). Each is matched to an official category when
// one fits; a category that fits none is kept under its own name, so no show loses the category its feed gave.
import type { Category } from './show.ts';

/** One category of the tree: its official name, its URL slug, its sub-categories (none for a sub-category). */
export interface CategoryNode {
  name: string;
  slug: string;
  subcategories: readonly CategoryNode[];
}

/** The official names, as Apple Podcasts lists them (top level, then sub-categories). */
const TREE: readonly (readonly [string, readonly string[]])[] = [
  ['Arts', ['Books', 'Design', 'Fashion & Beauty', 'Food', 'Performing Arts', 'Visual Arts']],
  ['Business', ['Careers', 'Entrepreneurship', 'Investing', 'Management', 'Marketing', 'Non-Profit']],
  ['Comedy', ['Comedy Interviews', 'Improv', 'Stand-Up']],
  ['Education', ['Courses', 'How To', 'Language Learning', 'Self-Improvement']],
  ['Fiction', ['Comedy Fiction', 'Drama', 'Science Fiction']],
  ['Government', []],
  ['History', []],
  [
    'Health & Fitness',
    ['Alternative Health', 'Fitness', 'Medicine', 'Mental Health', 'Nutrition', 'Sexuality'],
  ],
  ['Kids & Family', ['Education for Kids', 'Parenting', 'Pets & Animals', 'Stories for Kids']],
  [
    'Leisure',
    [
      'Animation & Manga',
      'Automotive',
      'Aviation',
      'Crafts',
      'Games',
      'Hobbies',
      'Home & Garden',
      'Video Games',
    ],
  ],
  ['Music', ['Music Commentary', 'Music History', 'Music Interviews']],
  [
    'News',
    [
      'Business News',
      'Daily News',
      'Entertainment News',
      'News Commentary',
      'Politics',
      'Sports News',
      'Tech News',
    ],
  ],
  [
    'Religion & Spirituality',
    ['Buddhism', 'Christianity', 'Hinduism', 'Islam', 'Judaism', 'Religion', 'Spirituality'],
  ],
  [
    'Science',
    [
      'Astronomy',
      'Chemistry',
      'Earth Sciences',
      'Life Sciences',
      'Mathematics',
      'Natural Sciences',
      'Nature',
      'Physics',
      'Social Sciences',
    ],
  ],
  [
    'Society & Culture',
    ['Documentary', 'Personal Journals', 'Philosophy', 'Places & Travel', 'Relationships'],
  ],
  [
    'Sports',
    [
      'Baseball',
      'Basketball',
      'Cricket',
      'Fantasy Sports',
      'Football',
      'Golf',
      'Hockey',
      'Rugby',
      'Running',
      'Soccer',
      'Swimming',
      'Tennis',
      'Volleyball',
      'Wilderness',
      'Wrestling',
    ],
  ],
  ['Technology', []],
  ['True Crime', []],
  ['TV & Film', ['After Shows', 'Film History', 'Film Interviews', 'Film Reviews', 'TV Reviews']],
];

/**
 * Names from Apple's tree before 2019 (and common variants) → the official category they became, as
 * `Top` or `Top/Sub`.
 */
const FORMER_NAMES: Readonly<Record<string, string>> = {
  'games & hobbies': 'Leisure',
  'other games': 'Leisure/Games',
  amateur: 'Leisure/Hobbies',
  'sports & recreation': 'Sports',
  outdoor: 'Sports/Wilderness',
  professional: 'Sports',
  'college & high school': 'Sports',
  'science & medicine': 'Science',
  health: 'Health & Fitness',
  'fitness & nutrition': 'Health & Fitness/Nutrition',
  'self-help': 'Education/Self-Improvement',
  'higher education': 'Education',
  'k-12': 'Education',
  'educational technology': 'Education',
  training: 'Education/Courses',
  'language courses': 'Education/Language Learning',
  literature: 'Arts/Books',
  'government & organizations': 'Government',
  national: 'Government',
  'news & politics': 'News',
  'management & marketing': 'Business/Marketing',
  podcasting: 'Technology',
  gadgets: 'Technology',
  'software how-to': 'Technology',
  'film & tv': 'TV & Film',
  'tv & movies': 'TV & Film',
};

/**
 * The matching key of a category name: lower case, `&amp;` decoded, `and` written `&`, and everything but letters
 * and digits dropped — so `Kids and Family`, `Kids &amp; Family` and `kids&family` meet.
 */
export function categoryKey(name: string): string {
  let text = name.normalize('NFKC').toLowerCase();
  // Feeds escape twice (`&amp;amp;`): undo every level.
  while (text.includes('&amp;')) text = text.replaceAll('&amp;', '&');
  return text
    .replace(/\band\b/gu, '&')
    .replace(/&/gu, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** A URL slug for a category name: `Kids & Family` → `kids-and-family`; empty when the name has no letter or digit. */
export function categorySlug(name: string): string {
  let text = name.normalize('NFKC').toLowerCase();
  while (text.includes('&amp;')) text = text.replaceAll('&amp;', '&');
  return text
    .replace(/&/gu, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/gu, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/u, '');
}

/** The longest slug kept for a category a feed names (and so the longest a category page accepts). */
export const MAX_SLUG = 60;

/** The longest name kept for a category the tree does not know. */
const MAX_NAME = 80;

/** How many categories one show may be listed under (a feed listing hundreds is not a directory entry). */
export const MAX_CATEGORIES_PER_SHOW = 16;

const node = (name: string, subs: readonly string[]): CategoryNode => ({
  name,
  slug: categorySlug(name),
  subcategories: subs.map((s) => node(s, [])),
});

/** Apple Podcasts' categories, top level in Apple's order, each with its sub-categories. */
export const APPLE_CATEGORIES: readonly CategoryNode[] = TREE.map(([name, subs]) => node(name, subs));

/** A category of the tree, and the top-level category it belongs to when it is a sub-category. */
export interface KnownCategory {
  category: CategoryNode;
  parent?: CategoryNode;
}

const BY_KEY = new Map<string, KnownCategory>();
const BY_SLUG = new Map<string, KnownCategory>();
for (const top of APPLE_CATEGORIES) {
  BY_KEY.set(categoryKey(top.name), { category: top });
  BY_SLUG.set(top.slug, { category: top });
  for (const sub of top.subcategories) {
    BY_KEY.set(categoryKey(sub.name), { category: sub, parent: top });
    BY_SLUG.set(sub.slug, { category: sub, parent: top });
  }
}
for (const [former, path] of Object.entries(FORMER_NAMES)) {
  const [top, sub] = path.split('/');
  const topNode = APPLE_CATEGORIES.find((c) => c.name === top);
  const subNode = topNode?.subcategories.find((c) => c.name === sub);
  if (topNode === undefined) continue;
  const key = categoryKey(former);
  if (BY_KEY.has(key)) continue;
  BY_KEY.set(key, subNode ? { category: subNode, parent: topNode } : { category: topNode });
}

/** The official category a feed's name means, or undefined when the tree has none like it. */
export function knownCategory(name: string): KnownCategory | undefined {
  return BY_KEY.get(categoryKey(name));
}

/** The category of the tree with this slug. */
export function categoryBySlug(slug: string): KnownCategory | undefined {
  return BY_SLUG.get(slug);
}

/** One category a show is listed under: what the store keeps per show. */
export interface ShowCategory {
  slug: string;
  /** The official name, or the feed's own for a category the tree does not know. */
  name: string;
}

/**
 * The categories to list a show under, from its feed's `itunes:category` elements: each official category it names
 * and, for a sub-category, its top-level category too (a show in Tech News is in News); each other name as given.
 * No duplicates, at most `MAX_CATEGORIES_PER_SHOW`, in the feed's order.
 */
export function showCategories(categories: readonly Category[] | undefined): ShowCategory[] {
  const out: ShowCategory[] = [];
  const seen = new Set<string>();
  const add = (c: ShowCategory) => {
    if (c.slug.length === 0 || seen.has(c.slug) || out.length >= MAX_CATEGORIES_PER_SHOW) return;
    seen.add(c.slug);
    out.push(c);
  };
  const addName = (name: string, parent?: KnownCategory) => {
    const known = knownCategory(name);
    if (known) {
      add({ slug: known.category.slug, name: known.category.name });
      if (known.parent) add({ slug: known.parent.slug, name: known.parent.name });
      return;
    }
    const trimmed = name.replace(/\s+/gu, ' ').trim().slice(0, MAX_NAME);
    add({ slug: categorySlug(trimmed), name: trimmed });
    // An unknown sub-category still puts the show in its known parent.
    if (parent) add({ slug: parent.category.slug, name: parent.category.name });
  };
  for (const c of categories ?? []) {
    const top = knownCategory(c.name);
    addName(c.name);
    for (const sub of c.subcategories ?? []) addName(sub, top?.parent ? undefined : top);
  }
  return out;
}

/** The key a category's shows are ordered by, A–Z: the title in lower case (untitled shows first). */
export function categoryTitleKey(title: string | undefined): string {
  return (title ?? '').toLowerCase();
}
