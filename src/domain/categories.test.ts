import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  APPLE_CATEGORIES,
  categoryBySlug,
  categorySlug,
  knownCategory,
  MAX_CATEGORIES_PER_SHOW,
  showCategories,
} from './categories.ts';

describe('the Apple Podcasts category tree', () => {
  test('has the 19 top-level categories, and slugs unique across the whole tree', () => {
    assert.equal(APPLE_CATEGORIES.length, 19);
    const slugs = APPLE_CATEGORIES.flatMap((c) => [c.slug, ...c.subcategories.map((s) => s.slug)]);
    assert.equal(new Set(slugs).size, slugs.length);
    assert.equal(categoryBySlug('tv-and-film')?.category.name, 'TV & Film');
    assert.equal(categoryBySlug('stand-up')?.parent?.name, 'Comedy');
  });

  test('matches names leniently: case, &amp;, "and" for "&", spacing and hyphens', () => {
    for (const name of [
      'Kids & Family',
      'kids &amp; family',
      'Kids &amp;amp; Family',
      'KIDS AND FAMILY',
      'Kids&Family',
    ]) {
      assert.equal(knownCategory(name)?.category.name, 'Kids & Family', name);
    }
    assert.equal(knownCategory('standup')?.category.name, 'Stand-Up');
    assert.equal(knownCategory('Self Improvement')?.parent?.name, 'Education');
    // Names from the tree before 2019.
    assert.equal(knownCategory('Games & Hobbies')?.category.name, 'Leisure');
    assert.equal(knownCategory('Software How-To')?.category.name, 'Technology');
    assert.equal(knownCategory('Brandy Making'), undefined);
  });

  test('a show is listed under each category, the parent of each sub-category, and unknown names as given', () => {
    assert.deepEqual(
      showCategories([
        { name: 'Technology', subcategories: ['Tech News'] },
        { name: 'tv and film' },
        { name: '  Underwater   Basket Weaving ' },
        { name: 'TV & Film' },
        { name: '!!!' },
      ]),
      [
        { slug: 'technology', name: 'Technology' },
        { slug: 'tech-news', name: 'Tech News' },
        { slug: 'news', name: 'News' },
        { slug: 'tv-and-film', name: 'TV & Film' },
        { slug: 'underwater-basket-weaving', name: 'Underwater Basket Weaving' },
      ],
    );
    assert.deepEqual(showCategories([{ name: 'Arts', subcategories: ['Pottery Wheels'] }]), [
      { slug: 'arts', name: 'Arts' },
      { slug: 'pottery-wheels', name: 'Pottery Wheels' },
    ]);
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `Topic ${i}` }));
    assert.equal(showCategories(many).length, MAX_CATEGORIES_PER_SHOW);
    assert.deepEqual(showCategories(undefined), []);
  });

  test('slugs keep letters of any script and stay short', () => {
    assert.equal(categorySlug('Música & Baile'), 'música-and-baile');
    assert.ok(categorySlug('x'.repeat(500)).length <= 60);
  });
});
